import { stat } from 'node:fs/promises';
import type { Cache } from '../cache.js';
import { DataError, isFsError } from '../errors.js';
import { buildManifest, type BuiltManifest } from '../manifest.js';
import { resolveDataPath } from '../paths.js';
import { formatHash, type DataPointer, type HashAlgorithm } from './ref.js';
import { hashTree, type HashTreeOptions } from './tree.js';

export interface HashPathOptions extends Omit<HashTreeOptions, 'ingest'> {
  algo: HashAlgorithm;
}

export interface HashPathResult {
  /** What a pointer to the path's current content says. */
  pointer: DataPointer;
  /** A directory's manifest (stored in the cache by {@link addPath}). */
  manifest?: BuiltManifest;
  hashed: number;
  fromStatCache: number;
  /** Objects written into the cache (0 for {@link hashPath}). */
  stored: number;
  threads: number;
}

/**
 * The pointer a repository-relative file or directory would get now, without touching the
 * cache: what `data status` compares with the committed pointer.
 * @example
 * const { pointer } = await hashPath(repoRoot, 'datasets/images', { algo: 'sha256' });
 * if (pointer.hash !== record.hash) console.log('modified');
 * @throws DataError `PATH_OUTSIDE_REPO`, `NOT_FOUND`, `BAD_PATH` (an empty directory), …
 */
export function hashPath(
  root: string,
  path: string,
  opts: HashPathOptions,
): Promise<HashPathResult> {
  return snapshot(root, path, opts, undefined);
}

/**
 * Adds a repository-relative file or directory to the cache: every file hashed (in
 * parallel, skipping those the stat cache vouches for) and copied in the same read, a
 * directory's manifest built and stored; returns the pointer to commit.
 * @example
 * const { pointer } = await addPath(repoRoot, 'datasets/images', {
 *   algo: 'sha256',
 *   cache: new Cache(repoRoot),
 * });
 * // pointer: { path: 'datasets/images', hash: 'sha256:…', size, files, dir: true }
 * @throws DataError as {@link hashPath}, and `NO_SPACE` before anything is written.
 */
export function addPath(
  root: string,
  path: string,
  opts: HashPathOptions & { cache: Cache },
): Promise<HashPathResult> {
  return snapshot(root, path, opts, opts.cache);
}

async function snapshot(
  root: string,
  path: string,
  opts: HashPathOptions,
  cache: Cache | undefined,
): Promise<HashPathResult> {
  const { abs, rel } = await resolveDataPath(root, path);
  let isDir: boolean;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch (e) {
    if (isFsError(e, 'ENOENT'))
      throw new DataError('NOT_FOUND', `${rel} does not exist`, { path: rel });
    throw e;
  }
  const treeOpts: HashTreeOptions = { ...opts, ...(cache ? { ingest: cache } : {}) };
  const r = await hashTree(root, isDir ? rel : [rel], opts.algo, treeOpts);
  const counts = {
    hashed: r.hashed,
    fromStatCache: r.fromStatCache,
    stored: r.stored,
    threads: r.threads,
  };
  if (!isDir) {
    const e = r.entries[0]!;
    const pointer = {
      path: rel,
      hash: formatHash({ algo: opts.algo, hex: e.hex }),
      size: e.size,
      files: 1,
      dir: false,
    };
    return { pointer, ...counts };
  }
  if (r.entries.length === 0) {
    throw new DataError('BAD_PATH', `${rel} is an empty directory: there is nothing to version`, {
      path: rel,
    });
  }
  const manifest = buildManifest(opts.algo, r.entries);
  if (cache && (await cache.putManifest(manifest))) counts.stored++;
  const pointer: DataPointer = {
    path: rel,
    hash: formatHash(manifest.ref),
    size: r.size,
    files: r.entries.length,
    dir: true,
  };
  return { pointer, manifest, ...counts };
}
