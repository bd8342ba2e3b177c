import {
  chmodSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { Cache } from '../cache.js';
import { DataError } from '../errors.js';
import { addPath } from '../hash/add.js';
import { hashBytes } from '../hash/file.js';
import { pointerRef, refKey, type DataPointer, type DataRef } from '../hash/ref.js';
import { LocalObjectStore } from '../store/local.js';
import type { ObjectStore } from '../store/object-store.js';
import { checkoutPointer } from './checkout.js';
import { gc, keepKeys } from './gc.js';
import { pull } from './pull.js';
import { LIST_THRESHOLD, push } from './push.js';
import { verify } from './verify.js';

/** `expect.stringMatching`, typed: a message that matches. */
const like = (re: RegExp): string => expect.stringMatching(re) as string;

const noWait = { sleep: () => Promise.resolve() };

async function dataset(files: Record<string, string>, algo: 'sha256' | 'md5' = 'sha256') {
  const root = tempDir();
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  const cache = new Cache(root);
  const { pointer } = await addPath(root, 'data', { algo, cache });
  return { root, cache, pointer, ref: pointerRef(pointer) };
}

const FILES = {
  'data/a.csv': 'alpha',
  'data/b.csv': 'beta',
  'data/sub/c.csv': 'gamma',
  'data/dup.csv': 'alpha',
};

/** Overwrites a read-only object file, as a bad tool or bit rot would. */
function overwrite(path: string, bytes: string) {
  chmodSync(path, 0o644);
  writeFileSync(path, bytes);
}

/** Wraps a store to count calls, track concurrency, and inject failures. */
class Instrumented implements ObjectStore {
  readonly description = 'instrumented';
  inFlight = 0;
  maxInFlight = 0;
  puts = 0;
  gets = 0;
  failNext = 0;
  constructor(
    readonly inner: ObjectStore,
    private readonly tweak: {
      statSize?: (key: string, size: number) => number;
      afterGet?: (file: string) => void;
    } = {},
  ) {}
  async stat(key: string) {
    const s = await this.inner.stat(key);
    return s && this.tweak.statSize ? { size: this.tweak.statSize(key, s.size) } : s;
  }
  async put(
    key: string,
    file: string,
    size: number,
    progress?: (b: number) => void,
    options?: { knownAbsent?: boolean },
  ) {
    this.puts++;
    await this.track(() => this.inner.put(key, file, size, progress, options));
  }
  async get(
    key: string,
    file: string,
    progress?: (b: number) => void,
    options?: { size?: number },
  ) {
    this.gets++;
    await this.track(() => this.inner.get(key, file, progress, options));
    this.tweak.afterGet?.(file);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  private async track(fn: () => Promise<void>) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new DataError('TRANSIENT', 'connection reset (injected)');
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 2));
      await fn();
    } finally {
      this.inFlight--;
    }
  }
}

