/**
 * The S3 (and MinIO, Ceph, s3rver…) implementation of `ObjectStore`, through
 * @aws-sdk/client-s3.
 *
 * - Keys are `prefix/` + the content-addressed key. A key is written once: `put` skips an
 *   object of the right size, refuses one of another size, and (where the server supports it)
 *   writes with `If-None-Match: *` so that a race cannot replace an object either.
 * - `put` is one PutObject below `multipartThreshold` (64 MiB), a multipart upload above it
 *   (parts of max(8 MiB, size / 10,000 rounded up to 1 MiB), a few in parallel, each retried,
 *   the upload aborted on failure); the size is checked with HeadObject afterwards.
 * - `get` asks for the object in ranged GETs: one when it is at most `downloadPartSize`
 *   (64 MiB), else parts of that size, a few in parallel, each written at its offset and
 *   retried on its own. Every answer is checked against itself (Content-Length, Content-Range,
 *   the bytes that arrived) and against the expected size when the caller gives one: a
 *   truncated body or a lying server is retried, then refused with an error naming the object
 *   and the byte counts, and the file is removed.
 * - Transient failures (dropped connections, stalls, timeouts, 5xx, 503 SlowDown, 429) are
 *   retried with exponential backoff and jitter; the SDK's own retries are off because they
 *   cannot rewind a file stream.
 * - Credentials come from the environment passed in, or the AWS default chain; never from
 *   the remote's record. Checksums are left to the caller (sizes here, content hashes after
 *   pull): the SDK's optional CRC trailers are off, which many S3-compatible servers reject.
 */
import { unlink } from 'node:fs/promises';
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { createS3Client } from './s3-client.js';
import {
  resolveS3Settings,
  s3Description,
  s3ConfigFromRemote,
  type Env,
  type ResolvedS3Settings,
  type S3Remote,
  type S3StoreConfig,
} from './s3-config.js';
import { downloadObject } from './s3-download.js';
import { errorCode, explainS3Error, httpStatus, S3StoreError, where } from './s3-errors.js';
import { DEFAULT_MIN_PART_SIZE } from './s3-multipart.js';
import type { S3GetOptions, S3PutOptions, S3StoreOptions } from './s3-options.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './s3-retry.js';
import { uploadObject, type ConditionalWrites } from './s3-upload.js';

export { S3StoreError, type S3StoreErrorCode } from './s3-errors.js';
export type { Env, S3Remote, S3StoreConfig } from './s3-config.js';
export type { S3GetOptions, S3PutOptions, S3StoreOptions } from './s3-options.js';
export type { RetryPolicy } from './s3-retry.js';

const MiB = 1024 * 1024;

