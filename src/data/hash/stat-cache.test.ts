import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { RACY_NS, STAT_CACHE_PATH, StatCache } from './stat-cache.js';

const st = { ino: '42', mtimeNs: '1700000000000000000', ctimeNs: '1700000000000000000', size: 10 };
const later = 1_800_000_000_000_000_000n; // hashing began long after the file was written
const SHA = 'a'.repeat(64);
const MD5 = 'b'.repeat(32);

describe('StatCache', () => {
  it('remembers a digest per path and stat identity, per algorithm', () => {
    const c = StatCache.memory();
    c.record('d/a.csv', st, 'sha256', SHA, later);
    c.record('d/a.csv', st, 'md5', MD5, later);
    expect(c.lookup('d/a.csv', st, 'sha256')).toBe(SHA);
    expect(c.lookup('d/a.csv', st, 'md5')).toBe(MD5);
    expect(c.lookup('d/b.csv', st, 'sha256')).toBeUndefined();
  });

  it.each([
    ['inode', { ...st, ino: '43' }],
    ['mtime', { ...st, mtimeNs: '1700000000000000001' }],
    ['ctime', { ...st, ctimeNs: '1700000000000000001' }],
    ['size', { ...st, size: 11 }],
  ])('misses when the %s differs', (_what, other) => {
    const c = StatCache.memory();
    c.record('a', st, 'sha256', SHA, later);
    expect(c.lookup('a', other, 'sha256')).toBeUndefined();
  });

  it('does not trust a file changed within RACY_NS of the hash (racy clean)', () => {
    const c = StatCache.memory();
    const start = BigInt(st.mtimeNs) + RACY_NS; // written 2 s before hashing: still racy
    c.record('a', st, 'sha256', SHA, start);
    expect(c.lookup('a', st, 'sha256')).toBeUndefined();
    c.record('a', st, 'sha256', SHA, start + 1n);
    expect(c.lookup('a', st, 'sha256')).toBe(SHA);
  });

  it('trusts a file whose mtime was set back, keyed by its fresh ctime', () => {
    const c = StatCache.memory();
    const touched = { ...st, ctimeNs: String(later - 1n) }; // `touch -d` / tar just now
    c.record('a', touched, 'sha256', SHA, later);
    expect(c.lookup('a', touched, 'sha256')).toBe(SHA);
    expect(c.lookup('a', { ...touched, ctimeNs: String(later) }, 'sha256')).toBeUndefined();
  });

  it('drops the other algorithm when the file changed', () => {
    const c = StatCache.memory();
    c.record('a', st, 'md5', MD5, later);
    const changed = { ...st, mtimeNs: '1700000000000000005' };
    c.record('a', changed, 'sha256', SHA, later);
    expect(c.lookup('a', changed, 'md5')).toBeUndefined();
    expect(c.lookup('a', changed, 'sha256')).toBe(SHA);
  });

  it('saves atomically and loads back; prunes what a walk no longer saw', async () => {
    const root = tempDir();
    const c = await StatCache.load(root);
    c.record('d/a', st, 'sha256', SHA, later);
    c.record('d/b', st, 'sha256', SHA, later);
    c.record('e/c', st, 'sha256', SHA, later);
    c.prune('d', new Set(['d/a']));
    await c.save();
    const file = join(root, STAT_CACHE_PATH);
    expect(readdirSync(dirname(file))).toEqual(['stat.json']); // no temp left
    const back = await StatCache.load(root);
    expect(back.wasCorrupt).toBe(false);
    expect(back.size).toBe(2);
    expect(back.lookup('d/a', st, 'sha256')).toBe(SHA);
    expect(back.lookup('d/b', st, 'sha256')).toBeUndefined();
    expect(back.lookup('e/c', st, 'sha256')).toBe(SHA);
  });

  it('writes nothing when nothing changed', async () => {
    const root = tempDir();
    await (await StatCache.load(root)).save();
    expect(existsSync(join(root, STAT_CACHE_PATH))).toBe(false);
  });

  describe('a corrupt file is ignored whole, never partly trusted, and rewritten', () => {
    async function saved(): Promise<{ root: string; file: string; text: string }> {
      const root = tempDir();
      const c = await StatCache.load(root);
      c.record('a', st, 'sha256', SHA, later);
      await c.save();
      const file = join(root, STAT_CACHE_PATH);
      return { root, file, text: readFileSync(file, 'utf8') };
    }

    it.each([
      [
        'one flipped digit in a digest',
        (t: string) => t.replace(`"${SHA}"`, `"${'c'.repeat(64)}"`),
      ],
      ['a truncated file', (t: string) => t.slice(0, t.length - 5)],
      ['an empty file', () => ''],
      ['garbage', () => '\u0000\u0001binary'],
      ['a header for another body', (t: string) => `${t.split('\n')[0]}\n{}`],
    ])('%s', async (_what, damage) => {
      const { root, file, text } = await saved();
      writeFileSync(file, damage(text));
      const c = await StatCache.load(root);
      expect(c.wasCorrupt).toBe(true);
      expect(c.size).toBe(0);
      expect(c.lookup('a', st, 'sha256')).toBeUndefined();
      await c.save();
      expect((await StatCache.load(root)).wasCorrupt).toBe(false);
    });

    it('a well-formed body with a valid checksum but a bad entry shape', async () => {
      const { root, file } = await saved();
      const { createHash } = await import('node:crypto');
      const body = JSON.stringify({ a: ['42', 'x', '1', 10, SHA, ''] });
      const sum = createHash('sha256').update(body).digest('hex');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `mlops-stat-cache 1 ${sum}\n${body}`);
      expect((await StatCache.load(root)).wasCorrupt).toBe(true);
    });
  });
});
