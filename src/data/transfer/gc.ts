import { type Dirent } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cache } from '../cache.js';
import { DataError, isFsError } from '../errors.js';
import { keyRef, refKey, type DataRef } from '../hash/ref.js';
import { TEMP_PREFIX } from '../hash/sync.js';
import { entryRefs } from '../manifest.js';

export interface GcOptions {
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
  /** Temp files older than this are a crashed write's leftovers (default one hour). */
  tempAgeMs?: number;
  /** Wall clock in ms (default `Date.now`), for the temp files' age. */
  now?: () => number;
}

export interface GcReport {
  /** Keys deleted (or, dry, that would be). */
  deleted: string[];
  bytes: number;
  kept: number;
  /** Stale temp files removed. */
  temps: number;
}

/**
 * The keys to keep for a set of pointers' refs: each ref's own, and for a directory its
 * manifest's files. A directory whose manifest is not in the cache cannot be expanded, so
 * this refuses rather than let gc delete its files.
 * @example
 * const keep = await keepKeys(cache, pointersOnAllBranches.map(pointerRef));
 * await gc(cache, keep);
 * @throws DataError `NOT_FOUND` naming the manifest that is missing.
 */
export async function keepKeys(cache: Cache, refs: Iterable<DataRef>): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const ref of refs) {
    keep.add(refKey(ref));
    if (!ref.dir) continue;
    if (!(await cache.has(ref))) {
      throw new DataError(
        'NOT_FOUND',
        `manifest ${refKey(ref)} is not in the cache, so its files cannot be told apart from ` +
          `garbage; pull it first`,
        { key: refKey(ref) },
      );
    }
    for (const e of entryRefs(await cache.readManifest(ref))) keep.add(refKey(e));
  }
  return keep;
}

/**
 * Deletes cache objects whose key is not in `keep` (compute it with {@link keepKeys} from
 * every pointer on every branch), and temp files a crash left behind (in `tmp/`, and the
 * `.tmp-*` files beside objects) once older than `tempAgeMs`. Anything else under `files/`
 * that is not an object's key is left alone.
 * @example
 * const { deleted, bytes } = await gc(cache, keep, { dryRun: true });
 */
export async function gc(
  cache: Cache,
  keep: ReadonlySet<string>,
  opts: GcOptions = {},
): Promise<GcReport> {
  const report: GcReport = { deleted: [], bytes: 0, kept: 0, temps: 0 };
  const cutoff = (opts.now ?? Date.now)() - (opts.tempAgeMs ?? 3_600_000);
  const stale = async (p: string) => {
    const s = await stat(p).catch(() => null);
    if (!s?.isFile() || s.mtimeMs > cutoff) return;
    if (!opts.dryRun) await unlink(p).catch(() => undefined);
    report.temps++;
  };
  for await (const { key, path, size, temp } of objects(cache.dir)) {
    if (temp) {
      await stale(path);
      continue;
    }
    if (keep.has(key)) {
      report.kept++;
      continue;
    }
    if (!opts.dryRun) {
      try {
        await unlink(path);
      } catch (e) {
        if (!isFsError(e, 'ENOENT')) throw e;
        continue;
      }
    }
    report.deleted.push(key);
    report.bytes += size;
  }
  for (const d of await list(join(cache.dir, 'tmp'))) await stale(join(cache.dir, 'tmp', d.name));
  return report;
}

/** Every object file in a cache directory, with its key and size, and temps beside them. */
async function* objects(
  dir: string,
): AsyncIterable<{ key: string; path: string; size: number; temp: boolean }> {
  for (const algo of await list(join(dir, 'files'))) {
    if (!algo.isDirectory()) continue;
    for (const two of await list(join(dir, 'files', algo.name))) {
      if (!two.isDirectory()) continue;
      for (const f of await list(join(dir, 'files', algo.name, two.name))) {
        const key = `files/${algo.name}/${two.name}/${f.name}`;
        const path = join(dir, key);
        if (f.isFile() && f.name.startsWith(TEMP_PREFIX)) {
          yield { key, path, size: 0, temp: true };
          continue;
        }
        if (!f.isFile() || !keyRef(key)) continue;
        const s = await stat(path).catch(() => null);
        if (s) yield { key, path, size: s.size, temp: false };
      }
    }
  }
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return [];
    throw e;
  }
}
