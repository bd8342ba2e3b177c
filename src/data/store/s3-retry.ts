/**
 * Retries for S3 calls: which failures are transient, and exponential backoff with jitter.
 * The SDK's own retries are switched off (they cannot rewind a file stream), so this is the
 * one retry policy of the store.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, errorCode, httpStatus, S3StoreError } from './s3-errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  tries: number;
  /** The first backoff's upper bound; each retry doubles it. */
  baseDelayMs: number;
  /** No backoff is longer than this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 6, baseDelayMs: 250, maxDelayMs: 20_000 };

/** Codes of failures worth another try: dropped connections, timeouts, 5xx, throttling. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'TimeoutError',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'BadDigest',
  'IncompleteBody',
  'OperationAborted',
  'ConditionalRequestConflict',
  'TRUNCATED',
  'STALLED',
]);

/**
 * True when another try may succeed: a dropped or stalled connection, a timeout, a 5xx answer,
 * throttling (429, 503 SlowDown), or a truncated body.
 *
 * @example
 * isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) // true
 * isTransient({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } })       // false
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof S3StoreError) return e.code === 'TRUNCATED' || e.code === 'INCONSISTENT';
  const code = errorCode(e);
  if (code === 'AbortError') return false;
  if (TRANSIENT_CODES.has(code)) return true;
  const status = httpStatus(e);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if ((e as { $retryable?: unknown } | null)?.$retryable) return true;
  // The SDK reports a body it could not parse (a proxy's HTML, a cut-off XML) this way.
  const msg = (e as { message?: unknown } | null)?.message;
  return typeof msg === 'string' && /socket hang up|aborted|premature close/i.test(msg);
}

/**
 * The wait before retry number `attempt` (1 for the first retry): a random time in the upper
 * half of `base · 2^(attempt-1)`, capped ("equal jitter": always some backoff, never in step).
 *
 * @example
 * backoffDelay(3, { tries: 5, baseDelayMs: 100, maxDelayMs: 10_000 }, () => 0.5) // 300
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return cap / 2 + (random() * cap) / 2;
}

/**
 * Runs `fn` until it succeeds, a failure is not transient, or `policy.tries` attempts have
 * failed; then throws `explain(error)` for a permanent failure, or a `GAVE_UP` error that
 * says what was tried how often and what the last failure was.
 *
 * @example
 * await withRetry('download of s3://b/k', DEFAULT_RETRY, () => fetchOnce(), (e) => e);
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  explain: (e: unknown) => Error,
  data: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (signal?.aborted || !isTransient(e)) throw explain(e);
      if (attempt >= policy.tries) {
        // A truncated or garbled answer keeps its code: the remote, not the network, is suspect.
        throw new S3StoreError(
          e instanceof S3StoreError && isTransient(e) ? e.code : 'GAVE_UP',
          `${what} failed after ${attempt} ${attempt === 1 ? 'try' : 'tries'}; last: ${describeError(e)}`,
          { ...data, tries: attempt },
          { cause: e },
        );
      }
      await sleep(backoffDelay(attempt, policy), undefined, signal ? { signal } : undefined).catch(
        () => {
          throw explain(e);
        },
      );
    }
  }
}
