import { stat, unlink } from 'node:fs/promises';
import type { Cache } from '../cache.js';
import { DataError } from '../errors.js';
import { hashFile } from '../hash/file.js';
import { refKey, type DataRef } from '../hash/ref.js';
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
import { silentProgress, type Progress } from './progress.js';
import { retry } from './retry.js';

/**
 * Downloads objects the cache lacks. A directory ref fetches its manifest first, then its
 * files. Each object is downloaded to a temp file in the cache, its size and hash checked,
 * and only then renamed into place: a remote that reports the wrong size is refused before
 * downloading, a truncated download or bytes that do not hash to their name are refused
 * (reported with both hashes) and nothing in the cache or work tree changes.
 *
 * @example
 * const report = await pull(cache, remote, [pointerRef(record)]);
 * for (const f of report.failed) console.error(`${f.key}: ${f.message}`);
 * @throws DataError `NO_SPACE` before downloading what would not fit; `ABORTED`.
 */
export async function pull(
  cache: Cache,
  store: ObjectStore,
  refs: readonly DataRef[],
  opts: TransferOptions = {},
): Promise<TransferReport> {
  const report = emptyReport();
  const wanted = uniqueRefs(refs);
  const manifests = wanted.filter((r) => r.dir);
  const files = wanted.filter((r) => !r.dir);

  // Manifests first: they say which files a directory needs.
  const missing = await absent(cache, manifests, report, opts);
  const manifestReport = await fetchAll(cache, store, missing, opts, silentProgress);
  merge(report, manifestReport);
  const failedManifests = new Set(manifestReport.failed.map((f) => f.key));
  for (const m of manifests) {
    if (failedManifests.has(refKey(m))) continue;
    try {
      files.push(...entryRefs(await cache.readManifest(m)));
    } catch (e) {
      report.failed.push(failure(m, e));
    }
  }

  const todo = await absent(cache, uniqueRefs(files), report, opts);
  const known = todo.reduce((n, r) => n + (r.size ?? 0), 0);
  if (known > 0) await cache.ensureSpace(known);
  const progress = opts.progress?.({ objects: todo.length, bytes: known }) ?? silentProgress;
  try {
    merge(report, await fetchAll(cache, store, todo, opts, progress));
  } finally {
    progress.done();
  }
  return report;
}

async function fetchAll(
  cache: Cache,
  store: ObjectStore,
  refs: DataRef[],
  opts: TransferOptions,
  progress: Progress,
): Promise<TransferReport> {
  const report = emptyReport();
  await forEachLimit(
    refs,
    opts.concurrency ?? 8,
    async (ref) => {
      try {
        report.bytes += await fetchOne(cache, store, ref, opts, progress);
        report.transferred++;
        opts.onObject?.(refKey(ref), 'transferred');
      } catch (e) {
        if (e instanceof DataError && (e.code === 'ABORTED' || e.code === 'NO_SPACE')) throw e;
        report.failed.push(failure(ref, e));
        opts.onObject?.(refKey(ref), 'failed');
      } finally {
        progress.object();
      }
    },
    opts.signal,
  );
  return report;
}

/** Downloads, checks and stores one object; returns its size. */
async function fetchOne(
  cache: Cache,
  store: ObjectStore,
  ref: DataRef,
  opts: TransferOptions,
  progress: Progress,
): Promise<number> {
  const key = refKey(ref);
  const r = { ...opts.retry, signal: opts.signal };
  // with a known size the store refuses another size itself; without, ask first
  const info = ref.size === undefined ? await retry(() => store.stat(key), r) : { size: ref.size };
  if (!info) throw new DataError('NOT_FOUND', `${key} is not in ${store.description}`, { key });
  const size = info.size;
  if (ref.size === undefined) await cache.ensureSpace(size);
  const tmp = await cache.newTemp();
  const d = deltas(progress);
  try {
    await retry(async () => {
      d.reset();
      await unlink(tmp).catch(() => undefined);
      await store.get(key, tmp, d.feed, { size });
    }, r);
    const got = (await stat(tmp)).size;
    if (got !== size) {
      throw new DataError(
        'SIZE_MISMATCH',
        `${key} from ${store.description} is truncated or padded: ${got} bytes, expected ${size}; refused`,
        { key, expected: size, actual: got },
      );
    }
    const { hex } = await hashFile(tmp, ref.algo, { signal: opts.signal });
    if (hex !== ref.hex) {
      throw new DataError(
        'HASH_MISMATCH',
        `${key} from ${store.description} hashes to ${ref.algo}:${hex}, not ${ref.algo}:${ref.hex}; refused`,
        { key, expected: ref.hex, actual: hex },
      );
    }
    await cache.adopt(tmp, ref);
    return size;
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** The refs the cache lacks; the others are counted as skipped. */
async function absent(
  cache: Cache,
  refs: DataRef[],
  report: TransferReport,
  opts: TransferOptions,
): Promise<DataRef[]> {
  const have = new Array<boolean>(refs.length);
  let i = 0;
  const next = async () => {
    while (i < refs.length) {
      const k = i++;
      have[k] = await cache.has(refs[k]!);
    }
  };
  await Promise.all(Array.from({ length: 32 }, next));
  const out: DataRef[] = [];
  refs.forEach((r, k) => {
    if (!have[k]) return void out.push(r);
    report.skipped++;
    opts.onObject?.(refKey(r), 'skipped');
  });
  return out;
}

function merge(into: TransferReport, from: TransferReport): void {
  into.transferred += from.transferred;
  into.skipped += from.skipped;
  into.bytes += from.bytes;
  into.failed.push(...from.failed);
}
