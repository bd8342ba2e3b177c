/**
 * Download of one object into a file: the first request asks for the first part (a ranged
 * GET), which is the whole object when it is small; a larger object's other parts then come
 * a few at a time, each retried on its own and written at its offset. Every answer is checked
 * against itself (Content-Length against Content-Range against the bytes that arrived) and
 * against the size the object must have.
 */
import { createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, httpStatus, S3StoreError } from './s3-errors.js';
import { eachLimit, ProgressMark } from './s3-multipart.js';
import { withRetry, type RetryPolicy } from './s3-retry.js';

export interface DownloadJob {
  client: S3Client;
  bucket: string;
  /** The full key (store prefix included). */
  key: string;
  file: string;
  /** Bytes per ranged request. */
  partSize: number;
  concurrency: number;
  retry: RetryPolicy;
  /** A connection with no bytes for this long is dropped (and retried). */
  idleTimeoutMs: number;
  /** The size the object must have, when the caller knows it. */
  expectedSize?: number;
  progress?: (bytes: number) => void;
  /** `download of s3://bucket/key`, for messages. */
  what: string;
  explain: (e: unknown) => Error;
}

/** Bytes gathered before each write to the file. */
const WRITE_SIZE = 1024 * 1024;

/** `bytes 0-99/1000` → `{ start: 0, end: 99, total: 1000 }`. */
export function parseContentRange(
  header: string | undefined,
): { start: number; end: number; total: number } | undefined {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) };
}

interface PartAnswer {
  /** The object's size. */
  total: number;
  /** The last byte written. */
  end: number;
  etag?: string;
}

/**
 * Downloads `job.key` into `job.file` (created or truncated by the first part); throws on any
 * failure, leaving the file to the caller (who removes it).
 */
export async function downloadObject(job: DownloadJob): Promise<void> {
  const data = { bucket: job.bucket, key: job.key };
  const firstMark = new ProgressMark(job.progress);
  const first = await withRetry(
    job.what,
    job.retry,
    () =>
      fetchPart(job, { start: 0, end: job.partSize - 1 }, firstMark, {
        ...(job.expectedSize !== undefined ? { total: job.expectedSize } : {}),
      }),
    job.explain,
    data,
  );
  const { total } = first;
  if (first.end + 1 < total) {
    const ranges: { start: number; end: number }[] = [];
    for (let s = first.end + 1; s < total; s += job.partSize) {
      ranges.push({ start: s, end: Math.min(total, s + job.partSize) - 1 });
    }
    const stop = new AbortController();
    const want = { total, ...(first.etag ? { etag: first.etag } : {}) };
    await eachLimit(
      ranges,
      job.concurrency,
      async (range) => {
        const mark = new ProgressMark(job.progress);
        await withRetry(
          `${job.what} (bytes ${range.start}-${range.end} of ${total})`,
          job.retry,
          () => fetchPart(job, range, mark, want, stop.signal),
          job.explain,
          { ...data, range },
          stop.signal,
        );
      },
      stop,
    );
    // Every part was checked; the file's size is the last word.
    const written = (await stat(job.file)).size;
    if (written !== total) {
      throw new S3StoreError(
        'SIZE_MISMATCH',
        `${job.what}: wrote ${written} bytes, the object has ${total}`,
        { ...data, written, total },
      );
    }
  }
}

function inconsistent(job: DownloadJob, sentence: string, data: Record<string, unknown>) {
  // Retried: a proxy or a flaky link can garble one answer; a server that always does is refused.
  return new S3StoreError('INCONSISTENT', `${job.what}: ${sentence}`, {
    bucket: job.bucket,
    key: job.key,
    ...data,
  });
}

/**
 * One GET of `range` written at its offset. `want.total` is the size the object must have,
 * `want.etag` the version the other parts came from.
 */
