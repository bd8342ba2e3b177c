import { setTimeout as delay } from 'node:timers/promises';
import { DataError, abortError } from '../errors.js';
import { S3StoreError } from '../store/s3-errors.js';

export interface RetryOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** Which failures are worth another attempt (default {@link isTransientError}). */
  isTransient?: (e: unknown) => boolean;
  /** Waits `ms` (default a timer); inject a fake in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1) (default `Math.random`), for the jitter. */
  random?: () => number;
  /** First delay's ceiling, ms (default 200); doubles per attempt. */
  baseMs?: number;
  /** No delay above this, ms (default 20,000). */
  maxMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `fn` until it succeeds, retrying transient failures with exponential backoff and
 * jitter: before attempt n+1 it waits between half and all of `min(maxMs, baseMs·2ⁿ)`.
 * A failure that is not transient, or the last one, is thrown as it is.
 *
 * @example
 * const info = await retry(() => store.stat(key), { retries: 3 });
 * @example
 * // in a test: no real waiting, and the delays recorded
 * const waits: number[] = [];
 * await retry(flaky, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const retries = opts.retries ?? 4;
  const isTransient = opts.isTransient ?? isTransientError;
  const sleep =
    opts.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= retries || !isTransient(e) || opts.signal?.aborted) throw e;
      const delayMs = backoffDelay(attempt, opts.baseMs ?? 200, opts.maxMs ?? 20_000, random);
      opts.onRetry?.({ attempt, delayMs, error: e });
      try {
        await sleep(delayMs, opts.signal);
      } catch (slept) {
        if (opts.signal?.aborted) throw abortError(opts.signal);
        throw slept;
      }
    }
  }
}

/**
 * The wait before retry number `attempt + 1`: in [cap/2, cap], cap = min(max, base·2^attempt).
 * @example
 * backoffDelay(3, 200, 20_000, () => 0.5); // 1200 (cap 1600)
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

const TRANSIENT_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalError',
  'ServiceUnavailable',
]);

/**
 * True for failures another attempt may cure: a `DataError` with code `TRANSIENT`; network
 * errors (`ECONNRESET`, `ETIMEDOUT`, …); AWS SDK errors marked `$retryable`, with HTTP
 * status 429 or 5xx, or named as throttling or timeouts. Any other `DataError` (a hash or
 * size mismatch, no space, not found) is final.
 * @example
 * isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })); // true
 * isTransientError(new DataError('HASH_MISMATCH', '…')); // false
 */
export function isTransientError(e: unknown, depth = 0): boolean {
  if (typeof e !== 'object' || e === null || depth > 3) return false;
  if (e instanceof DataError) return e.code === 'TRANSIENT';
  // the S3 store has already retried what was transient: its errors are final
  if (e instanceof S3StoreError) return false;
  const err = e as {
    code?: unknown;
    name?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    cause?: unknown;
  };
  if (typeof err.code === 'string' && TRANSIENT_ERRNO.has(err.code)) return true;
  if (err.$retryable) return true;
  const status = err.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  if (typeof err.name === 'string' && TRANSIENT_NAMES.has(err.name)) return true;
  return isTransientError(err.cause, depth + 1);
}
