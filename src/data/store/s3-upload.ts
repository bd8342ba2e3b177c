/**
 * Upload of one local file to a content-addressed key: the local size is checked first, an
 * object of the right size already there is kept (one of another size refused), a small file
 * goes in one PutObject and a large one multipart, and HeadObject checks the size afterwards.
 * Writes carry `If-None-Match: *` where the server honours it, so that a race cannot replace
 * an object either.
 */
import { readFile, stat as fsStat } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectInfo } from './object-store.js';
import { errorCode, httpStatus, S3StoreError } from './s3-errors.js';
import { fileBody, partSizeFor, ProgressMark, uploadMultipart } from './s3-multipart.js';
import { withRetry, type RetryPolicy } from './s3-retry.js';

const MiB = 1024 * 1024;

/** Bodies up to this size are read into memory (simple retries, no stream per attempt). */
const BUFFER_LIMIT = 8 * MiB;

/**
 * Whether writes send `If-None-Match: *`. One per store, shared by its uploads: switched off
 * for good when the server answers 501 (it does not do conditional writes).
 */
export interface ConditionalWrites {
  conditional: boolean;
}

/** One upload, as {@link uploadObject} takes it. */
export interface UploadJob {
  client: S3Client;
  bucket: string;
  /** The full key (store prefix included). */
  key: string;
  file: string;
  /** The size the file and the object must have. */
  size: number;
  /** Files of at least this many bytes go multipart. */
  multipartThreshold: number;
  /** The smallest part of a multipart upload. */
  minPartSize: number;
  /** Parts in flight per multipart upload. */
  concurrency: number;
  retry: RetryPolicy;
  writes: ConditionalWrites;
  /** The key is known to be absent: skip the HeadObject that looks for it. */
  knownAbsent?: boolean;
  progress?: (bytes: number) => void;
  /** `upload of s3://bucket/key`, for messages. */
  what: string;
  explain: (e: unknown) => Error;
  /** HeadObject of the key: its size, or null when there is no object. */
  head: () => Promise<ObjectInfo | null>;
}

/**
 * Uploads `job.file` to `job.key` unless an object of that size is there already; refuses a
 * key that holds another size; checks the size with HeadObject afterwards.
 */
export async function uploadObject(job: UploadJob): Promise<void> {
  const { bucket, key: full, file, size, what, progress } = job;
  const local = await fsStat(file);
  if (local.size !== size) {
    throw new S3StoreError(
      'SIZE_MISMATCH',
      `${what}: the local file ${file} has ${local.size} bytes, the object should have ${size}`,
      { bucket, key: full, file, size, actual: local.size },
    );
  }
  const existing = job.knownAbsent ? null : await job.head();
  if (existing) {
    checkExisting(job, existing.size);
    return;
  }
  if (size >= job.multipartThreshold) {
    await uploadMultipart({
      client: job.client,
      bucket,
      key: full,
      file,
      size,
      partSize: partSizeFor(size, job.minPartSize),
      concurrency: job.concurrency,
      retry: job.retry,
      conditional: job.writes.conditional,
      ...(progress ? { progress } : {}),
      what,
      explain: job.explain,
    });
  } else {
    await putSingle(job);
  }
  const after = await job.head();
  if (!after) {
    throw new S3StoreError(
      'FAILED',
      `${what}: the upload succeeded but HeadObject finds no object`,
      {
        bucket,
        key: full,
      },
    );
  }
  if (after.size !== size) {
    // Left in place (whoever wrote it, it is visible and every later push refuses it), not
    // deleted behind the user's back.
    throw new S3StoreError(
      'SIZE_MISMATCH',
      `${what}: after the upload the object has ${after.size} bytes instead of ${size}; ` +
        'the remote copy is wrong: delete it and push again',
      { bucket, key: full, size, actual: after.size },
    );
  }
}

function checkExisting(job: UploadJob, actual: number): void {
  const { what, key: full, size } = job;
  if (actual === size) return;
  throw new S3StoreError(
    'CONFLICT',
    `${what}: the key already holds an object of ${actual} bytes, not ${size}; a ` +
      'content-addressed object is never overwritten, so the remote copy is corrupt: ' +
      'delete it and push again',
    { bucket: job.bucket, key: full, size, actual },
  );
}

/** One PutObject, from memory for a small file, else streamed from the file on each attempt. */
async function putSingle(job: UploadJob): Promise<void> {
  const { client, bucket, key: full, file, size, what, writes } = job;
  const mark = new ProgressMark(job.progress);
  const buffer = size <= BUFFER_LIMIT ? await readFile(file) : undefined;
  if (buffer && buffer.length !== size) {
    throw new S3StoreError('SIZE_MISMATCH', `${what}: ${file} changed while being read`, {
      file,
      size,
      actual: buffer.length,
    });
  }
  const send = (conditional: boolean) =>
    client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: full,
        ContentLength: size,
        Body: buffer ?? fileBody(file, 0, size, mark),
        ...(conditional ? { IfNoneMatch: '*' } : {}),
      }),
    );
  await withRetry(
    what,
    job.retry,
    async () => {
      try {
        try {
          await send(writes.conditional);
        } catch (e) {
          if (!writes.conditional || (errorCode(e) !== 'NotImplemented' && httpStatus(e) !== 501)) {
            throw e;
          }
          writes.conditional = false; // the server does not do conditional writes
          await send(false);
        }
        if (buffer) mark.add(size);
      } catch (e) {
        // Written meanwhile, by a concurrent push or by an attempt whose answer was lost:
        // the size check after the upload decides.
        if (errorCode(e) === 'PreconditionFailed' || httpStatus(e) === 412) return;
        throw e;
      }
    },
    job.explain,
    { bucket, key: full },
  );
}
