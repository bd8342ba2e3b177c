import { describe, expect, it } from 'vitest';
import { findEntry, parseTree } from './tree.js';

/** A raw tree from entries given in git's order. */
function rawTree(entries: [mode: string, name: string, oidByte: number][]): Uint8Array {
  return Buffer.concat(
    entries.map(([mode, name, b]) =>
      Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.alloc(20, b)]),
    ),
  );
}

// Git's order sorts a subtree as if its name ended in "/": "a-b" < "a.txt" < "a/" < "a0".
const tree = rawTree([
  ['100644', 'a-b', 1],
  ['100644', 'a.txt', 2],
  ['40000', 'a', 3],
  ['100644', 'a0', 4],
  ['100755', 'b', 5],
  ['120000', 'é', 6],
]);

describe('parseTree', () => {
  it('reads every entry with its mode, UTF-8 name and oid', () => {
    expect(parseTree(tree).map((e) => `${e.mode} ${e.name} ${e.oid.slice(0, 4)}`)).toEqual([
      '100644 a-b 0101',
      '100644 a.txt 0202',
      '40000 a 0303',
      '100644 a0 0404',
      '100755 b 0505',
      '120000 é 0606',
    ]);
  });

  it('refuses a truncated entry', () => {
    expect(() => parseTree(tree.subarray(0, tree.length - 3))).toThrow(/truncated tree entry/);
  });
});

describe('findEntry', () => {
  it('finds each entry by name, whatever sorts around it', () => {
    for (const e of parseTree(tree)) {
      expect(findEntry(tree, Buffer.from(e.name))).toEqual({ mode: e.mode, oid: e.oid });
    }
  });

  it('misses names that are absent, including prefixes and names between entries', () => {
    for (const name of ['', 'a-', 'a.', 'a/', 'a00', 'ab', 'c', '0', 'é2']) {
      expect(findEntry(tree, Buffer.from(name))).toBeUndefined();
    }
  });
});