/**
 * An `ObjectStore` on an S3 bucket.
 *
 * @example
 * const store = new S3ObjectStore(
 *   { bucket: 'ml-datasets', prefix: 'gitops-mlops', region: 'eu-west-1' },
 *   { env: process.env },
 * );
 * await store.put(objectKey(ref), cachePath, ref.size, (n) => bar.tick(n));
 */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  private readonly settings: ResolvedS3Settings;
  private readonly client: S3Client;
  private readonly retry: RetryPolicy;
  private readonly threshold: number;
  private readonly minPartSize: number;
  private readonly partConcurrency: number;
  private readonly downloadPartSize: number;
  private readonly idleTimeoutMs: number;
  private readonly writes: ConditionalWrites;
  private bucketChecked: Promise<void> | undefined;

  constructor(config: S3StoreConfig, options: S3StoreOptions = {}) {
    this.settings = resolveS3Settings(config, options.env ?? {});
    const s = this.settings;
    this.description = s3Description(s);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.threshold = options.multipartThreshold ?? 64 * MiB;
    this.minPartSize = options.minPartSize ?? DEFAULT_MIN_PART_SIZE;
    this.partConcurrency = options.partConcurrency ?? 4;
    this.downloadPartSize = options.downloadPartSize ?? 64 * MiB;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.writes = { conditional: options.conditionalWrites ?? true };
    this.client = createS3Client(s, options);
  }

  /** Closes the store's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    return this.head(this.fullKey(key), 'stat');
  }

  /**
   * Uploads `file` to `key` unless an object of that size is there already; refuses a key
   * that holds another size; checks the size with HeadObject afterwards.
   */
  async put(
    key: string,
    file: string,
    size: number,
    progress?: (bytes: number) => void,
    options: S3PutOptions = {},
  ): Promise<void> {
    const full = this.fullKey(key);
    await uploadObject({
      client: this.client,
      bucket: this.settings.bucket,
      key: full,
      file,
      size,
      multipartThreshold: this.threshold,
      minPartSize: this.minPartSize,
      concurrency: this.partConcurrency,
      retry: this.retry,
      writes: this.writes,
      ...(options.knownAbsent ? { knownAbsent: true } : {}),
      ...(progress ? { progress } : {}),
      what: `upload of ${this.where(full)}`,
      explain: (e) => this.explain(e, 'upload', full),
      head: () => this.head(full, 'upload'),
    });
  }

  /**
   * Downloads `key` into `file` (created or truncated). On failure the file is removed and
   * the error says what was received; the caller still verifies the content hash.
   */
  async get(
    key: string,
    file: string,
    progress?: (bytes: number) => void,
    options: S3GetOptions = {},
  ): Promise<void> {
    const full = this.fullKey(key);
    const what = `download of ${this.where(full)}`;
    try {
      await downloadObject({
        client: this.client,
        bucket: this.settings.bucket,
        key: full,
        file,
        partSize: this.downloadPartSize,
        concurrency: this.partConcurrency,
        retry: this.retry,
        idleTimeoutMs: this.idleTimeoutMs,
        ...(options.size !== undefined ? { expectedSize: options.size } : {}),
        ...(progress ? { progress } : {}),
        what,
        explain: (e) => this.explain(e, 'download', full),
      });
    } catch (e) {
      await unlink(file).catch(() => undefined);
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    const { bucket, keyPrefix } = this.settings;
    let token: string | undefined;
    do {
      const page = await withRetry(
        `listing of ${this.where(keyPrefix + prefix)}`,
        this.retry,
        () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: keyPrefix + prefix,
              ...(token ? { ContinuationToken: token } : {}),
            }),
          ),
        (e) => this.explain(e, 'list', keyPrefix + prefix),
        { bucket, prefix: keyPrefix + prefix },
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || !o.Key.startsWith(keyPrefix)) continue;
        yield { key: o.Key.slice(keyPrefix.length), size: o.Size ?? 0 };
      }
      if (page.IsTruncated && !page.NextContinuationToken) {
        throw new S3StoreError(
          'FAILED',
          `listing of ${this.where(keyPrefix + prefix)}: the server says there is more but gave no continuation token`,
          { bucket, prefix: keyPrefix + prefix },
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    const full = this.fullKey(key);
    await withRetry(
      `deletion of ${this.where(full)}`,
      this.retry,
      async () => {
        try {
          await this.client.send(
            new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: full }),
          );
        } catch (e) {
          if (errorCode(e) !== 'NoSuchKey') throw e;
        }
      },
      (e) => this.explain(e, 'delete', full),
      { bucket: this.settings.bucket, key: full },
    );
  }

  private fullKey(key: string): string {
    if (!key || key.startsWith('/')) {
      throw new S3StoreError('CONFIG', `"${key}" is not an object key`, { key });
    }
    return this.settings.keyPrefix + key;
  }

  private where(key?: string): string {
    const { bucket, endpoint } = this.settings;
    return where({
      bucket,
      ...(key !== undefined ? { key } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
  }

  private explain(e: unknown, op: string, key?: string): S3StoreError {
    const { bucket, endpoint } = this.settings;
    return explainS3Error(e, {
      op,
      bucket,
      ...(key !== undefined ? { key } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
  }

  private async head(full: string, op: string): Promise<ObjectInfo | null> {
    return withRetry(
      `${op} of ${this.where(full)} (HeadObject)`,
      this.retry,
      async () => {
        try {
          const r = await this.client.send(
            new HeadObjectCommand({ Bucket: this.settings.bucket, Key: full }),
          );
          return { size: r.ContentLength ?? 0 };
        } catch (e) {
          const code = errorCode(e);
          if (code === 'NotFound' || code === 'NoSuchKey' || httpStatus(e) === 404) {
            await this.checkBucket();
            return null;
          }
          throw e;
        }
      },
      (e) => this.explain(e, op, full),
      { bucket: this.settings.bucket, key: full },
    );
  }

  /**
   * A HEAD of a missing key and a HEAD in a missing bucket both answer a bare 404: the first
   * time a key looks absent, ask whether the bucket exists, so that `stat` in a bucket that
   * is not there says so instead of returning null.
   */
  private checkBucket(): Promise<void> {
    this.bucketChecked ??= (async () => {
      const { bucket } = this.settings;
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (e) {
        const status = httpStatus(e);
        if (status === 404 || errorCode(e) === 'NoSuchBucket') {
          throw new S3StoreError(
            'NO_SUCH_BUCKET',
            `stat of ${this.where()}: bucket "${bucket}" does not exist`,
            { bucket },
            { cause: e },
          );
        }
        // Anything else (403 where HeadBucket is not allowed, a blip): do not guess.
      }
    })().catch((e: unknown) => {
      this.bucketChecked = undefined;
      throw e;
    });
    return this.bucketChecked;
  }
}

/**
 * The store of an `s3` remote from `data/remotes.yaml`, with credentials from `env` (or the
 * AWS default chain when `env` has none).
 *
 * @example
 * const remotes = loadRemotes(repo); // data/remotes.yaml
 * const store = s3StoreFromRemote(remotes.remotes.s3, process.env);
 */
export function s3StoreFromRemote(
  remote: S3Remote,
  env: Env,
  options: Omit<S3StoreOptions, 'env'> = {},
): S3ObjectStore {
  return new S3ObjectStore(s3ConfigFromRemote(remote), { ...options, env });
}
