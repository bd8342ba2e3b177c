import { readFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, runGit } from '../../../test/helpers/gitdir.js';
import type { RepoSpec } from '../../../test/helpers/gitdir.js';
import { RepoError } from '../errors.js';
import { ObjectStore } from './store.js';

/** One file edited many times in small steps, so a repack stores most versions as deltas. */
function editedManyTimes(): RepoSpec['commits'] {
  const lines = Array.from({ length: 60 }, (_, i) => `line ${i}: ${'x'.repeat(40)}`);
  return Array.from({ length: 40 }, (_, i) => {
    lines[(i * 7) % lines.length] = `line ${i} edited in commit ${i}`;
    return {
      files: {
        'registry/models/m1/deployment.yaml': `${lines.join('\n')}\n`,
        [`notes/n${i % 5}.txt`]: `${i}\n`,
      },
      message: `edit ${i}`,
    };
  });
}

/** Every object git has, with its type and content, from one `cat-file --batch` run. */
function allObjects(dir: string): { oid: string; type: string; data: Buffer }[] {
  const out = Buffer.from(
    runGit(dir, ['cat-file', '--batch-all-objects', '--batch', '--unordered'], undefined, 'buffer'),
  );
  const objects: { oid: string; type: string; data: Buffer }[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    const [oid, type, size] = out.subarray(pos, nl).toString().split(' ');
    const start = nl + 1;
    objects.push({ oid: oid!, type: type!, data: out.subarray(start, start + Number(size)) });
    pos = start + Number(size) + 1;
  }
  return objects;
}

describe.each(['loose', 'packed', 'packed-ref-delta'] as const)('ObjectStore (%s)', (layout) => {
  const r = makeRepo({ commits: editedManyTimes(), layout });
  const store = new ObjectStore(fs, join(r.dir, '.git', 'objects'));

  it('reads every object exactly as git cat-file does', () => {
    const objects = allObjects(r.dir);
    expect(objects.length).toBeGreaterThan(100);
    for (const o of objects) {
      const got = store.read(o.oid);
      expect(got.type).toBe(o.type);
      expect(Buffer.from(got.data).equals(o.data)).toBe(true);
    }
  });

  it('finds objects by unique prefix and reports ambiguity by returning several', () => {
    const oid = r.oids[3]!;
    expect(store.findPrefix(oid.slice(0, 8))).toEqual([oid]);
    // Some two-digit prefix is shared by two objects among a hundred or more.
    const oids = allObjects(r.dir)
      .map((o) => o.oid)
      .sort();
    const shared = oids.find((o, i) => oids[i + 1]?.startsWith(o.slice(0, 2)))!.slice(0, 2);
    const several = store.findPrefix(shared, 2);
    expect(several).toEqual(oids.filter((o) => o.startsWith(shared)).slice(0, 2));
  });

  it('throws MISSING_OBJECT for an absent object', () => {
    const absent = '0123456789abcdef0123456789abcdef01234567';
    expect(() => store.read(absent)).toThrow(RepoError);
    expect(store.has(absent)).toBe(false);
    try {
      store.read(absent);
    } catch (e) {
      expect((e as RepoError).code).toBe('MISSING_OBJECT');
      expect((e as RepoError).data).toEqual({ oid: absent });
    }
  });
});

describe.each(['packed', 'packed-ref-delta'] as const)('a %s test repository', (layout) => {
  const r = makeRepo({ commits: editedManyTimes(), layout });

  it('has deltas of the expected kind in the pack', () => {
    const packDir = join(r.dir, '.git', 'objects', 'pack');
    const idx = fs.readdirSync(packDir).find((n) => n.endsWith('.idx'))!;
    const verify = runGit(r.dir, ['verify-pack', '-v', join(packDir, idx)]);
    // Lines of deltified objects: "oid type size packed-size offset depth base".
    const deltas = verify
      .split('\n')
      .map((l) => l.split(/\s+/))
      .filter((f) => f.length === 7 && /^[0-9a-f]{40}$/.test(f[0]!));
    expect(deltas.length).toBeGreaterThan(20);
    expect(Math.max(...deltas.map((f) => Number(f[5])))).toBeGreaterThan(5);
    const pack = readFileSync(join(packDir, idx.replace(/\.idx$/, '.pack')));
    const kinds = new Set(deltas.map((f) => (pack[Number(f[4])]! >> 4) & 7));
    expect(kinds).toEqual(new Set([layout === 'packed' ? 6 : 7]));
  });
});

describe('ObjectStore', () => {
  it('picks up a pack written after it was opened (a gc elsewhere)', () => {
    const r = makeRepo({ commits: editedManyTimes().slice(0, 3), layout: 'loose' });
    const store = new ObjectStore(fs, join(r.dir, '.git', 'objects'));
    expect(store.readAs(r.oids[0]!, 'commit').length).toBeGreaterThan(0);
    r.git('repack', '-q', '-a', '-d');
    r.git('prune-packed');
    expect(fs.readdirSync(join(r.dir, '.git', 'objects')).filter((n) => n.length === 2)).toEqual(
      [],
    );
    const text = Buffer.from(store.readAs(r.oids[2]!, 'commit')).toString();
    expect(text).toContain('edit 2');
  });

  it('reads objects through info/alternates', () => {
    const source = makeRepo({ commits: editedManyTimes().slice(0, 2), layout: 'packed' });
    const borrower = makeRepo({ commits: [{ files: { a: 'a\n' } }] });
    fs.writeFileSync(
      join(borrower.dir, '.git', 'objects', 'info', 'alternates'),
      `${join(source.dir, '.git', 'objects')}\n`,
    );
    const store = new ObjectStore(fs, join(borrower.dir, '.git', 'objects'));
    expect(store.read(source.oids[1]!).type).toBe('commit');
    expect(store.read(borrower.oids[0]!).type).toBe('commit');
  });

  it('refuses a wrong type with CORRUPT_OBJECT', () => {
    const r = makeRepo({ commits: [{ files: { a: 'a\n' } }] });
    const store = new ObjectStore(fs, join(r.dir, '.git', 'objects'));
    expect(() => store.readAs(r.oids[0]!, 'tree')).toThrow(/is a commit, not a tree/);
  });
});
