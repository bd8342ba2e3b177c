/**
 * Multipart upload of one local file: part size from S3's 10,000-part limit, parts sent a
 * few at a time and each retried, the upload aborted on failure so that no partial object
 * ever appears under the key.
 */
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describeError, errorCode, httpStatus, S3StoreError } from './s3-errors.js';
import { withRetry, type RetryPolicy } from './s3-retry.js';

const MiB = 1024 * 1024;
/** S3 allows at most this many parts in one upload. */
export const MAX_PARTS = 10_000;
export const DEFAULT_MIN_PART_SIZE = 8 * MiB;

/**
 * The part size for a file of `size` bytes: at least `minPartSize`, and at least
 * `size / 10,000` rounded up to a whole MiB so the upload never needs more than 10,000 parts.
 *
 * @example
 * partSizeFor(1024 ** 3)        // 8 MiB (128 parts)
 * partSizeFor(200 * 1024 ** 3)  // 21 MiB (9,753 parts)
 */
export function partSizeFor(size: number, minPartSize = DEFAULT_MIN_PART_SIZE): number {
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  return Math.max(minPartSize, needed);
}

/**
 * Reports bytes to a progress callback as deltas that never go back: when an attempt fails
 * and starts again from 0, nothing is reported until it passes the bytes already reported.
 * The deltas of one transfer therefore add up to its size, whatever the retries.
 */
export class ProgressMark {
  private reported = 0;
  private current = 0;
  constructor(private readonly callback?: (bytes: number) => void) {}

  /** A new attempt starts from byte 0. */
  restart(): void {
    this.current = 0;
  }

  add(bytes: number): void {
    this.current += bytes;
    if (this.current > this.reported && this.callback) {
      this.callback(this.current - this.reported);
      this.reported = this.current;
    }
  }
}

/** A pass-through stream that counts what flows through it into a `ProgressMark`. */
export function counting(mark: ProgressMark): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      mark.add(chunk.length);
      done(null, chunk);
    },
  });
}

/** A file range as a counted stream: one fresh stream per attempt. */
export function fileBody(
  file: string,
  start: number,
  length: number,
  mark: ProgressMark,
): Readable {
  mark.restart();
  const source = createReadStream(file, { start, end: start + length - 1 });
  const counter = counting(mark);
  source.on('error', (e) => counter.destroy(e));
  return source.pipe(counter);
}

/**
 * Runs `fn` over `items` with at most `limit` at a time. After a failure no new item starts,
 * `stop` (when given) is aborted so that those in flight can give up early, and the first
 * failure is thrown once all have settled.
 */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  stop?: AbortController,
): Promise<void> {
  let next = 0;
  let failed = false;
  const errors: unknown[] = [];
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        errors.push(e);
        stop?.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length) throw errors[0];
}

export interface MultipartJob {
  client: S3Client;
  bucket: string;
  /** The full key (store prefix included). */
  key: string;
  file: string;
  size: number;
  partSize: number;
  concurrency: number;
  retry: RetryPolicy;
  /** Send `If-None-Match: *` on completion, so an existing object is never replaced. */
  conditional: boolean;
  progress?: (bytes: number) => void;
  /** `upload of s3://bucket/key`, for messages. */
  what: string;
  explain: (e: unknown) => Error;
}

/** What happened to the upload, for the caller's verification step. */
export type MultipartOutcome = 'completed' | 'exists';

/**
 * Uploads `job.file` in parts. On any failure the upload is aborted (its parts deleted) and
 * the error thrown says whether the abort itself succeeded; the key never shows a partial
 * object, because S3 only makes an object visible on `CompleteMultipartUpload`.
 *
 * Returns `'exists'` when a conditional completion found the key already written by someone
 * else (the caller verifies its size).
 */
