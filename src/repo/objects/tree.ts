import { RepoError } from '../errors.js';

/** One entry of a tree object. `mode` is as git stores it: `40000` for a subtree. */
export interface TreeEntry {
  name: string;
  mode: string;
  oid: string;
}

export const TREE_MODE = '40000';
export const GITLINK_MODE = '160000';

const SPACE = 0x20;
const SLASH = 0x2f;

function hexAt(buf: Uint8Array, at: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + at, 20).toString('hex');
}

/** All entries of a raw tree, in git's order. */
export function parseTree(buf: Uint8Array): TreeEntry[] {
  const out: TreeEntry[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(SPACE, pos);
    const nul = buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) {
      throw new RepoError('CORRUPT_OBJECT', 'truncated tree entry');
    }
    out.push({
      mode: latin1(buf, pos, space),
      name: Buffer.from(buf.buffer, buf.byteOffset + space + 1, nul - space - 1).toString('utf8'),
      oid: hexAt(buf, nul + 1),
    });
    pos = nul + 21;
  }
  return out;
}

/**
 * Finds one entry by name in a raw tree without parsing the rest: entries are scanned in
 * place and the scan stops once past where the name would sort (git sorts a subtree as if
 * its name ended in `/`). `name` is the entry's UTF-8 name.
 */
export function findEntry(
  buf: Uint8Array,
  name: Uint8Array,
): { mode: string; oid: string } | undefined {
  const n = name.length;
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(SPACE, pos);
    const start = space + 1;
    const nul = buf.indexOf(0, start);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) {
      throw new RepoError('CORRUPT_OBJECT', 'truncated tree entry');
    }
    const len = nul - start;
    // Compare this entry's sort key (name, plus `/` for a subtree) with `name` + `/`.
    let cmp = 0;
    const common = len < n ? len : n;
    for (let i = 0; i < common; i++) {
      cmp = buf[start + i]! - name[i]!;
      if (cmp !== 0) break;
    }
    if (cmp === 0) {
      if (len === n) return { mode: latin1(buf, pos, space), oid: hexAt(buf, nul + 1) };
      if (len > n) {
        // Longer name with our name as prefix: compare its next byte with '/'.
        cmp = buf[start + n]! - SLASH;
      } else {
        cmp = -1;
      }
    }
    if (cmp > 0) return undefined;
    pos = nul + 21;
  }
  return undefined;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]!);
  return s;
}
