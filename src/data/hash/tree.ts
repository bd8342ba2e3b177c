import { readdirSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isFsError } from '../errors.js';
import { checkRelPath } from '../paths.js';
import type { HashAlgorithm } from './ref.js';
import { StatCache } from './stat-cache.js';
import type { IngestTarget } from './sync.js';
import { statFiles, walkDirectory, type WalkedFile } from './walk.js';
import { plannedHashThreads, runHashTasks, type FileTask } from './worker.js';

/** What {@link hashTree} needs of a cache to copy files into it as it hashes them. */
export interface IngestCache {
  /** The cache directory (`<root>/.mlops/cache`). */
  readonly dir: string;
  /** Whether this cache's file system clones files cheaply. */
  reflink(): Promise<boolean>;
  /** Refuses, before anything is written, when `bytes` would not fit. */
  ensureSpace(bytes: number): Promise<void>;
}

export interface HashProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export interface HashTreeOptions {
  /** The stat cache to use; default: the repository's, loaded now and saved at the end. */
  statCache?: StatCache | false;
  /** Also copy every file into this cache, in the same read. */
  ingest?: IngestCache;
  /** Threads (0: the main thread); default: one per core for a large job, when bundled. */
  jobs?: number;
  onProgress?: (p: HashProgress) => void;
  signal?: AbortSignal;
  /** Wall clock in ms (default `Date.now`), for the stat cache's racy-file rule. */
  now?: () => number;
}

/** One hashed file: its path (relative to the hashed directory, or to the root) and digest. */
export interface TreeEntry {
  path: string;
  hex: string;
  size: number;
}

export interface HashTreeResult {
  /** Sorted by path in code point order. */
  entries: TreeEntry[];
  /** Total bytes of the files. */
  size: number;
  /** Files read this time (the rest came from the stat cache). */
  hashed: number;
  fromStatCache: number;
  /** Objects written into the ingest cache (0 without one). */
  stored: number;
  /** Worker threads used (0: the main thread). */
  threads: number;
}

/**
 * Hashes every file of a repository-relative directory (entries relative to it), or the
 * given repository-relative files (entries relative to the root). Files whose stat identity
 * the stat cache knows are not read; the rest are hashed on worker threads in the bundled
 * tool (on the main thread under a TS loader, or for a small job), and with `ingest` copied
 * into the cache in the same pass.
 *
 * @example
 * const { entries } = await hashTree(repoRoot, 'datasets/images', 'sha256', {
 *   onProgress: (p) => console.log(`${p.files}/${p.totalFiles}`),
 * });
 * @throws DataError `PATH_OUTSIDE_REPO`, `NOT_FOUND`, `FILE_CHANGED`, `NO_SPACE`, …
 */
export async function hashTree(
  root: string,
  target: string | readonly string[],
  algo: HashAlgorithm,
  opts: HashTreeOptions = {},
): Promise<HashTreeResult> {
  const now = opts.now ?? Date.now;
  const startNs = BigInt(Math.floor(now())) * 1_000_000n;
  const realRoot = await realpath(root);
  const dir = typeof target === 'string' ? checkRelPath(target) : null;
  const files: WalkedFile[] =
    typeof target === 'string'
      ? walkDirectory(root, realRoot, dir!)
      : statFiles(root, realRoot, target);
  const stats =
    opts.statCache === false
      ? StatCache.memory()
      : (opts.statCache ?? (await StatCache.load(root)));

  const hexes: (string | undefined)[] = files.map((f) => stats.lookup(f.rel, f.st, algo));
  const ingestDir = opts.ingest?.dir;
  if (ingestDir !== undefined) {
    // A known digest still needs its object in the cache (one listing per folder, not a
    // stat per file; objects only ever appear there by a rename after their hash checked).
    const present = objectLister(ingestDir, algo);
    hexes.forEach((hex, i) => {
      if (hex && !present(hex)) hexes[i] = undefined;
    });
  }

  const sizes = files.map((f) => f.st.size);
  const tasks: FileTask[] = [];
  let totalBytes = 0;
  let missBytes = 0;
  files.forEach((f, i) => {
    totalBytes += f.st.size;
    if (hexes[i] === undefined) {
      tasks.push({ i, abs: f.abs, size: f.st.size });
      missBytes += f.st.size;
    }
  });
  // Before the first byte is written (the reflink probe included).
  if (opts.ingest && missBytes > 0) await opts.ingest.ensureSpace(missBytes);
  const ingest: IngestTarget | null =
    opts.ingest && tasks.length > 0
      ? { cacheDir: opts.ingest.dir, reflink: await opts.ingest.reflink() }
      : null;

  const progress: HashProgress = {
    files: files.length - tasks.length,
    totalFiles: files.length,
    bytes: totalBytes - missBytes,
    totalBytes,
  };
  opts.onProgress?.({ ...progress });
  const threads = plannedHashThreads(tasks.length, missBytes, opts.jobs);
  let stored = 0;
  await runHashTasks(tasks, {
    algo,
    ingest,
    threads,
    signal: opts.signal,
    onBytes: (n) => {
      progress.bytes += n;
      opts.onProgress?.({ ...progress });
    },
    onResult: (i, facts) => {
      const f = files[i]!;
      hexes[i] = facts.hex;
      sizes[i] = facts.size;
      if (facts.stored) stored++;
      // The stat taken as the file was read, not the walk's: that is what was hashed.
      stats.record(f.rel, facts, algo, facts.hex, startNs);
      progress.files++;
      opts.onProgress?.({ ...progress });
    },
  });

  if (dir !== null) stats.prune(dir, new Set(files.map((f) => f.rel)));
  if (opts.statCache !== false) await stats.save();
  const cut = dir !== null ? dir.length + 1 : 0;
  return {
    entries: files.map((f, i) => ({ path: f.rel.slice(cut), hex: hexes[i]!, size: sizes[i]! })),
    size: sizes.reduce((a, b) => a + b, 0),
    hashed: tasks.length,
    fromStatCache: files.length - tasks.length,
    stored,
    threads,
  };
}

/** Whether a cache holds an object, answered from one listing of each `<2 hex>` folder. */
function objectLister(cacheDir: string, algo: HashAlgorithm): (hex: string) => boolean {
  const folders = new Map<string, Set<string>>();
  return (hex) => {
    const two = hex.slice(0, 2);
    let names = folders.get(two);
    if (!names) {
      try {
        names = new Set(readdirSync(join(cacheDir, 'files', algo, two)));
      } catch (e) {
        if (!isFsError(e, 'ENOENT')) throw e;
        names = new Set();
      }
      folders.set(two, names);
    }
    return names.has(hex.slice(2));
  };
}