describe('push', () => {
  it('uploads files then the manifest, and skips everything the second time', async () => {
    const { cache, ref } = await dataset(FILES);
    const remote = new LocalObjectStore(tempDir());
    const order: string[] = [];
    const first = await push(cache, remote, [ref], { onObject: (k, o) => order.push(`${o} ${k}`) });
    expect(first).toMatchObject({
      transferred: 4,
      skipped: 0,
      bytes: 5 + 4 + 5 + 0 + (await cache.sizeOf(ref))!,
      failed: [],
    });
    expect(order.at(-1)).toBe(`transferred ${refKey(ref)}`);
    const again = await push(cache, remote, [ref]);
    expect(again).toMatchObject({ transferred: 0, skipped: 4, bytes: 0, failed: [] }); // 3 files + manifest
  });

  it('retries transient failures and keeps to its concurrency', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`data/f${i}`] = `content ${i}`;
    const { cache, ref } = await dataset(files);
    const store = new Instrumented(new LocalObjectStore(tempDir()));
    store.failNext = 3;
    const r = await push(cache, store, [ref], { concurrency: 4, retry: noWait });
    expect(r).toMatchObject({ transferred: 41, failed: [] });
    expect(store.maxInFlight).toBeLessThanOrEqual(4);
    expect(store.maxInFlight).toBeGreaterThan(1);
    expect(store.puts).toBe(41 + 3);
  });

  it('counts progress bytes once, even when an attempt dies halfway and is retried', async () => {
    const { cache, ref } = await dataset({ 'data/big.bin': 'x'.repeat(3 << 20) });
    const inner = new LocalObjectStore(tempDir());
    let failed = false;
    const store: ObjectStore = {
      description: 'dies once halfway',
      stat: (k) => inner.stat(k),
      list: (p) => inner.list(p),
      delete: (k) => inner.delete(k),
      get: (k, f, p) => inner.get(k, f, p),
      put: async (k, f, size, progress) => {
        if (!failed && size > 1 << 20) {
          failed = true;
          progress?.(1 << 20);
          throw new DataError('TRANSIENT', 'connection reset halfway (injected)');
        }
        await inner.put(k, f, size, progress);
      },
    };
    let bytes = 0;
    let objects = 0;
    let totals = { objects: 0, bytes: 0 };
    const r = await push(cache, store, [ref], {
      retry: noWait,
      progress: (t) => {
        totals = t;
        return { bytes: (n) => void (bytes += n), object: () => void objects++, done() {} };
      },
    });
    expect(r).toMatchObject({ transferred: 2, failed: [] });
    expect(totals).toEqual({ objects: 2, bytes: 3 << 20 });
    expect(bytes).toBe((3 << 20) + (await cache.sizeOf(ref))!);
    expect(objects).toBe(2);
  });

  it('never uploads a corrupt cache object, nor the manifest of a directory missing one', async () => {
    const { cache, ref, pointer } = await dataset(FILES);
    const bRef: DataRef = {
      algo: 'sha256',
      hex: hashBytes(Buffer.from('beta'), 'sha256'),
      size: 4,
    };
    overwrite(cache.path(bRef), 'BETA');
    const remote = new LocalObjectStore(tempDir());
    const r = await push(cache, remote, [ref]);
    expect(r.failed.map((f) => [f.key, f.code])).toEqual([
      [refKey(bRef), 'HASH_MISMATCH'],
      [refKey(ref), 'INCOMPLETE'],
    ]);
    expect(r.failed[0]).toMatchObject({
      expected: bRef.hex,
      actual: hashBytes(Buffer.from('BETA'), 'sha256'),
    });
    expect(await remote.stat(refKey(bRef))).toBeNull();
    expect(await remote.stat(refKey(ref))).toBeNull();
    expect(pointer.files).toBe(4);
  });
});

