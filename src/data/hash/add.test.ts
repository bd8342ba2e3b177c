import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { Cache } from '../cache.js';
import { toDvcFile } from '../dvc.js';
import { addPath, hashPath } from './add.js';
import { hashBytes } from './file.js';
import { pointerRef } from './ref.js';

function repo(files: Record<string, string>): string {
  const root = tempDir();
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content, 'latin1');
  }
  return root;
}

describe('addPath', () => {
  it('adds a file: its pointer, and its bytes in the cache', async () => {
    const root = repo({ 'datasets/a.csv': 'x,y\n1,2\n' });
    const cache = new Cache(root);
    const r = await addPath(root, './datasets/a.csv', { algo: 'sha256', cache });
    const hex = hashBytes(Buffer.from('x,y\n1,2\n'), 'sha256');
    expect(r.pointer).toEqual({
      path: 'datasets/a.csv',
      hash: `sha256:${hex}`,
      size: 8,
      files: 1,
      dir: false,
    });
    expect(r.stored).toBe(1);
    expect(readFileSync(cache.path(pointerRef(r.pointer)), 'utf8')).toBe('x,y\n1,2\n');
  });

  it('adds an md5 directory exactly as DVC 3 would name it (checked against CPython)', async () => {
    // The same files as manifest.test.ts; DVC's .dir hash computed there with CPython.
    const root = repo({
      'data/imgs/a.txt': 'hello\n',
      'data/imgs/sub/b.txt': 'world\n',
      'data/imgs/café "q".csv': 'x,y\n1,2\n',
      'data/imgs/x\u{1F600}.bin': '\x00\x01',
      'data/imgs/x\ue000.txt': 'pua',
      'data/imgs/tab\there\x7f.txt': '',
    });
    const cache = new Cache(root);
    const r = await addPath(root, 'data/imgs', { algo: 'md5', cache });
    expect(r.pointer).toEqual({
      path: 'data/imgs',
      hash: 'md5:6aa7e0b4805057ae4b9faefa93e1624a',
      size: 6 + 6 + 8 + 2 + 3 + 0,
      files: 6,
      dir: true,
    });
    expect(r.stored).toBe(7); // six files and the manifest
    expect(existsSync(join(cache.dir, 'files/md5/6a/a7e0b4805057ae4b9faefa93e1624a.dir'))).toBe(
      true,
    );
    expect(toDvcFile([r.pointer], 'data/imgs.dvc')).toBe(
      'outs:\n- md5: 6aa7e0b4805057ae4b9faefa93e1624a.dir\n  size: 25\n  nfiles: 6\n  hash: md5\n  path: imgs\n',
    );
    const m = await cache.readManifest(pointerRef(r.pointer));
    expect(m.entries.map((e) => e.path)).toContain('sub/b.txt');
  });

  it('refuses an empty directory and a path outside, writing nothing', async () => {
    const root = repo({});
    mkdirSync(join(root, 'empty'));
    const cache = new Cache(root);
    await expect(addPath(root, 'empty', { algo: 'sha256', cache })).rejects.toMatchObject({
      code: 'BAD_PATH',
      message: 'empty is an empty directory: there is nothing to version',
    });
    await expect(addPath(root, '../x', { algo: 'sha256', cache })).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPO',
    });
    await expect(addPath(root, 'nope.csv', { algo: 'sha256', cache })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(existsSync(join(cache.dir, 'files'))).toBe(false);
  });
});

describe('hashPath', () => {
  it('names the content without touching the cache, and sees a change', async () => {
    const root = repo({ 'd/a': 'one', 'd/b': 'two' });
    const before = await hashPath(root, 'd', { algo: 'sha256' });
    expect(before.pointer).toMatchObject({ path: 'd', files: 2, size: 6, dir: true });
    expect(existsSync(join(root, '.mlops/cache/files'))).toBe(false);
    writeFileSync(join(root, 'd/b'), 'TWO');
    const after = await hashPath(root, 'd', { algo: 'sha256' });
    expect(after.pointer.hash).not.toBe(before.pointer.hash);
    expect(after.pointer.size).toBe(6);
  });
});
