import { realpathSync, statSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Cache } from '../cache.js';
import { isFsError } from '../errors.js';
import { pointerRef, type DataPointer } from '../hash/ref.js';
import { StatCache } from '../hash/stat-cache.js';
import { statKey } from '../hash/walk.js';
import { assertInside, realpathOfNearest, resolveDataPath } from '../paths.js';
import { forEachLimit } from './common.js';

export interface CheckoutOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each file is written or found unchanged. */
  onFile?: (path: string, outcome: 'written' | 'unchanged') => void;
}

export interface CheckoutReport {
  /** Files written from the cache. */
  written: number;
  /** Files the stat cache vouched were already right. */
  unchanged: number;
  /** Files in a directory that its manifest does not list (left alone). */
  extra: string[];
}

/**
 * Makes the work tree match a pointer: a file, or every file of a directory's manifest,
 * copied from the cache (each hashed as it is copied, written to a temp beside it and
 * renamed over the old one only when it is right). Files the stat cache knows to be right
 * are left alone; files the manifest does not list are reported, never deleted. Every
 * destination's real folder must be inside the repository, so a symlinked folder in the
 * work tree cannot redirect a write.
 *
 * @example
 * const r = await checkoutPointer(cache, record);
 * console.log(`${r.written} written, ${r.unchanged} unchanged`);
 * @throws DataError `NOT_FOUND` (pull first), `HASH_MISMATCH` (a corrupt cache object:
 *   that file is left as it was), `PATH_OUTSIDE_REPO`, `NO_SPACE`.
 */
export async function checkoutPointer(
  cache: Cache,
  pointer: DataPointer,
  opts: CheckoutOptions = {},
): Promise<CheckoutReport> {
  const ref = pointerRef(pointer);
  const root = cache.root;
  const { abs, rel } = await resolveDataPath(root, pointer.path);
  const stats = await StatCache.load(root);
  const report: CheckoutReport = { written: 0, unchanged: 0, extra: [] };
  const known = (path: string, file: string, hex: string): boolean => {
    try {
      return stats.lookup(path, statKey(statSync(file, { bigint: true })), ref.algo) === hex;
    } catch (e) {
      if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR')) return false;
      throw e;
    }
  };
  if (!ref.dir) {
    if (known(rel, abs, ref.hex)) report.unchanged++;
    else {
      await cache.checkoutTo({ ...ref, size: pointer.size }, abs, { signal: opts.signal });
      report.written++;
    }
    opts.onFile?.(rel, report.written ? 'written' : 'unchanged');
    return report;
  }
  const manifest = await cache.readManifest(ref);
  const realRoot = realpathSync(root);
  const checked = new Set<string>();
  await forEachLimit(
    manifest.entries,
    opts.concurrency ?? 8,
    async (e) => {
      const file = join(abs, e.path);
      const dir = dirname(file);
      if (!checked.has(dir)) {
        assertInside(realRoot, await realpathOfNearest(dir), `${rel}/${e.path}`);
        checked.add(dir);
      }
      if (known(`${rel}/${e.path}`, file, e.hex)) {
        report.unchanged++;
        opts.onFile?.(`${rel}/${e.path}`, 'unchanged');
        return;
      }
      const r = {
        algo: manifest.algo,
        hex: e.hex,
        ...(e.size === undefined ? {} : { size: e.size }),
      };
      await cache.checkoutTo(r, file, { signal: opts.signal });
      report.written++;
      opts.onFile?.(`${rel}/${e.path}`, 'written');
    },
    opts.signal,
  );
  const listed = new Set(manifest.entries.map((e) => e.path));
  for (const f of await filesUnder(abs)) {
    const p = relative(abs, f).split('\\').join('/');
    if (!listed.has(p) && !p.split('/').pop()!.endsWith('.mlops-tmp')) report.extra.push(p);
  }
  report.extra.sort();
  return report;
}

async function filesUnder(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return [];
    throw e;
  }
  const out: string[] = [];
  for (const d of entries) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}