describe('pull', () => {
  async function pushed(files: Record<string, string> = FILES) {
    const src = await dataset(files);
    const remote = new LocalObjectStore(tempDir());
    await push(src.cache, remote, [src.ref]);
    const dst = tempDir();
    return { ...src, remote, dst, dstCache: new Cache(dst) };
  }

  it('fetches the manifest, then its files, each checked; then checks out', async () => {
    const { remote, dstCache, ref, pointer, dst } = await pushed();
    const r = await pull(dstCache, remote, [ref]);
    expect(r).toMatchObject({ transferred: 4, skipped: 0, failed: [] });
    expect(await pull(dstCache, remote, [ref])).toMatchObject({ transferred: 0, skipped: 4 });
    expect(await checkoutPointer(dstCache, pointer)).toEqual({
      written: 4,
      unchanged: 0,
      extra: [],
    });
    expect(readFileSync(join(dst, 'data/sub/c.csv'), 'utf8')).toBe('gamma');
    expect(readdirSync(join(dstCache.dir, 'tmp'))).toEqual([]);
  });

  it('refuses bytes that are not their name, reports both hashes, keeps the old work-tree file', async () => {
    const { remote, dstCache, ref, pointer, dst } = await pushed();
    const bRef: DataRef = {
      algo: 'sha256',
      hex: hashBytes(Buffer.from('beta'), 'sha256'),
      size: 4,
    };
    overwrite(join(remote.dir, refKey(bRef)), 'BETA'); // same size, other bytes
    mkdirSync(join(dst, 'data'), { recursive: true });
    writeFileSync(join(dst, 'data/b.csv'), 'the old version');

    const r = await pull(dstCache, remote, [ref]);
    expect(r.transferred).toBe(3);
    expect(r.failed).toEqual([
      expect.objectContaining({
        key: refKey(bRef),
        code: 'HASH_MISMATCH',
        expected: bRef.hex,
        actual: hashBytes(Buffer.from('BETA'), 'sha256'),
        message: like(/refused/),
      }),
    ]);
    expect(await dstCache.has(bRef)).toBe(false);
    await expect(checkoutPointer(dstCache, pointer)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(readFileSync(join(dst, 'data/b.csv'), 'utf8')).toBe('the old version');
    expect(readdirSync(join(dstCache.dir, 'tmp'))).toEqual([]);
  });

  it('refuses a truncated download', async () => {
    const { remote, dstCache, ref } = await pushed();
    const store = new Instrumented(remote, { afterGet: (f) => truncateSync(f, 2) });
    const r = await pull(dstCache, store, [ref], { retry: noWait });
    expect(r.transferred).toBe(0);
    expect(r.failed).toEqual([
      expect.objectContaining({ code: 'SIZE_MISMATCH', message: like(/truncated/) }),
    ]);
  });

  it('refuses, without downloading, a remote object of the wrong size', async () => {
    const { remote, dstCache, ref } = await pushed({ 'data/a.csv': 'alpha' });
    const aKey = refKey({ algo: 'sha256', hex: hashBytes(Buffer.from('alpha'), 'sha256') });
    const liar = join(tempDir(), 'six');
    writeFileSync(liar, 'alphaX');
    await remote.delete(aKey);
    await remote.put(aKey, liar, 6);
    const r = await pull(dstCache, remote, [ref]);
    expect(r.failed).toEqual([
      expect.objectContaining({
        code: 'SIZE_MISMATCH',
        message: like(/holds 6 bytes .* expected 5; refused/),
      }),
    ]);
    expect(
      await dstCache.has({ algo: 'sha256', hex: hashBytes(Buffer.from('alpha'), 'sha256') }),
    ).toBe(false);
  });

  it('lists the remote once per key folder for a large push, instead of asking per object', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < LIST_THRESHOLD + 6; i++) files[`data/f${i}.txt`] = `file ${i}`;
    const src = await dataset(files);
    const remote = new Instrumented(new LocalObjectStore(tempDir()));
    let stats = 0;
    const inner = remote.stat.bind(remote);
    remote.stat = (k: string) => {
      stats++;
      return inner(k);
    };
    const first = await push(src.cache, remote, [src.ref]);
    expect(first).toMatchObject({ transferred: LIST_THRESHOLD + 7, failed: [] });
    expect(stats).toBe(1); // the manifest's own check, not one per file
    stats = 0;
    // the remote now lacks one file: a later full push re-sends just that one
    await remote.inner.delete(
      refKey({ algo: 'sha256', hex: hashBytes(Buffer.from('file 3'), 'sha256') }),
    );
    const again = await push(src.cache, remote, [src.ref], { full: true });
    expect(again).toMatchObject({ transferred: 1, skipped: LIST_THRESHOLD + 6, failed: [] });
    expect(stats).toBe(0);
  });

  it('says which objects the remote lacks', async () => {
    const { remote, dstCache, ref } = await pushed();
    const aRef: DataRef = {
      algo: 'sha256',
      hex: hashBytes(Buffer.from('alpha'), 'sha256'),
      size: 5,
    };
    await remote.delete(refKey(aRef));
    const r = await pull(dstCache, remote, [ref]);
    expect(r.failed.map((f) => [f.key, f.code])).toEqual([[refKey(aRef), 'NOT_FOUND']]);
  });

  it('refuses before downloading what would not fit', async () => {
    const { remote, dst, ref } = await pushed();
    const tight = new Cache(dst, {
      reserve: 0,
      statfs: () => Promise.resolve({ bavail: 1, bsize: 10 }),
    });
    await expect(pull(tight, remote, [ref])).rejects.toMatchObject({ code: 'NO_SPACE' });
  });
});

describe('verify', () => {
  it('finds corrupt and missing copies in the cache and on the remote', async () => {
    const { cache, ref } = await dataset(FILES);
    const remote = new LocalObjectStore(tempDir());
    await push(cache, remote, [ref]);
    expect(await verify(cache, [ref], { store: remote })).toEqual({
      checked: 8,
      ok: 8,
      missing: [],
      failed: [],
    }); // 4 objects × (cache, remote)
    const aRef: DataRef = {
      algo: 'sha256',
      hex: hashBytes(Buffer.from('alpha'), 'sha256'),
      size: 5,
    };
    const cRef: DataRef = {
      algo: 'sha256',
      hex: hashBytes(Buffer.from('gamma'), 'sha256'),
      size: 5,
    };
    overwrite(cache.path(aRef), 'ALPHA');
    overwrite(join(remote.dir, refKey(cRef)), 'GAMMA');
    await remote.delete(refKey({ algo: 'sha256', hex: hashBytes(Buffer.from('beta'), 'sha256') }));
    const r = await verify(cache, [ref], { store: remote });
    expect(
      r.failed.map((p) => `${p.where} ${p.code} ${p.key === refKey(aRef) ? 'a' : 'c'}`).sort(),
    ).toEqual(['cache HASH_MISMATCH a', 'remote HASH_MISMATCH c']);
    expect(r.missing.map((p) => p.where)).toEqual(['remote']);
    expect(r.failed.find((p) => p.where === 'cache')).toMatchObject({
      expected: aRef.hex,
      actual: hashBytes(Buffer.from('ALPHA'), 'sha256'),
    });
  });
});

