import { RECORD_ROOTS } from '../records/index.js';
import { WORKTREE, listFiles, readBlob, readFiles, resolveRef, type Repo } from '../repo/index.js';
import { RecordIndex } from './record-index.js';
import { WORKFLOW_ROOT } from './rules/workflows.js';

/** Everything validation reads: the record folders and the workflows. */
export const VALIDATED_ROOTS = [...RECORD_ROOTS, WORKFLOW_ROOT];

export type TreeRef = string | typeof WORKTREE;

export interface Tree {
  index: RecordIndex;
  /** The commit, or `worktree`. */
  id: string;
  /** Every validated file of the tree. */
  paths(): Promise<string[]>;
}

/**
 * One tree to validate or query. A commit is listed from git objects one
 * folder at a time and its blobs read only when asked; the work tree is read
 * from disk at once.
 */
export async function openTree(repo: Repo, ref: TreeRef): Promise<Tree> {
  if (ref === WORKTREE) {
    const files = await readFiles(repo, WORKTREE, VALIDATED_ROOTS);
    const all = [...files.keys()];
    const index = new RecordIndex({
      list: (prefix) => Promise.resolve(all.filter((p) => p.startsWith(prefix))),
      read: (p) => Promise.resolve(files.get(p)?.bytes),
    });
    return { id: 'worktree', index, paths: () => Promise.resolve(all) };
  }
  const oid = await resolveRef(repo, ref);
  const oids = new Map<string, string>();
  const list = async (prefixes: string[]) => {
    const files = await listFiles(repo, oid, prefixes);
    for (const f of files) oids.set(f.path, f.oid);
    return files.map((f) => f.path);
  };
  const index = new RecordIndex({
    list: (prefix) => list([prefix]),
    read: async (p) => {
      const blob = oids.get(p);
      return blob ? readBlob(repo, blob) : undefined;
    },
  });
  let everything: Promise<string[]> | undefined;
  const paths = () =>
    (everything ??= Promise.all(VALIDATED_ROOTS.map((r) => index.under(r))).then((r) => r.flat()));
  return { id: oid, index, paths };
}
