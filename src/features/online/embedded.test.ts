import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedOnlineStore } from './embedded.js';
import { onlineStoreSuite } from './store-suite.js';

let root = '';
onlineStoreSuite(
  'embedded',
  async () => {
    root ||= await mkdtemp(join(tmpdir(), 'mlops-online-'));
    return EmbeddedOnlineStore.open(root);
  },
  async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = '';
  },
);

describe('embedded online store files', () => {
  const dirs: string[] = [];
  const fresh = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlops-online-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('keeps one file per view and the watermarks in .mlops/online/, ignored by git', async () => {
    const dir = await fresh();
    const s = await EmbeddedOnlineStore.open(dir);
    expect(s.describe).toBe('embedded .mlops/online');
    await s.write('test_stats', [{ key: 't1', values: { x: 1 }, eventTs: 5 }]);
    await s.write('a/b', [{ key: 't1', values: { x: 2 }, eventTs: 5 }]);
    await s.setWatermark('test_stats', 10);
    await s.close();
    expect(readFileSync(join(dir, '.mlops/.gitignore'), 'utf8')).toContain('*');
    // no temp file is left behind; a view name is one path segment, whatever it holds
    expect(readdirSync(join(dir, '.mlops/online/views')).sort()).toEqual([
      'a%2Fb.json',
      'test_stats.json',
    ]);
    expect(existsSync(join(dir, '.mlops/online/watermarks.json'))).toBe(true);
    await expect(s.read('test_stats', ['t1'])).rejects.toThrow(/closed/);
  });

  it('skips the temp file of an interrupted write, and refuses a damaged view file', async () => {
    const dir = await fresh();
    const s = await EmbeddedOnlineStore.open(dir);
    await s.write('v', [{ key: 'k', values: { x: 1 }, eventTs: 5 }]);
    await s.close();
    const views = join(dir, '.mlops/online/views');
    await writeFile(join(views, 'v.json.123.abcd.tmp'), '{"half": ');
    const again = await EmbeddedOnlineStore.open(dir);
    expect(await again.read('v', ['k'])).toEqual([{ values: { x: 1 }, eventTs: 5 }]);
    await again.close();
    await writeFile(join(views, 'w.json'), '{"format": "something else"}');
    await expect(EmbeddedOnlineStore.open(dir)).rejects.toThrow(/not an online store view file/);
  });

  it('hands out rows no caller can change', async () => {
    const dir = await fresh();
    const s = await EmbeddedOnlineStore.open(dir);
    const values = { x: 1 };
    await s.write('v', [{ key: 'k', values, eventTs: 5 }]);
    values.x = 2; // the caller's object is copied on write
    const [hit] = await s.read('v', ['k']);
    expect(hit?.values.x).toBe(1);
    expect(() => ((hit!.values as Record<string, number>).x = 3)).toThrow(TypeError);
    await s.close();
  });
});
