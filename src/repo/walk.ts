import type { Db } from './db.js';
import { GITLINK_MODE, TREE_MODE } from './objects/tree.js';
import { EVERYTHING } from './paths.js';
import type { PrefixNode } from './paths.js';

/** A file in a tree. `mode` is git's: `100644`, `100755` (executable) or `120000` (symlink). */
export interface TreeFile {
  path: string;
  oid: string;
  mode: string;
}

/**
 * Every file under the selected prefixes of a tree. Only subtrees that lead to a prefix are
 * read, and each one's entry is found in the raw parent tree without parsing it; subtrees
 * inside a prefix are listed whole. Submodules (gitlinks) are not files and are left out.
 */
export function walkFiles(db: Db, treeOid: string, node: PrefixNode, base = ''): TreeFile[] {
  const out: TreeFile[] = [];
  walk(db, treeOid, node, base, out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function walk(db: Db, treeOid: string, node: PrefixNode, base: string, out: TreeFile[]): void {
  if (node.full) {
    for (const e of db.tree(treeOid)) {
      if (e.mode === TREE_MODE) walk(db, e.oid, EVERYTHING, `${base}${e.name}/`, out);
      else if (e.mode !== GITLINK_MODE) out.push({ path: base + e.name, oid: e.oid, mode: e.mode });
    }
    return;
  }
  for (const child of node.children.values()) {
    const e = db.entry(treeOid, child.bytes);
    if (!e) continue;
    if (e.mode === TREE_MODE) walk(db, e.oid, child, `${base}${child.name}/`, out);
    else if (child.full && !child.dirOnly && e.mode !== GITLINK_MODE) {
      out.push({ path: base + child.name, oid: e.oid, mode: e.mode });
    }
  }
}