async function fetchPart(
  job: DownloadJob,
  range: { start: number; end: number } | undefined,
  mark: ProgressMark,
  want: { total?: number; etag?: string },
  signal?: AbortSignal,
): Promise<PartAnswer> {
  mark.restart();
  let out;
  try {
    out = await job.client.send(
      new GetObjectCommand({
        Bucket: job.bucket,
        Key: job.key,
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        ...(want.etag ? { IfMatch: want.etag } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (e) {
    // An empty object has no byte 0 to ask for: S3 answers 416; ask for the whole of it.
    if (range?.start === 0 && (errorCode(e) === 'InvalidRange' || httpStatus(e) === 416)) {
      return fetchPart(job, undefined, mark, want, signal);
    }
    if (want.etag && (errorCode(e) === 'PreconditionFailed' || httpStatus(e) === 412)) {
      throw new S3StoreError(
        'CONFLICT',
        `${job.what}: the object changed while it was being downloaded`,
        { bucket: job.bucket, key: job.key },
        { cause: e },
      );
    }
    throw e;
  }
  const body = out.Body as Readable | undefined;
  const declared = out.ContentLength;
  const cr = parseContentRange(out.ContentRange);
  const facts = { declared, contentRange: out.ContentRange, range };
  if (!body) throw inconsistent(job, 'the answer has no body', facts);

  let start: number;
  let end: number;
  let total: number;
  if (cr) {
    ({ start, end, total } = cr);
  } else {
    // A whole object (200): asked for so, or the server ignored the Range header.
    if (range && range.start !== 0) {
      body.destroy();
      throw inconsistent(
        job,
        `asked for bytes ${range.start}-${range.end}, got the whole object`,
        facts,
      );
    }
    if (declared === undefined) {
      body.destroy();
      throw inconsistent(job, 'the answer has neither Content-Length nor Content-Range', facts);
    }
    start = 0;
    total = declared;
    end = total - 1;
  }
  if (want.total !== undefined && total !== want.total) {
    body.destroy();
    throw new S3StoreError(
      'SIZE_MISMATCH',
      `${job.what}: the server says the object has ${total} bytes, it should have ${want.total}`,
      { bucket: job.bucket, key: job.key, ...facts, total, expected: want.total },
    );
  }
  if (total === 0) {
    // Nothing to write (and some servers send a stray byte for a range of an empty object).
    body.destroy();
    await writeFile(job.file, '');
    return { total: 0, end: -1, ...(out.ETag ? { etag: out.ETag } : {}) };
  }
  if (range && (start !== range.start || end !== Math.min(range.end, total - 1))) {
    body.destroy();
    throw inconsistent(
      job,
      `asked for bytes ${range.start}-${range.end}, the answer is bytes ${start}-${end}/${total}`,
      facts,
    );
  }
  const length = end - start + 1;
  if (declared !== undefined && declared !== length) {
    body.destroy();
    throw inconsistent(
      job,
      `the answer's Content-Length (${declared}) disagrees with its content (bytes ${start}-${end}/${total}: ${length} bytes)`,
      facts,
    );
  }

  let received = 0;
  const idle = setTimeout(() => {
    counter.destroy(
      Object.assign(new Error(`no bytes for ${job.idleTimeoutMs} ms`), { code: 'STALLED' }),
    );
  }, job.idleTimeoutMs);
  // Counts, watches for stalls, and hands the file bigger writes than the socket's 16–64 KiB
  // reads: a quarter of the CPU a download costs here went into write calls.
  let held: Buffer[] = [];
  let heldBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      mark.add(chunk.length);
      idle.refresh();
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes < WRITE_SIZE) return done();
      const out = Buffer.concat(held, heldBytes);
      held = [];
      heldBytes = 0;
      done(null, out);
    },
    flush(done) {
      done(null, heldBytes ? Buffer.concat(held, heldBytes) : undefined);
    },
  });
  try {
    // The first part creates (or truncates) the file; the others write into it at their offset.
    const flags = start === 0 ? 'w' : 'r+';
    await pipeline(
      body,
      counter,
      createWriteStream(job.file, { flags, start }),
      signal ? { signal } : {},
    );
  } catch (e) {
    if (received < length) {
      throw new S3StoreError(
        'TRUNCATED',
        `${job.what}: the connection ended after ${received} of ${length} bytes (Content-Length)`,
        { bucket: job.bucket, key: job.key, ...facts, received },
        { cause: e },
      );
    }
    throw e;
  } finally {
    clearTimeout(idle);
  }
  if (received !== length) {
    throw new S3StoreError(
      'TRUNCATED',
      `${job.what}: received ${received} bytes of ${length} (Content-Length)`,
      { bucket: job.bucket, key: job.key, ...facts, received },
    );
  }
  return { total, end, ...(out.ETag ? { etag: out.ETag } : {}) };
}
