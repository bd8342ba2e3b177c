import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { LocalObjectStore } from './local.js';

const KEY_A = `files/sha256/ab/${'c'.repeat(62)}`;
const KEY_B = `files/sha256/ab/${'d'.repeat(62)}`;
const KEY_C = `files/md5/12/${'3'.repeat(30)}.dir`;

function setup() {
  const work = tempDir();
  const file = join(work, 'src.bin');
  writeFileSync(file, Buffer.alloc(3 << 20, 7)); // three progress chunks
  return { work, file, store: new LocalObjectStore(join(tempDir(), 'remote')) };
}

describe('LocalObjectStore', () => {
  it('puts, stats, gets and deletes, reporting progress chunk by chunk', async () => {
    const { work, file, store } = setup();
    expect(await store.stat(KEY_A)).toBeNull();
    const seen: number[] = [];
    await store.put(KEY_A, file, 3 << 20, (b) => seen.push(b));
    expect(seen).toEqual([1 << 20, 1 << 20, 1 << 20]);
    expect(await store.stat(KEY_A)).toEqual({ size: 3 << 20 });
    expect(statSync(join(store.dir, KEY_A)).mode & 0o777).toBe(0o444);
    const out = join(work, 'out.bin');
    writeFileSync(out, 'stale bytes from an earlier attempt');
    await store.get(KEY_A, out);
    expect(readFileSync(out).equals(readFileSync(file))).toBe(true);
    await store.delete(KEY_A);
    await store.delete(KEY_A); // absent is fine
    expect(await store.stat(KEY_A)).toBeNull();
    expect(readdirSync(join(store.dir, 'tmp'))).toEqual([]);
  });

  it('stores nothing under the key when the size is not what was promised', async () => {
    const { file, store } = setup();
    await expect(store.put(KEY_A, file, 5, undefined)).rejects.toMatchObject({
      code: 'SIZE_MISMATCH',
      data: { expected: 5, actual: 3 << 20 },
    });
    expect(await store.stat(KEY_A)).toBeNull();
    expect(readdirSync(join(store.dir, 'tmp'))).toEqual([]);
  });

  it('gets a missing key as NOT_FOUND', async () => {
    const { work, store } = setup();
    await expect(store.get(KEY_A, join(work, 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists keys under a prefix, sorted, never crash leftovers in tmp/', async () => {
    const { file, store } = setup();
    for (const k of [KEY_B, KEY_A, KEY_C]) await store.put(k, file, 3 << 20);
    mkdirSync(join(store.dir, 'tmp'), { recursive: true });
    writeFileSync(join(store.dir, 'tmp', 'half-written.tmp'), 'x');
    const list = async (prefix: string) => {
      const out: string[] = [];
      for await (const o of store.list(prefix)) out.push(`${o.key}:${o.size}`);
      return out;
    };
    expect(await list('')).toEqual([
      `${KEY_C}:${3 << 20}`,
      `${KEY_A}:${3 << 20}`,
      `${KEY_B}:${3 << 20}`,
    ]);
    expect(await list('files/sha256/')).toEqual([`${KEY_A}:${3 << 20}`, `${KEY_B}:${3 << 20}`]);
    expect(await list('files/sha256/ab/cc')).toEqual([`${KEY_A}:${3 << 20}`]);
    expect(await list('files/sha')).toHaveLength(2);
    expect(await list('files/none/')).toEqual([]);
  });

  it.each(['../escape', '/abs/key', 'files/../../x', 'tmp/x', '', 'files//x', 'files/a b'])(
    'refuses the key %j',
    async (key) => {
      const { file, store } = setup();
      await expect(store.put(key, file, 3 << 20)).rejects.toMatchObject({ code: 'BAD_PATH' });
      await expect(store.stat(key)).rejects.toMatchObject({ code: 'BAD_PATH' });
      expect(existsSync(join(store.dir, '..', 'escape'))).toBe(false);
    },
  );
});
