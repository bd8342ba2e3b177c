import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DataError, abortError, type DataErrorCode } from '../errors.js';
import { CHUNK } from './file.js';
import type { HashAlgorithm } from './ref.js';
import { hashFileSync, type FileFacts, type IngestTarget } from './sync.js';

/**
 * Below this much work a thread's start-up (~80 ms for the whole CLI bundle here) costs
 * more than it saves; the main thread hashes it.
 */
export const WORKER_MIN_BYTES = 32 << 20;
export const WORKER_MIN_FILES = 400;

interface Job {
  mlopsHashJob: true;
  algo: HashAlgorithm;
  ingest: IngestTarget | null;
}

/** One file to hash: its index in the caller's list and its absolute path. */
export interface FileTask {
  i: number;
  abs: string;
  size: number;
}

type Outcome =
  | { i: number; facts: FileFacts }
  | { i: number; error: { code?: string; message: string; data?: Record<string, unknown> } };

type ToWorker = { batch: { i: number; abs: string }[] } | { end: true };
type FromWorker = { done: Outcome[] } | { bytes: number };

/**
 * How many threads hash `files` files of `bytes` bytes: 0 (the main thread) under a TS
 * loader, where a worker could not load this file, or for a small job; else `jobs` when
 * given, or one per core, at most 8. Workers run the bundled tool's own file
 * (dist/cli.js), whose entry dispatches to {@link serveHashJob}.
 */
export function plannedHashThreads(files: number, bytes: number, jobs?: number): number {
  if (!import.meta.url.endsWith('.js')) return 0;
  if (jobs !== undefined) return Math.max(0, Math.min(jobs, 16));
  if (bytes < WORKER_MIN_BYTES && files < WORKER_MIN_FILES) return 0;
  return Math.max(1, Math.min(availableParallelism(), 8, files));
}

export interface RunOptions {
  algo: HashAlgorithm;
  ingest: IngestTarget | null;
  threads: number;
  onResult: (i: number, facts: FileFacts) => void;
  onBytes?: (n: number) => void;
  signal?: AbortSignal;
}

/**
 * Hashes `tasks` on `threads` worker threads (0: here), handing out batches as threads
 * finish. The first failure stops every thread and is thrown.
 */
export async function runHashTasks(tasks: FileTask[], opts: RunOptions): Promise<void> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  if (opts.threads === 0) return runHere(tasks, opts);
  if (tasks.length === 0) return;
  const queue = batches(tasks);
  const workers: Worker[] = [];
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let live = 0;
      const fail = (e: unknown) => {
        for (const w of workers) void w.terminate();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      onAbort = () => fail(abortError(opts.signal!));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker, inFlight: { n: number }) => {
        const next = queue.shift();
        if (next) {
          inFlight.n++;
          w.postMessage({ batch: next } satisfies ToWorker);
        } else if (inFlight.n === 0) {
          w.postMessage({ end: true } satisfies ToWorker);
        }
      };
      const n = Math.min(opts.threads, Math.max(1, queue.length));
      for (let k = 0; k < n; k++) {
        const job: Job = { mlopsHashJob: true, algo: opts.algo, ingest: opts.ingest };
        const w = new Worker(new URL(import.meta.url), { workerData: job });
        workers.push(w);
        live++;
        const inFlight = { n: 0 };
        w.on('message', (m: FromWorker) => {
          if ('bytes' in m) return opts.onBytes?.(m.bytes);
          inFlight.n--;
          for (const o of m.done) {
            if ('error' in o) return fail(rebuildError(o.error));
            opts.onResult(o.i, o.facts);
          }
          feed(w, inFlight);
        });
        w.once('error', fail);
        w.once('exit', (code) => {
          if (code !== 0) return fail(new Error(`hash worker exited with code ${code}`));
          if (--live === 0) resolve();
        });
        // Two batches each, so a thread never waits for the next one.
        feed(w, inFlight);
        feed(w, inFlight);
      }
    });
  } finally {
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    for (const w of workers) void w.terminate();
  }
}

/** Batches of at most 64 files or ~16 MiB, large files alone. */
function batches(tasks: FileTask[]): { i: number; abs: string }[][] {
  const out: { i: number; abs: string }[][] = [];
  let cur: { i: number; abs: string }[] = [];
  let bytes = 0;
  for (const t of tasks) {
    cur.push({ i: t.i, abs: t.abs });
    bytes += t.size;
    if (cur.length >= 64 || bytes >= 16 << 20) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The main-thread loop: same work, yielding to the event loop every ~16 MiB. */
async function runHere(tasks: FileTask[], opts: RunOptions): Promise<void> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let since = 0;
  for (const t of tasks) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const facts = hashFileSync(t.abs, opts.algo, buf, opts.ingest ?? undefined, opts.onBytes);
    opts.onResult(t.i, facts);
    since += facts.size + 4096;
    if (since >= 16 << 20) {
      since = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
}

function rebuildError(e: { code?: string; message: string; data?: Record<string, unknown> }) {
  if (e.code && DATA_CODES.has(e.code)) {
    return new DataError(e.code as DataErrorCode, e.message, e.data ?? {});
  }
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

const DATA_CODES = new Set<string>([
  'PATH_OUTSIDE_REPO',
  'BAD_PATH',
  'HASH_MISMATCH',
  'SIZE_MISMATCH',
  'NO_SPACE',
  'UNKNOWN_FORMAT',
  'NOT_FOUND',
  'TRANSIENT',
  'FILE_CHANGED',
  'UNSUPPORTED_FILE',
  'SYMLINK_LOOP',
  'ABORTED',
]);

/**
 * True in a thread started by {@link runHashTasks}: the bundle's entry (src/cli/bin.ts)
 * must then serve the job instead of running the CLI.
 * @example
 * if (isHashWorker()) await serveHashJob();
 * else process.exitCode = await main(process.argv.slice(2), io);
 */
export function isHashWorker(): boolean {
  return !isMainThread && (workerData as Partial<Job> | null)?.mlopsHashJob === true;
}

/**
 * The body of a hashing thread: hash each batch it is sent, post the results back, and
 * stop when told. Resolves when the thread's work is over.
 * @example
 * if (isHashWorker()) await serveHashJob();
 */
export function serveHashJob(): Promise<void> {
  const job = workerData as Job;
  const port = parentPort!;
  const buf = Buffer.allocUnsafe(CHUNK);
  let pending = 0;
  const onBytes = (n: number) => {
    pending += n;
    if (pending >= 16 << 20) {
      port.postMessage({ bytes: pending } satisfies FromWorker);
      pending = 0;
    }
  };
  return new Promise((resolve) => {
    port.on('message', (m: ToWorker) => {
      if ('end' in m) {
        port.close();
        return resolve();
      }
      const done: Outcome[] = [];
      for (const { i, abs } of m.batch) {
        try {
          done.push({
            i,
            facts: hashFileSync(abs, job.algo, buf, job.ingest ?? undefined, onBytes),
          });
        } catch (e) {
          const err = e as { code?: unknown; message?: unknown; data?: unknown };
          done.push({
            i,
            error: {
              ...(typeof err.code === 'string' ? { code: err.code } : {}),
              message: typeof err.message === 'string' ? err.message : String(e),
              ...(e instanceof DataError ? { data: e.data } : {}),
            },
          });
          break;
        }
      }
      if (pending) port.postMessage({ bytes: pending } satisfies FromWorker);
      pending = 0;
      port.postMessage({ done } satisfies FromWorker);
    });
  });
}
