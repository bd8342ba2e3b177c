import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { Cache } from '../cache.js';
import { STAT_CACHE_PATH, StatCache } from './stat-cache.js';
import { hashBytes } from './file.js';
import { refKey } from './ref.js';
import { hashTree } from './tree.js';

/** `expect.stringMatching`, typed: a message that matches. */
const like = (re: RegExp): string => expect.stringMatching(re) as string;

/** A clock far enough ahead that files just written are not "racy" (see stat-cache.ts). */
const later = () => Date.now() + 10_000;

function repo(files: Record<string, string>): string {
  const root = tempDir();
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

describe('hashTree over a directory', () => {
  it('hashes every file, sorted by code point, paths relative to the directory', async () => {
    const root = repo({
      'd/b.csv': 'bee',
      'd/a/z.csv': 'zed',
      'd/x\u{1F600}': 'emoji',
      'd/x\ue000': 'pua',
      'd/.hidden': 'kept too',
      'other/no.csv': 'not walked',
    });
    const r = await hashTree(root, 'd', 'sha256', { statCache: false });
    expect(r.entries).toEqual(
      ['.hidden', 'a/z.csv', 'b.csv', 'x\ue000', 'x\u{1F600}'].map((p) => {
        const content = readFileSync(join(root, 'd', p));
        return { path: p, hex: hashBytes(content, 'sha256'), size: content.length };
      }),
    );
    expect(r).toMatchObject({ size: 3 + 3 + 5 + 3 + 8, hashed: 5, fromStatCache: 0, threads: 0 });
  });

  it('hashes the given files instead, paths relative to the root', async () => {
    const root = repo({ 'd/b.csv': 'bee', 'a.csv': 'a' });
    const r = await hashTree(root, ['d/b.csv', './a.csv'], 'md5', { statCache: false });
    expect(r.entries.map((e) => [e.path, e.hex])).toEqual([
      ['a.csv', hashBytes(Buffer.from('a'), 'md5')],
      ['d/b.csv', hashBytes(Buffer.from('bee'), 'md5')],
    ]);
    await expect(hashTree(root, ['d'], 'md5', { statCache: false })).rejects.toMatchObject({
      code: 'UNSUPPORTED_FILE',
    });
  });

  it('never hashes an unchanged file twice, and re-hashes one rewritten at the same size', async () => {
    const root = repo({ 'd/a': 'aaaa', 'd/b': 'bbbb', 'd/c': 'cccc' });
    const first = await hashTree(root, 'd', 'sha256', { now: later });
    expect(first).toMatchObject({ hashed: 3, fromStatCache: 0 });
    const again = await hashTree(root, 'd', 'sha256', { now: later });
    expect(again).toMatchObject({ hashed: 0, fromStatCache: 3 });
    expect(again.entries).toEqual(first.entries);

    writeFileSync(join(root, 'd/b'), 'BBBB');
    const third = await hashTree(root, 'd', 'sha256', { now: later });
    expect(third).toMatchObject({ hashed: 1, fromStatCache: 2 });
    expect(third.entries[1]!.hex).toBe(hashBytes(Buffer.from('BBBB'), 'sha256'));
  });

  it('does not trust files written just now (racy), so the next run reads them again', async () => {
    const root = repo({ 'd/a': 'aaaa' });
    await hashTree(root, 'd', 'sha256');
    expect(await hashTree(root, 'd', 'sha256')).toMatchObject({ hashed: 1, fromStatCache: 0 });
  });

  it('ignores and rebuilds a corrupt stat cache, with right hashes all along', async () => {
    const root = repo({ 'd/a': 'aaaa' });
    await hashTree(root, 'd', 'sha256', { now: later });
    const file = join(root, STAT_CACHE_PATH);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/"[0-9a-f]{64}"/, `"${'0'.repeat(64)}"`),
    );
    const r = await hashTree(root, 'd', 'sha256', { now: later });
    expect(r).toMatchObject({ hashed: 1, fromStatCache: 0 });
    expect(r.entries[0]!.hex).toBe(hashBytes(Buffer.from('aaaa'), 'sha256'));
    expect((await StatCache.load(root)).wasCorrupt).toBe(false);
  });

  it('reports progress up to the totals', async () => {
    const root = repo({ 'd/a': 'aaaa', 'd/b': 'bb' });
    const seen: { files: number; bytes: number }[] = [];
    await hashTree(root, 'd', 'md5', { statCache: false, onProgress: (p) => seen.push(p) });
    expect(seen[0]).toEqual({ files: 0, totalFiles: 2, bytes: 0, totalBytes: 6 });
    expect(seen.at(-1)).toEqual({ files: 2, totalFiles: 2, bytes: 6, totalBytes: 6 });
  });
});

