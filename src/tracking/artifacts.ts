import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  formatHash,
  hashBytes,
  hashFile,
  push,
  type DataRef,
  type DataWorkspace,
  type HashAlgorithm,
} from '../data/index.js';

/** A file a run produced, stored by hash in the cache and on a remote. */
export interface StoredFile {
  /** Path under the run's `artifacts/` (`model.json`, `ckpt/last.pt`). */
  name: string;
  uri: string;
  hash: string;
  size: number;
}

/**
 * Where a run's file lives, for people: `mlops://<remote>/runs/<run-id>/<name>`. The bytes
 * are found by the hash beside it (content-addressed, as datasets are), so the uri never
 * has to be resolved to fetch them.
 */
export function runFileUri(remote: string, runId: string, name: string): string {
  return `mlops://${remote}/runs/${runId}/${name}`;
}

/** Every file under `dir`, as `/`-separated paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string) => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      const abs = join(at, e.name);
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) out.push(relative(dir, abs).split('\\').join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Hashes files into the cache and pushes them to the remote, verified, returning what the
 * Run record says of each. Nothing is returned unless every file reached the remote. A file
 * given with its `bytes` (still in memory) is hashed from them rather than read back.
 * @example
 * const stored = await storeFiles(ws, 'local', runId, [{ name: 'model.json', path: abs }]);
 * @throws Error naming the file that could not be stored.
 */
export async function storeFiles(
  ws: DataWorkspace,
  remote: string | undefined,
  runId: string,
  files: readonly { name: string; path: string; bytes?: Uint8Array }[],
): Promise<StoredFile[]> {
  if (!files.length) return [];
  const algo: HashAlgorithm = ws.algo;
  const { name: remoteName, store } = ws.store(remote);
  // the files are independent: hash and copy them into the cache at once (a run's checkpoints
  // and its metric history), where each used to wait for the one before
  const hashed = await Promise.allSettled(
    files.map(async (f): Promise<DataRef> => {
      const h = f.bytes
        ? { hex: hashBytes(f.bytes, algo), size: f.bytes.length }
        : await hashFile(f.path, algo);
      const ref: DataRef = { algo, hex: h.hex, size: h.size };
      await ws.cache.add(f.path, ref);
      return ref;
    }),
  );
  // the first file that failed, in their order, as when they went one by one
  const refs = hashed.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  const stored = files.map((f, i) => ({
    name: f.name,
    uri: runFileUri(remoteName, runId, f.name),
    hash: formatHash(refs[i]!),
    size: refs[i]!.size!,
  }));
  const report = await push(ws.cache, store, refs);
  if (report.failed.length) {
    const f = report.failed[0]!;
    throw new Error(`could not push ${f.key} to remote "${remoteName}": ${f.message}`);
  }
  return stored;
}