export async function uploadMultipart(job: MultipartJob): Promise<MultipartOutcome> {
  const { client, bucket, key, retry } = job;
  const data = { bucket, key };
  const created = await withRetry(
    `${job.what} (starting the multipart upload)`,
    retry,
    () => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })),
    job.explain,
    data,
  );
  const uploadId = created.UploadId;
  if (!uploadId) {
    throw new S3StoreError('FAILED', `${job.what}: the server returned no upload id`, data);
  }

  const count = Math.ceil(job.size / job.partSize);
  const parts: CompletedPart[] = new Array<CompletedPart>(count);
  const stop = new AbortController();
  let conditional = job.conditional;
  try {
    const numbers = Array.from({ length: count }, (_, i) => i + 1);
    await eachLimit(
      numbers,
      job.concurrency,
      async (n) => {
        const start = (n - 1) * job.partSize;
        const length = Math.min(job.partSize, job.size - start);
        const mark = new ProgressMark(job.progress);
        const out = await withRetry(
          `${job.what} (part ${n} of ${count})`,
          retry,
          () =>
            client.send(
              new UploadPartCommand({
                Bucket: bucket,
                Key: key,
                UploadId: uploadId,
                PartNumber: n,
                ContentLength: length,
                Body: fileBody(job.file, start, length, mark),
              }),
              { abortSignal: stop.signal },
            ),
          job.explain,
          { ...data, part: n },
          stop.signal,
        );
        if (!out.ETag) {
          throw new S3StoreError(
            'FAILED',
            `${job.what}: part ${n} was stored without an ETag`,
            data,
          );
        }
        parts[n - 1] = { PartNumber: n, ETag: out.ETag };
      },
      stop,
    );

    return await withRetry(
      `${job.what} (completing the multipart upload)`,
      retry,
      async (attempt) => {
        const complete = (conditional: boolean) =>
          client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
              ...(conditional ? { IfNoneMatch: '*' } : {}),
            }),
          );
        try {
          try {
            await complete(conditional);
          } catch (e) {
            if (!conditional || (errorCode(e) !== 'NotImplemented' && httpStatus(e) !== 501)) {
              throw e;
            }
            conditional = false; // the server does not do conditional writes
            await complete(false);
          }
          return 'completed' as const;
        } catch (e) {
          // An earlier attempt completed it and only the answer was lost.
          if (attempt > 1 && errorCode(e) === 'NoSuchUpload') return 'completed' as const;
          if (errorCode(e) === 'PreconditionFailed' || httpStatus(e) === 412) {
            await abortQuietly(job, uploadId);
            return 'exists' as const;
          }
          throw e;
        }
      },
      job.explain,
      data,
    );
  } catch (e) {
    const abortFailure = await abortQuietly(job, uploadId);
    const base = e instanceof Error ? e : new Error(String(e));
    const note =
      abortFailure === null
        ? ''
        : `; the incomplete upload ${uploadId} could not be aborted (${abortFailure}), ` +
          'so its parts stay until a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes them';
    if (e instanceof S3StoreError) {
      throw new S3StoreError(e.code, `${e.message}${note}`, { ...e.data, uploadId }, { cause: e });
    }
    throw new S3StoreError('FAILED', `${job.what}: ${describeError(base)}${note}`, data, {
      cause: e,
    });
  }
}

/** Aborts an upload, a few tries; null when it is gone, else why the server refused. */
async function abortQuietly(job: MultipartJob, uploadId: string): Promise<string | null> {
  try {
    await withRetry(
      `${job.what} (aborting upload ${uploadId})`,
      { ...job.retry, tries: Math.min(job.retry.tries, 3) },
      () =>
        job.client.send(
          new AbortMultipartUploadCommand({ Bucket: job.bucket, Key: job.key, UploadId: uploadId }),
        ),
      (e) => (e instanceof Error ? e : new Error(String(e))),
    );
    return null;
  } catch (e) {
    return errorCode(e) === 'NoSuchUpload' ? null : describeError(e);
  }
}
