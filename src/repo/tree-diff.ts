import type { Db } from './db.js';
import { GITLINK_MODE, TREE_MODE } from './objects/tree.js';
import { EVERYTHING } from './paths.js';
import type { PrefixNode } from './paths.js';

/** One file that differs between two trees (a rename is a `removed` and an `added`). */
export interface FileChange {
  path: string;
  status: 'added' | 'removed' | 'modified';
  /** The file's blob in the base; absent when added. */
  baseOid?: string;
  /** The file's blob in the head; absent when removed. */
  headOid?: string;
}

type Entry = { mode: string; oid: string } | undefined;

/**
 * The files that differ between two trees under the selected prefixes (`null` is the empty
 * tree). Subtrees with equal oids are skipped without being read; a path that is a file on
 * one side and a directory on the other is the file removed (or added) and the directory's
 * files added (or removed). Sorted by path.
 */
export function diffTrees(
  db: Db,
  base: string | null,
  head: string | null,
  node: PrefixNode,
): FileChange[] {
  const out: FileChange[] = [];
  diffDir(db, base, head, node, '', out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function diffDir(
  db: Db,
  a: string | null,
  b: string | null,
  node: PrefixNode,
  dir: string,
  out: FileChange[],
): void {
  if (a === b) return;
  if (node.full) {
    const inA = new Map((a ? db.tree(a) : []).map((e) => [e.name, e]));
    for (const eb of b ? db.tree(b) : []) {
      const ea = inA.get(eb.name);
      inA.delete(eb.name);
      diffEntry(db, ea, eb, EVERYTHING, dir + eb.name, out);
    }
    for (const ea of inA.values()) diffEntry(db, ea, undefined, EVERYTHING, dir + ea.name, out);
    return;
  }
  for (const child of node.children.values()) {
    const ea = a ? db.entry(a, child.bytes) : undefined;
    const eb = b ? db.entry(b, child.bytes) : undefined;
    diffEntry(db, ea, eb, child, dir + child.name, out);
  }
}

function diffEntry(
  db: Db,
  ea: Entry,
  eb: Entry,
  node: PrefixNode,
  path: string,
  out: FileChange[],
) {
  if (ea && eb && ea.oid === eb.oid && ea.mode === eb.mode) return;
  const fileSelected = node.full && !node.dirOnly;
  const fa = fileSelected && ea && isFile(ea.mode) ? ea : undefined;
  const fb = fileSelected && eb && isFile(eb.mode) ? eb : undefined;
  if (fa && fb) out.push({ path, status: 'modified', baseOid: fa.oid, headOid: fb.oid });
  else if (fa) out.push({ path, status: 'removed', baseOid: fa.oid });
  else if (fb) out.push({ path, status: 'added', headOid: fb.oid });
  const ta = ea?.mode === TREE_MODE ? ea.oid : null;
  const tb = eb?.mode === TREE_MODE ? eb.oid : null;
  if (ta !== null || tb !== null) diffDir(db, ta, tb, node, `${path}/`, out);
}

function isFile(mode: string): boolean {
  return mode !== TREE_MODE && mode !== GITLINK_MODE;
}
