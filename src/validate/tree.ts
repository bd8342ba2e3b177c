import { RECORD_ROOTS } from '../records/index.js';
import { WORKTREE, listFiles, readBlob, readFiles, resolveRef, type Repo } from '../repo/index.js';
import { RecordIndex } from './record-index.js';
import { WORKFLOW_ROOT } from './rules/workflows.js';

/** Everything validation reads: the record folders and the workflows. */
export const VALIDATED_ROOTS = [...RECORD_ROOTS, WORKFLOW_ROOT];

export type TreeRef = string | typeof WORKTREE;

/**
 * The index of one tree. A commit is listed from git objects and its blobs
 * read only when a rule asks; the work tree is read from disk.
 */
export async function openTree(repo: Repo, ref: TreeRef): Promise<{ index: RecordIndex; id: string }> {
  if (ref === WORKTREE) {
    const files = await readFiles(repo, WORKTREE, VALIDATED_ROOTS);
    return {
      id: 'worktree',
      index: new RecordIndex(files.keys(), (p) => Promise.resolve(files.get(p)?.bytes)),
    };
  }
  const oid = await resolveRef(repo, ref);
  const files = await listFiles(repo, oid, VALIDATED_ROOTS);
  const oids = new Map(files.map((f) => [f.path, f.oid]));
  return {
    id: oid,
    index: new RecordIndex(oids.keys(), async (p) => {
      const blob = oids.get(p);
      return blob ? readBlob(repo, blob) : undefined;
    }),
  };
}
