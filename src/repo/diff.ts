import { dbOf } from './db.js';
import type { Repo } from './open.js';
import { compilePrefixes } from './paths.js';
import { listFiles, treeOf } from './snapshot.js';
import { diffTrees } from './tree-diff.js';
import type { FileChange } from './tree-diff.js';
import { WORKTREE, readWorktree } from './worktree.js';

/**
 * The files under the prefixes that differ from `base` to `head` (a revision, or `WORKTREE`
 * for the files on disk), sorted by path. Between two revisions, subtrees whose oids are
 * equal are skipped without being read; against the work tree, files are compared by blob oid.
 *
 * @example
 * const changes = await diffRefs(repo, 'origin/main', 'HEAD', ['registry/', 'policies/']);
 * // [{ path: 'registry/models/m1/deployment.yaml', status: 'modified', baseOid: '…', headOid: '…' }]
 * const pending = await diffRefs(repo, 'HEAD', WORKTREE, ['registry/']);
 */
export async function diffRefs(
  repo: Repo,
  base: string,
  head: string | typeof WORKTREE,
  prefixes: string[],
): Promise<FileChange[]> {
  const node = compilePrefixes(prefixes);
  if (head !== WORKTREE) {
    return diffTrees(dbOf(repo), await treeOf(repo, base), await treeOf(repo, head), node);
  }
  const before = new Map((await listFiles(repo, base, prefixes)).map((f) => [f.path, f.oid]));
  const after = await readWorktree(repo, node);
  const out: FileChange[] = [];
  for (const [path, file] of after) {
    const baseOid = before.get(path);
    before.delete(path);
    if (baseOid === undefined) out.push({ path, status: 'added', headOid: file.oid });
    else if (baseOid !== file.oid)
      out.push({ path, status: 'modified', baseOid, headOid: file.oid });
  }
  for (const [path, baseOid] of before) out.push({ path, status: 'removed', baseOid });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
