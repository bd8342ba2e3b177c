import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gitdir.js';
import { Cache } from './cache.js';
import { hashBytes } from './hash/file.js';
import { buildManifest } from './manifest.js';

/** `expect.stringMatching`, typed: a message that matches. */
const like = (re: RegExp): string => expect.stringMatching(re) as string;

function setup(opts: ConstructorParameters<typeof Cache>[1] = {}) {
  const root = tempDir();
  mkdirSync(join(root, 'data'));
  const file = join(root, 'data', 'a.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  const ref = {
    algo: 'sha256' as const,
    hex: hashBytes(Buffer.from('a,b\n1,2\n'), 'sha256'),
    size: 8,
  };
  return { root, file, ref, cache: new Cache(root, opts) };
}

const tmpFiles = (cache: Cache) =>
  existsSync(join(cache.dir, 'tmp')) ? readdirSync(join(cache.dir, 'tmp')) : [];

/** Overwrites a read-only cache object in place, as bit rot or a bad tool would. */
function corrupt(path: string, bytes: string) {
  chmodSync(path, 0o644);
  writeFileSync(path, bytes);
  chmodSync(path, 0o444);
}

describe('Cache.add', () => {
  it('copies into files/<algo>/<2>/<rest>, read-only, and says when it was there', async () => {
    const { file, ref, cache } = setup();
    expect(await cache.has(ref)).toBe(false);
    expect(await cache.add(file, ref)).toBe(true);
    const obj = join(cache.dir, 'files', 'sha256', ref.hex.slice(0, 2), ref.hex.slice(2));
    expect(cache.path(ref)).toBe(obj);
    expect(readFileSync(obj, 'utf8')).toBe('a,b\n1,2\n');
    expect(statSync(obj).mode & 0o777).toBe(0o444);
    expect(await cache.has(ref)).toBe(true);
    expect(await cache.add(file, ref)).toBe(false);
    expect(tmpFiles(cache)).toEqual([]);
  });

  it('refuses a file that is not the ref, leaving no object and no temp', async () => {
    const { file, ref, cache } = setup();
    writeFileSync(file, 'a,b\n1,3\n');
    await expect(cache.add(file, ref)).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      data: { expected: ref.hex, actual: hashBytes(Buffer.from('a,b\n1,3\n'), 'sha256') },
    });
    expect(await cache.has(ref)).toBe(false);
    expect(tmpFiles(cache)).toEqual([]);
  });

  it('refuses before writing a byte when the disk is too full, naming needed and free', async () => {
    const { file, ref, cache } = setup({
      reserve: 1 << 20,
      statfs: () => Promise.resolve({ bavail: 100n, bsize: 4096n }),
    });
    await expect(cache.add(file, ref)).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: like(/needs 8 bytes \(\+ 1,048,576 bytes \(1\.0 MiB\) kept free\), 409,600 bytes/),
      data: { needed: 8, free: 409_600 },
    });
    expect(existsSync(join(cache.dir, 'files'))).toBe(false);
    expect(tmpFiles(cache)).toEqual([]);
  });
});

describe('Cache.verify', () => {
  it('finds an object whose bytes are no longer its name', async () => {
    const { file, ref, cache } = setup();
    await cache.add(file, ref);
    expect(await cache.verify(ref)).toMatchObject({ ok: true, size: 8 });
    corrupt(cache.path(ref), 'a,b\n9,9\n');
    expect(await cache.verify(ref)).toEqual({
      ok: false,
      key: `files/sha256/${ref.hex.slice(0, 2)}/${ref.hex.slice(2)}`,
      code: 'HASH_MISMATCH',
      actual: hashBytes(Buffer.from('a,b\n9,9\n'), 'sha256'),
      size: 8,
    });
    await cache.remove(ref);
    expect(await cache.verify(ref)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('Cache.checkout', () => {
  it('writes the work-tree file through a temp beside it', async () => {
    const { root, file, ref, cache } = setup();
    await cache.add(file, ref);
    await cache.checkout(ref, 'data/copy/a.csv');
    const out = join(root, 'data/copy/a.csv');
    expect(readFileSync(out, 'utf8')).toBe('a,b\n1,2\n');
    expect(statSync(out).mode & 0o200).toBe(0o200); // the work tree's copy is writable
    expect(readdirSync(join(root, 'data/copy'))).toEqual(['a.csv']);
  });

  it('never clobbers the work-tree file from a corrupt cache object', async () => {
    const { root, file, ref, cache } = setup();
    await cache.add(file, ref);
    corrupt(cache.path(ref), 'EVIL....');
    writeFileSync(join(root, 'data/keep.csv'), 'old contents');
    await expect(cache.checkout(ref, 'data/keep.csv')).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      message: like(/is corrupt/),
    });
    expect(readFileSync(join(root, 'data/keep.csv'), 'utf8')).toBe('old contents');
    expect(readdirSync(join(root, 'data')).sort()).toEqual(['a.csv', 'keep.csv']);
  });

  it('refuses what is not in the cache, and destinations outside the repository', async () => {
    const { ref, cache } = setup();
    await expect(cache.checkout(ref, 'data/x.csv')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: like(/pull it first/),
    });
    await expect(cache.checkout(ref, '../x.csv')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
    });
  });

  it('refuses when the work tree has no room, before writing', async () => {
    const { root, file, ref } = setup();
    await new Cache(root).add(file, ref);
    const tight = new Cache(root, {
      reserve: 0,
      statfs: () => Promise.resolve({ bavail: 1, bsize: 4 }),
    });
    await expect(tight.checkout(ref, 'data/b.csv')).rejects.toMatchObject({ code: 'NO_SPACE' });
    expect(existsSync(join(root, 'data/b.csv'))).toBe(false);
  });
});

describe('manifests in the cache', () => {
  it('are stored once and read back only when their bytes still match their name', async () => {
    const { cache } = setup();
    const built = buildManifest('sha256', [{ path: 'a.csv', hex: 'a'.repeat(64), size: 1 }]);
    expect(await cache.putManifest(built)).toBe(true);
    expect(await cache.putManifest(built)).toBe(false);
    expect(cache.path(built.ref)).toMatch(/\.dir$/);
    expect(await cache.readManifest(built.ref)).toEqual(built.manifest);
    corrupt(cache.path(built.ref), built.bytes.toString().replace('"size":1', '"size":2'));
    await expect(cache.readManifest(built.ref)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    await expect(cache.readManifest({ ...built.ref, hex: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('reflink probe', () => {
  it('answers once per cache and leaves no probe files behind', async () => {
    const { cache } = setup();
    const a = await cache.reflink();
    expect(typeof a).toBe('boolean');
    expect(await cache.reflink()).toBe(a);
    expect(tmpFiles(cache)).toEqual([]);
  });
});
