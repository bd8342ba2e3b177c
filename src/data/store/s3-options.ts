/**
 * The options of the S3 object store: its tuning, and those of one `put` and one `get`.
 */
import type { Env } from './s3-config.js';
import type { RetryPolicy } from './s3-retry.js';

/** Tuning; the defaults suit AWS. Tests lower the sizes and the timeouts. */
export interface S3StoreOptions {
  /** Where credentials, region and endpoint overrides are read from. Default: none (AWS default chain). */
  env?: Env;
  /**
   * Send every request unsigned, with no credentials from anywhere (neither `env` nor the AWS
   * default chain): for checks whose target a reviewer has not vouched for yet.
   */
  anonymous?: boolean;
  /** Files of at least this many bytes go multipart. Default 64 MiB. */
  multipartThreshold?: number;
  /** The smallest part. Default 8 MiB (S3's own minimum is 5 MiB). */
  minPartSize?: number;
  /** Parts in flight per multipart upload or ranged download. Default 4. */
  partConcurrency?: number;
  /**
   * Bytes per ranged GET. Objects up to this size come in one request, larger ones in parts
   * of this size, `partConcurrency` at a time. Default 64 MiB (8 MiB parts cost a quarter more
   * time here, in requests and writes).
   */
  downloadPartSize?: number;
  retry?: Partial<RetryPolicy>;
  /** Give up connecting after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** A connection with no bytes moving for this long is dropped and retried. Default 60 s. */
  idleTimeoutMs?: number;
  /** Sockets per store. Default 64. */
  maxSockets?: number;
  /** Send `If-None-Match: *` on writes (S3 since 2024, MinIO). Default true; switched off by itself when a server answers 501. */
  conditionalWrites?: boolean;
}

/** Options of one `put`. */
export interface S3PutOptions {
  /**
   * The caller has just listed the remote and the key was not there: skip the HeadObject
   * that looks for it. The write still carries `If-None-Match: *` where the server honours
   * it, and the size is still checked afterwards.
   */
  knownAbsent?: boolean;
}

/** Options of one `get`. */
export interface S3GetOptions {
  /** The size the object must have (from the manifest): a server that sends another is refused. */
  size?: number;
}
