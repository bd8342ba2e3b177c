import type { Cache } from '../cache.js';
import { DataError } from '../errors.js';
import { hashFile } from '../hash/file.js';
import { describeRef, refKey, type DataRef } from '../hash/ref.js';
import { entryRefs } from '../manifest.js';
import type { ObjectStore } from '../store/object-store.js';
import {
  deltas,
  emptyReport,
  failure,
  forEachLimit,
  uniqueRefs,
  type TransferOptions,
  type TransferReport,
} from './common.js';
import { silentProgress } from './progress.js';
import { retry } from './retry.js';

/**
 * Uploads cache objects the remote lacks. A directory ref pushes its files, then its
 * manifest last, and only if every file made it: a manifest on the remote vouches for its
 * files, so a later push skips a directory whose manifest is there (unless `full`).
 * Each object is re-hashed before upload (a corrupt cache object is never spread under its
 * name), skipped when the remote has it with the right size, retried on transient failures,
 * and its size checked on the remote afterwards.
 *
 * @example
 * const report = await push(cache, new LocalObjectStore(remoteDir), [pointerRef(record)]);
 * if (report.failed.length) process.exitCode = 1;
 */
export async function push(
  cache: Cache,
  store: ObjectStore,
  refs: readonly DataRef[],
  opts: TransferOptions = {},
): Promise<TransferReport> {
  const report = emptyReport();
  const files: DataRef[] = [];
  const manifests: { ref: DataRef; files: DataRef[] }[] = [];
  for (const ref of uniqueRefs(refs)) {
    if (!ref.dir) {
      files.push(ref);
      continue;
    }
    let entries: DataRef[];
    try {
      entries = entryRefs(await cache.readManifest(ref));
    } catch (e) {
      report.failed.push(failure(ref, e));
      opts.onObject?.(refKey(ref), 'failed');
      continue;
    }
    // A remote that cannot say now is treated as lacking it: each file is then checked.
    const there = opts.full ? null : await statRetry(store, ref, opts).catch(() => null);
    const size = await cache.sizeOf(ref);
    if (there && there.size === size) {
      report.skipped += 1 + uniqueRefs(entries).length;
      opts.onObject?.(refKey(ref), 'skipped');
      continue;
    }
    files.push(...entries);
    manifests.push({ ref, files: entries });
  }
  const todo = uniqueRefs(files);
  let totalBytes = 0;
  for (const r of todo) totalBytes += r.size ?? 0;
  const progress =
    opts.progress?.({ objects: todo.length + manifests.length, bytes: totalBytes }) ??
    silentProgress;
  const failedKeys = new Set<string>();
  const listed = await remoteListing(store, [...todo, ...manifests.map((m) => m.ref)], opts);
  const one = async (ref: DataRef) => {
    try {
      const moved = await pushOne(cache, store, ref, opts, progress, listed);
      if (moved === null) report.skipped++;
      else {
        report.transferred++;
        report.bytes += moved;
      }
      opts.onObject?.(refKey(ref), moved === null ? 'skipped' : 'transferred');
    } catch (e) {
      if (e instanceof DataError && (e.code === 'ABORTED' || e.code === 'NO_SPACE')) throw e;
      report.failed.push(failure(ref, e));
      failedKeys.add(refKey(ref));
      opts.onObject?.(refKey(ref), 'failed');
    } finally {
      progress.object();
    }
  };
  try {
    await forEachLimit(todo, opts.concurrency ?? 8, one, opts.signal);
    // Manifests last, each only when all of its files are on the remote.
    const ready = manifests.filter((m) => {
      const missing = m.files.filter((f) => failedKeys.has(refKey(f))).length;
      if (missing === 0) return true;
      report.failed.push({
        key: refKey(m.ref),
        ref: m.ref,
        code: 'INCOMPLETE',
        message: `${describeRef(m.ref)} not pushed: ${missing} of its ${m.files.length} files failed`,
      });
      opts.onObject?.(refKey(m.ref), 'failed');
      return false;
    });
    await forEachLimit(
      ready.map((m) => m.ref),
      opts.concurrency ?? 8,
      one,
      opts.signal,
    );
  } finally {
    progress.done();
  }
  return report;
}

/** Uploads one object; the bytes moved, or null when the remote already had it. */
async function pushOne(
  cache: Cache,
  store: ObjectStore,
  ref: DataRef,
  opts: TransferOptions,
  progress: typeof silentProgress,
  listed: Map<string, number> | null,
): Promise<number | null> {
  const key = refKey(ref);
  const file = cache.path(ref);
  const size = await cache.sizeOf(ref);
  if (size === null) {
    throw new DataError('NOT_FOUND', `${describeRef(ref)} is not in the local cache`, { key });
  }
  if (ref.size !== undefined && size !== ref.size) {
    throw new DataError(
      'SIZE_MISMATCH',
      `local cache object ${key} has ${size} bytes, not ${ref.size}`,
      {
        key,
      },
    );
  }
  // from the listing when there is one: an object not listed was absent a moment ago
  const there = listed
    ? listed.has(key)
      ? { size: listed.get(key)! }
      : null
    : await statRetry(store, ref, opts);
  if (there && there.size === size) return null;
  const got = await hashFile(file, ref.algo, { signal: opts.signal });
  if (got.hex !== ref.hex) {
    throw new DataError(
      'HASH_MISMATCH',
      `local cache object ${key} is corrupt (its bytes hash to ${got.hex}); not pushed`,
      { key, expected: ref.hex, actual: got.hex },
    );
  }
  const d = deltas(progress);
  await retry(
    () => {
      d.reset();
      return store.put(key, file, size, d.feed, { knownAbsent: there === null });
    },
    { ...opts.retry, signal: opts.signal },
  );
  // the store verified the size it holds (the port's contract)
  return size;
}

/** From this many objects on, one listing per key folder replaces a request per object. */
export const LIST_THRESHOLD = 64;

/**
 * What the remote holds in the folders these objects would go to, key → size,
 * or null for a small push (asking per object is then as cheap). Listing by
 * folder (`files/<algo>/<2 hex>/`) keeps a push of a few objects from reading
 * the whole of a large remote.
 */
async function remoteListing(
  store: ObjectStore,
  refs: readonly DataRef[],
  opts: TransferOptions,
): Promise<Map<string, number> | null> {
  if (refs.length < LIST_THRESHOLD) return null;
  const folders = new Set(refs.map((r) => refKey(r).replace(/[^/]+$/, '')));
  const sizes = new Map<string, number>();
  await forEachLimit(
    [...folders],
    opts.concurrency ?? 8,
    (prefix) =>
      retry(
        async () => {
          for await (const o of store.list(prefix)) sizes.set(o.key, o.size);
        },
        { ...opts.retry, signal: opts.signal },
      ),
    opts.signal,
  );
  return sizes;
}

function statRetry(store: ObjectStore, ref: DataRef, opts: TransferOptions) {
  return retry(() => store.stat(refKey(ref)), { ...opts.retry, signal: opts.signal });
}
