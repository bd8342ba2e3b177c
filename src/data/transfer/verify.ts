import { readFile, unlink } from 'node:fs/promises';
import type { Cache } from '../cache.js';
import { DataError } from '../errors.js';
import { hashFile } from '../hash/file.js';
import { refKey, type DataRef } from '../hash/ref.js';
import { entryRefs, parseManifest } from '../manifest.js';
import type { ObjectStore } from '../store/object-store.js';
import { forEachLimit, uniqueRefs } from './common.js';
import { silentProgress, type Progress } from './progress.js';
import { retry, type RetryOptions } from './retry.js';

export interface VerifyOptions {
  /** Also download and re-hash each object from this remote. */
  store?: ObjectStore;
  concurrency?: number;
  retry?: Omit<RetryOptions, 'signal'>;
  progress?: (totals: { objects: number; bytes: number }) => Progress;
  signal?: AbortSignal;
}

export interface VerifyProblem {
  key: string;
  where: 'cache' | 'remote';
  /** `HASH_MISMATCH`, `SIZE_MISMATCH` or `NOT_FOUND`. */
  code: string;
  message: string;
  /** For a hash mismatch: the name, and what the bytes hash to. */
  expected?: string;
  actual?: string;
}

export interface VerifyReport {
  /** Object copies re-hashed (a cache and a remote copy count twice). */
  checked: number;
  ok: number;
  /** Objects absent from the cache, or from the remote when one is given. */
  missing: VerifyProblem[];
  /** Objects whose bytes are not their name. */
  failed: VerifyProblem[];
}

/**
 * Re-hashes objects in the cache and, with `store`, on the remote (each downloaded to a
 * temp file in the cache, hashed and deleted). A directory ref checks its manifest and
 * every file it lists (the manifest read from the cache, or from the remote when the cache
 * lacks it). Nothing is changed or repaired.
 *
 * @example
 * const r = await verify(cache, [pointerRef(record)], { store: remote });
 * if (r.failed.length || r.missing.length) process.exitCode = 1;
 */
export async function verify(
  cache: Cache,
  refs: readonly DataRef[],
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, ok: 0, missing: [], failed: [] };
  const all: DataRef[] = [];
  for (const ref of uniqueRefs(refs)) {
    all.push(ref);
    if (!ref.dir) continue;
    try {
      all.push(...entryRefs(await cache.readManifest(ref)));
    } catch (e) {
      // A missing or corrupt manifest is reported when it is checked below.
      if (!(e instanceof DataError)) throw e;
      if (!opts.store) continue;
      const m = await remoteManifest(cache, opts.store, ref, opts).catch(() => null);
      if (m) all.push(...m);
    }
  }
  const todo = uniqueRefs(all);
  const progress =
    opts.progress?.({
      objects: todo.length * (opts.store ? 2 : 1),
      bytes: todo.reduce((n, r) => n + (r.size ?? 0), 0) * (opts.store ? 2 : 1),
    }) ?? silentProgress;
  const note = (p: VerifyProblem | null) => {
    report.checked++;
    if (!p) report.ok++;
    else if (p.code === 'NOT_FOUND') {
      report.checked--;
      report.missing.push(p);
    } else report.failed.push(p);
    progress.object();
  };
  try {
    await forEachLimit(
      todo,
      opts.concurrency ?? 8,
      async (ref) => {
        const r = await cache.verify(ref, {
          signal: opts.signal,
          onBytes: (n) => progress.bytes(n),
        });
        note(r.ok ? null : problem(ref, 'cache', r.code!, r.actual, r.size));
        if (opts.store) note(await checkRemote(cache, opts.store, ref, opts, progress));
      },
      opts.signal,
    );
  } finally {
    progress.done();
  }
  return report;
}

async function checkRemote(
  cache: Cache,
  store: ObjectStore,
  ref: DataRef,
  opts: VerifyOptions,
  progress: Progress,
): Promise<VerifyProblem | null> {
  const got = await download(cache, store, ref, opts, progress, false);
  if (got === null) return problem(ref, 'remote', 'NOT_FOUND');
  if (got.hex !== ref.hex) return problem(ref, 'remote', 'HASH_MISMATCH', got.hex, got.size);
  if (ref.size !== undefined && got.size !== ref.size) {
    return problem(ref, 'remote', 'SIZE_MISMATCH', undefined, got.size);
  }
  return null;
}

/** A manifest's entries read from the remote (hash-checked), for a cache that lacks it. */
async function remoteManifest(
  cache: Cache,
  store: ObjectStore,
  ref: DataRef,
  opts: VerifyOptions,
): Promise<DataRef[] | null> {
  const got = await download(cache, store, ref, opts, silentProgress, true);
  if (!got || got.hex !== ref.hex || !got.bytes) return null;
  return entryRefs(parseManifest(got.bytes, ref.algo));
}

async function download(
  cache: Cache,
  store: ObjectStore,
  ref: DataRef,
  opts: VerifyOptions,
  progress: Progress,
  keepBytes: boolean,
): Promise<{ hex: string; size: number; bytes?: Buffer } | null> {
  const key = refKey(ref);
  const r = { ...opts.retry, signal: opts.signal };
  if (!(await retry(() => store.stat(key), r))) return null;
  const tmp = await cache.newTemp();
  try {
    await retry(async () => {
      await unlink(tmp).catch(() => undefined);
      await store.get(key, tmp);
    }, r);
    const got = await hashFile(tmp, ref.algo, {
      signal: opts.signal,
      onBytes: (n) => progress.bytes(n),
    });
    return keepBytes ? { ...got, bytes: await readFile(tmp) } : got;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

function problem(
  ref: DataRef,
  where: 'cache' | 'remote',
  code: string,
  actual?: string,
  size?: number,
): VerifyProblem {
  const key = refKey(ref);
  const p: VerifyProblem = { key, where, code, message: '' };
  if (code === 'NOT_FOUND') p.message = `${key} is missing from the ${where}`;
  else if (code === 'HASH_MISMATCH') {
    p.expected = ref.hex;
    p.actual = actual;
    p.message = `${where} copy of ${key} hashes to ${ref.algo}:${actual}, not ${ref.algo}:${ref.hex}`;
  } else p.message = `${where} copy of ${key} has ${size} bytes, not ${ref.size}`;
  return p;
}