describe('hashTree and symlinks: inside followed, outside refused, nothing skipped', () => {
  it('follows links to a file and to a folder inside the repository', async () => {
    const root = repo({ 'd/real.csv': 'r', 'shared/s.csv': 'shared' });
    symlinkSync('real.csv', join(root, 'd/link.csv'));
    symlinkSync('../shared', join(root, 'd/shared'));
    const r = await hashTree(root, 'd', 'md5', { statCache: false });
    expect(r.entries.map((e) => e.path)).toEqual(['link.csv', 'real.csv', 'shared/s.csv']);
    expect(r.entries[0]!.hex).toBe(r.entries[1]!.hex);
  });

  it.each([
    [
      'a link out of the repository',
      'PATH_OUTSIDE_REPO',
      (root: string) => symlinkSync(tempDir(), join(root, 'd/out')),
    ],
    [
      'a link to nothing',
      'NOT_FOUND',
      (root: string) => symlinkSync('gone', join(root, 'd/dangling')),
    ],
    [
      'a link to an ancestor',
      'SYMLINK_LOOP',
      (root: string) => symlinkSync('..', join(root, 'd/sub/up')),
    ],
    ['a link into .git', 'BAD_PATH', (root: string) => symlinkSync('../.git', join(root, 'd/git'))],
    [
      'a FIFO',
      'UNSUPPORTED_FILE',
      (root: string) => execFileSync('mkfifo', [join(root, 'd/pipe')]),
    ],
  ])('refuses %s with %s', async (_what, code, make) => {
    const root = repo({ 'd/a.csv': 'a', 'd/sub/b.csv': 'b', '.git/config': '' });
    make(root);
    await expect(hashTree(root, 'd', 'md5', { statCache: false })).rejects.toMatchObject({ code });
  });

  it('refuses a directory that is itself a link out', async () => {
    const root = repo({});
    symlinkSync(tempDir(), join(root, 'd'));
    await expect(hashTree(root, 'd', 'md5', { statCache: false })).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
    });
  });
});

describe('hashTree with ingest: one read per file into the cache', () => {
  it('stores every object read-only under its hash, and only once', async () => {
    const root = repo({ 'd/a': 'alpha', 'd/b': 'beta', 'd/same-as-a': 'alpha' });
    const cache = new Cache(root);
    const r = await hashTree(root, 'd', 'sha256', { ingest: cache, now: later });
    expect(r.stored).toBe(2);
    for (const e of r.entries) {
      const file = cache.path({ algo: 'sha256', hex: e.hex });
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(root, 'd', e.path), 'utf8'));
      expect(statSync(file).mode & 0o777).toBe(0o444);
    }
    expect(await hashTree(root, 'd', 'sha256', { ingest: cache, now: later })).toMatchObject({
      hashed: 0,
      stored: 0,
    });
  });

  it('re-reads a file the stat cache knows when its object left the cache', async () => {
    const root = repo({ 'd/a': 'alpha', 'd/b': 'beta' });
    const cache = new Cache(root);
    const first = await hashTree(root, 'd', 'sha256', { ingest: cache, now: later });
    unlinkSync(join(cache.dir, refKey({ algo: 'sha256', hex: first.entries[1]!.hex })));
    const r = await hashTree(root, 'd', 'sha256', { ingest: cache, now: later });
    expect(r).toMatchObject({ hashed: 1, fromStatCache: 1, stored: 1 });
    expect(await cache.has({ algo: 'sha256', hex: first.entries[1]!.hex, size: 4 })).toBe(true);
  });

  it('refuses before writing anything when the disk is too full', async () => {
    const root = repo({ 'd/a': 'x'.repeat(5000) });
    const cache = new Cache(root, {
      reserve: 0,
      statfs: () => Promise.resolve({ bavail: 1, bsize: 4096 }),
    });
    await expect(hashTree(root, 'd', 'sha256', { ingest: cache })).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: like(/needs 5,000 bytes.*, 4,096 bytes \(4\.0 KiB\) free$/),
    });
    expect(() => statSync(join(cache.dir, 'files'))).toThrow(/ENOENT/);
    expect(() => statSync(join(cache.dir, 'tmp'))).toThrow(/ENOENT/);
  });
});
