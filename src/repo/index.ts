/**
 * `repo/` — the database over git. Every query reads git objects at a revision (never the
 * work tree unless `WORKTREE` is asked for); every write is one commit made from objects
 * (each written whole) and a compare-and-swap of the branch; a checked-out branch's index
 * and work tree follow in an order a killed command leaves recoverable (`checkout-move.ts`),
 * and the next command that opens the repository finishes what it left.
 *
 * Reads go through our own object reader (`objects/`: loose objects, packs with their
 * indexes, deltas) with caches kept per opened repository; isomorphic-git resolves refs and
 * writes objects, always given the repository's one shared `cache`.
 *
 * @example
 * import { openRepo, listFiles, readBlob, history, commitEdits, resolveRef } from './repo/index.js';
 * const repo = await openRepo('.');
 * for (const f of await listFiles(repo, 'main', ['registry/models/m1/'])) {
 *   console.log(f.path, (await readBlob(repo, f.oid)).length);
 * }
 */
export { RepoError } from './errors.js';
export type { RepoErrorCode } from './errors.js';
export { openRepo } from './open.js';
export type { Repo } from './open.js';
export { resolveRef, resolveDate } from './refs.js';
export { listFiles, readBlob, readFiles } from './snapshot.js';
export type { TreeFile } from './walk.js';
export { WORKTREE, blobOid } from './worktree.js';
export type { FileContent } from './worktree.js';
export { diffRefs } from './diff.js';
export type { FileChange } from './tree-diff.js';
export { parseTrailers, formatCommitMessage } from './trailers.js';
export type { Trailers } from './trailers.js';
export { history } from './history.js';
export type { HistoryEntry, HistoryOptions } from './history.js';
export type { Signature } from './objects/commit.js';
export { commitEdits } from './commit-edits.js';
export { finishInterruptedSync, moveCheckedOutBranch } from './checkout-move.js';
export { atomicGitFs } from './atomic-file.js';
export type { RecordEdit, CommitEditsOptions } from './commit-edits.js';
export { initRepo } from './init.js';
export { mergeBase } from './merge-base.js';
export { listBranches, currentBranch, configuredIdentity, remoteUrl } from './branches.js';
export { commitHere, commitAuthor } from './commit-here.js';
export type { Author } from './commit-here.js';
export { readWorktreeRecord, readWorktreeFolder } from './worktree-records.js';
