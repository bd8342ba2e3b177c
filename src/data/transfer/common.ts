import { DataError, abortError } from '../errors.js';
import { refKey, type DataRef } from '../hash/ref.js';
import type { Progress } from './progress.js';
import type { RetryOptions } from './retry.js';

export interface TransferOptions {
  /** Objects in flight at once (default 8). */
  concurrency?: number;
  /** Backoff for transient failures; `signal` is taken from these options. */
  retry?: Omit<RetryOptions, 'signal'>;
  /** Makes the progress reporter once the totals are known (after manifests are read). */
  progress?: (totals: { objects: number; bytes: number }) => Progress;
  signal?: AbortSignal;
  /**
   * Push: check every file of a directory even when the remote has its manifest (which is
   * pushed last, so it normally vouches for its files).
   */
  full?: boolean;
  /** Called as each object is settled (tests and logs). */
  onObject?: (key: string, outcome: 'transferred' | 'skipped' | 'failed') => void;
}

/** One object that could not be moved, and why. */
export interface TransferFailure {
  key: string;
  ref: DataRef;
  code: string;
  message: string;
  /** For a hash mismatch: the name, and what the bytes hash to. */
  expected?: string;
  actual?: string;
}

export interface TransferReport {
  transferred: number;
  skipped: number;
  /** Bytes of the objects transferred. */
  bytes: number;
  failed: TransferFailure[];
}

export function emptyReport(): TransferReport {
  return { transferred: 0, skipped: 0, bytes: 0, failed: [] };
}

/** A failure record from an error. */
export function failure(ref: DataRef, e: unknown): TransferFailure {
  const key = refKey(ref);
  if (e instanceof DataError) {
    const f: TransferFailure = { key, ref, code: e.code, message: e.message };
    if (typeof e.data.expected === 'string') f.expected = e.data.expected;
    if (typeof e.data.actual === 'string') f.actual = e.data.actual;
    return f;
  }
  const code = (e as { code?: unknown } | null)?.code;
  return {
    key,
    ref,
    code: typeof code === 'string' ? code : 'ERROR',
    message: e instanceof Error ? e.message : String(e),
  };
}

/** Refs with duplicate keys removed (the first of each kept). */
export function uniqueRefs(refs: readonly DataRef[]): DataRef[] {
  const seen = new Map<string, DataRef>();
  for (const r of refs) if (!seen.has(refKey(r))) seen.set(refKey(r), r);
  return [...seen.values()];
}

/**
 * Runs `fn` over `items` with at most `limit` at once. `fn` records its own per-item
 * failures; a throw (no space, an abort) stops new work, waits for the running ones and is
 * rethrown.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let stop: unknown = null;
  const lane = async () => {
    while (stop === null && next < items.length) {
      if (signal?.aborted) {
        stop = abortError(signal);
        break;
      }
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        stop ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (stop !== null)
    throw stop instanceof Error ? stop : new Error('a transfer lane failed', { cause: stop });
}

/**
 * Feeds a store's progress for one object (bytes moved since its last call, as the stores
 * report it) into a Progress, counting bytes a retried attempt moves again only once.
 */
export function deltas(progress: Progress): { feed: (bytes: number) => void; reset: () => void } {
  let reported = 0;
  let current = 0;
  return {
    feed: (bytes) => {
      current += bytes;
      if (current > reported) {
        progress.bytes(current - reported);
        reported = current;
      }
    },
    /** A new attempt starts again from byte 0. */
    reset: () => {
      current = 0;
    },
  };
}
