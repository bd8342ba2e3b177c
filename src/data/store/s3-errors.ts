/**
 * The errors of the S3 object store: one class with a stable `code`, structured `data`
 * (bucket, key, operation) and the SDK's error as `cause`, and the translation of AWS error
 * codes into sentences a user can act on.
 */
import { CodedError } from '../../errors/coded-error.js';

/** Stable codes for everything the S3 store can refuse or fail at. */
export type S3StoreErrorCode =
  /** The remote's configuration is unusable (credentials in the endpoint, bad URL…). */
  | 'CONFIG'
  | 'NO_SUCH_BUCKET'
  | 'NOT_FOUND'
  | 'ACCESS_DENIED'
  /** Unknown access key, wrong secret, expired token. */
  | 'BAD_CREDENTIALS'
  | 'NO_CREDENTIALS'
  | 'WRONG_REGION'
  /** The endpoint cannot be reached at all (refused, unknown host). */
  | 'UNREACHABLE'
  /** A download ended before the bytes its Content-Length promised. */
  | 'TRUNCATED'
  /** An answer contradicts itself (Content-Length, Content-Range and the bytes that came). */
  | 'INCONSISTENT'
  /** Sizes disagree: the local file, the remote object or the expected size. */
  | 'SIZE_MISMATCH'
  /** The key already holds an object of another size; content-addressed keys are never overwritten. */
  | 'CONFLICT'
  /** A transient failure that outlasted every retry. */
  | 'GAVE_UP'
  | 'FAILED';

/**
 * An error of the S3 store.
 *
 * @example
 * try {
 *   await store.get(key, tmp);
 * } catch (e) {
 *   if (e instanceof S3StoreError && e.code === 'NOT_FOUND') console.error(`missing: ${key}`);
 * }
 */
export class S3StoreError extends CodedError<S3StoreErrorCode> {
  override readonly name = 'S3StoreError';
}

/** What an S3 call was doing, for messages. */
export interface S3Context {
  /** e.g. `upload`, `download`, `list`, `stat`, `delete`. */
  op: string;
  bucket: string;
  /** The full key in the bucket (store prefix included), when there is one. */
  key?: string;
  /** The custom endpoint, when not AWS. */
  endpoint?: string;
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

function shape(e: unknown): SdkErrorShape {
  return typeof e === 'object' && e !== null ? e : {};
}

/** The AWS error code (`NoSuchBucket`), or a Node network code (`ECONNRESET`), or ''. */
export function errorCode(e: unknown): string {
  const s = shape(e);
  if (typeof s.Code === 'string' && s.Code) return s.Code;
  if (typeof s.code === 'string' && s.code) return s.code;
  if (typeof s.name === 'string' && s.name && s.name !== 'Error') return s.name;
  return '';
}

/** The HTTP status of an SDK error, when it got as far as a response. */
export function httpStatus(e: unknown): number | undefined {
  return shape(e).$metadata?.httpStatusCode;
}

/** `s3://bucket/key` (and the endpoint when it is not AWS), for messages. */
export function where(ctx: Pick<S3Context, 'bucket' | 'key' | 'endpoint'>): string {
  const url = `s3://${ctx.bucket}${ctx.key !== undefined ? `/${ctx.key}` : ''}`;
  return ctx.endpoint ? `${url} (at ${ctx.endpoint})` : url;
}

function messageOf(e: unknown): string {
  const m = shape(e).message;
  return typeof m === 'string' && m ? m : String(e);
}

/** A short account of an error for the end of a sentence: `SlowDown (HTTP 503): Please reduce…`. */
export function describeError(e: unknown): string {
  if (e instanceof S3StoreError) return e.message;
  const code = errorCode(e);
  const status = httpStatus(e);
  const msg = messageOf(e);
  // Node's own errors say their code first: `ENOENT: no such file or directory, open '…'`.
  if (code && msg.startsWith(code)) return msg;
  const head = [code, status ? `HTTP ${status}` : ''].filter(Boolean).join(', ');
  if (!head) return msg;
  return msg && msg !== code && msg !== 'UnknownError' ? `${head}: ${msg}` : head;
}

const CREDENTIALS_HINT =
  'credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) ' +
  'or the AWS default chain (AWS_PROFILE, ~/.aws, SSO, instance role), never from data/remotes.yaml';

/**
 * Turns an SDK or network error into an `S3StoreError` whose message says, in a sentence,
 * what went wrong and where. Errors that are already `S3StoreError` pass through.
 *
 * @example
 * explainS3Error(e, { op: 'upload', bucket: 'ml-datasets', key: 'files/md5/d8/e8…' }).message
 * // 'upload of s3://ml-datasets/files/md5/d8/e8…: bucket "ml-datasets" does not exist'
 */
export function explainS3Error(e: unknown, ctx: S3Context): S3StoreError {
  if (e instanceof S3StoreError) return e;
  const code = errorCode(e);
  const status = httpStatus(e);
  const at = `${ctx.op} of ${where(ctx)}`;
  const data = { ...ctx, awsCode: code || undefined, status };
  const make = (c: S3StoreErrorCode, sentence: string) =>
    new S3StoreError(c, `${at}: ${sentence}`, data, { cause: e });
  // HEAD answers have no body, so the SDK knows only the status ("Unknown", "Forbidden").
  const bodiless = code === '' || code === 'Unknown';
  switch (bodiless && status === 403 ? 'Forbidden' : code) {
    case 'NoSuchBucket':
      return make('NO_SUCH_BUCKET', `bucket "${ctx.bucket}" does not exist`);
    case 'PreconditionFailed':
      return make('CONFLICT', 'the object changed while it was being read');
    case 'NoSuchKey':
      return make('NOT_FOUND', 'no such object');
    case 'NotFound':
      return make('NOT_FOUND', 'no such object (or no such bucket: HEAD answers carry no reason)');
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return make(
        'ACCESS_DENIED',
        `access denied: the credentials in use may not ${ctx.op} here (${CREDENTIALS_HINT})`,
      );
    case 'Forbidden':
      return make(
        'ACCESS_DENIED',
        `access denied (HTTP 403, no reason given): the credentials are wrong or lack permission (${CREDENTIALS_HINT})`,
      );
    case 'InvalidAccessKeyId':
      return make(
        'BAD_CREDENTIALS',
        `the access key id is not known to the server (${CREDENTIALS_HINT})`,
      );
    case 'SignatureDoesNotMatch':
      return make(
        'BAD_CREDENTIALS',
        `the secret access key does not match the access key id (${CREDENTIALS_HINT})`,
      );
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
    case 'InvalidToken':
      return make(
        'BAD_CREDENTIALS',
        `the session token is expired or invalid (${CREDENTIALS_HINT})`,
      );
    case 'CredentialsProviderError':
      return make('NO_CREDENTIALS', `no AWS credentials found (${CREDENTIALS_HINT})`);
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return make(
        'WRONG_REGION',
        `the bucket is in another region than the one configured; set \`region\` in data/remotes.yaml (${describeError(e)})`,
      );
    case 'ECONNREFUSED':
      return make('UNREACHABLE', `connection refused: nothing listens at the endpoint`);
    case 'ENOTFOUND':
      return make('UNREACHABLE', `unknown host: the endpoint's name does not resolve`);
    default:
      if (status === 403) return make('ACCESS_DENIED', `access denied (${describeError(e)})`);
      if (status === 404) return make('NOT_FOUND', `not found (${describeError(e)})`);
      return make('FAILED', describeError(e));
  }
}