describe('verify without the manifest in the cache', () => {
  it('reads the file list from the remote copy of the manifest', async () => {
    const { cache, ref } = await dataset(FILES);
    const remote = new LocalObjectStore(tempDir());
    await push(cache, remote, [ref]);
    await cache.remove(ref);
    const r = await verify(cache, [ref], { store: remote });
    expect(r).toMatchObject({ checked: 7, ok: 7, failed: [] });
    expect(r.missing.map((p) => `${p.where} ${p.key}`)).toEqual([`cache ${refKey(ref)}`]);
    expect(await verify(cache, [ref])).toMatchObject({
      checked: 0,
      ok: 0,
      missing: [{ where: 'cache' }],
    });
  });
});

describe('gc', () => {
  it('keeps what pointers name (files of kept manifests included) and deletes the rest', async () => {
    const { cache, ref, root } = await dataset(FILES);
    writeFileSync(join(root, 'old.csv'), 'an old version');
    const { pointer: old } = await addPath(root, 'old.csv', { algo: 'sha256', cache });
    const keep = await keepKeys(cache, [ref]);
    expect(keep.size).toBe(4);
    expect((await gc(cache, keep, { dryRun: true })).deleted).toEqual([refKey(pointerRef(old))]);
    expect(await cache.has(pointerRef(old))).toBe(true);
    const r = await gc(cache, keep);
    expect(r).toMatchObject({ deleted: [refKey(pointerRef(old))], bytes: 14, kept: 4 });
    expect(await cache.has(pointerRef(old))).toBe(false);
    expect(await verify(cache, [ref])).toMatchObject({ ok: 4, failed: [], missing: [] });
  });

  it('refuses to compute keep when a kept manifest is missing', async () => {
    const { cache, ref } = await dataset(FILES);
    await cache.remove(ref);
    await expect(keepKeys(cache, [ref])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes temp files a crash left, once they are old', async () => {
    const { cache, ref } = await dataset(FILES);
    mkdirSync(join(cache.dir, 'tmp'), { recursive: true });
    writeFileSync(join(cache.dir, 'tmp', 'crashed'), 'x');
    const beside = join(cache.dir, 'files', 'sha256', '00', '.tmp-123-1-abc-7');
    mkdirSync(join(beside, '..'), { recursive: true });
    writeFileSync(beside, 'half an object');
    const keep = await keepKeys(cache, [ref]);
    expect(await gc(cache, keep, { dryRun: true })).toMatchObject({ temps: 0, deleted: [] });
    expect(await gc(cache, keep, { now: () => Date.now() + 7_200_000 })).toMatchObject({
      temps: 2,
      deleted: [],
      kept: 4,
    });
    expect(readdirSync(join(cache.dir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(beside, '..')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});

describe('checkoutPointer', () => {
  it('writes only what changed, reports extra files, and never writes through a link out', async () => {
    const { root, cache, pointer } = await dataset(FILES);
    const later = { now: () => Date.now() + 10_000 };
    await addPath(root, 'data', { algo: 'sha256', cache, ...later }); // stat cache vouches now
    writeFileSync(join(root, 'data/b.csv'), 'changed');
    writeFileSync(join(root, 'data/extra.csv'), 'mine');
    const r = await checkoutPointer(cache, pointer);
    expect(r).toEqual({ written: 1, unchanged: 3, extra: ['extra.csv'] });
    expect(readFileSync(join(root, 'data/b.csv'), 'utf8')).toBe('beta');

    await expect(
      checkoutPointer(cache, { ...pointer, path: '../elsewhere' }),
    ).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
    });
  });

  it('refuses to write through a symlinked folder that leads out of the repository', async () => {
    const { root, cache, pointer } = await dataset(FILES);
    const outside = tempDir();
    const moved: DataPointer = { ...pointer, path: 'copy' };
    mkdirSync(join(root, 'copy'));
    symlinkSync(outside, join(root, 'copy', 'sub'));
    await expect(checkoutPointer(cache, moved)).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
    });
    expect(readdirSync(outside)).toEqual([]);
  });
});
