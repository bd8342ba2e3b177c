import { join } from 'node:path';
import git from 'isomorphic-git';
import { atomicGitFs } from './atomic-file.js';
import { finishInterruptedSync, moveCheckedOutBranch } from './checkout-move.js';
import { dbOf } from './db.js';
import type { Db } from './db.js';
import { RepoError } from './errors.js';
import { TREE_MODE } from './objects/tree.js';
import type { Repo } from './open.js';
import { validateEditPath } from './paths.js';
import { branchRef, compareAndSwapRef, readRefNow } from './ref-lock.js';
import { resolveRef } from './refs.js';
import { formatCommitMessage } from './trailers.js';

/** One file to write (UTF-8 text) or delete in a commit. */
export type RecordEdit = { path: string; content: string } | { path: string; delete: true };

export interface CommitEditsOptions {
  /** The branch to commit on (`main` or `refs/heads/main`). */
  branch: string;
  /** The commit the branch must be at; `null` means it must not exist yet. */
  expectedParent: string | null;
  /** For a new branch (`expectedParent: null`): the commit it starts from, which becomes the
   * new commit's parent. Without it the new commit is a root commit. */
  startPoint?: string;
  /**
   * The commit the new one is built on, when it is not the branch's tip: a tool-owned branch
   * (`promote/<model>/<version>`) is rebuilt from the base this way, replacing what it held.
   * The branch still moves only if it is at `expectedParent`.
   */
  parent?: string;
  edits: RecordEdit[];
  /** Subject and body; the trailers are appended as its last paragraph. */
  message: string;
  trailers?: Record<string, string | string[]>;
  /** Author and committer. Time defaults to now, the offset to this machine's. */
  author: { name: string; email: string; timestamp?: number; timezoneOffset?: number };
  /**
   * Also bring the index and the work tree along (the branch must be checked out): see
   * `moveCheckedOutBranch` for the order that keeps a killed command recoverable. Files the
   * user changed, and entries the user staged, are left as they are.
   */
  updateWorkTree?: boolean;
}

type Tree = Map<string, { mode: string; oid: string }>;
type Plan = Map<string, string | null | Plan>; // name → new content, null to delete, or the edits below

/**
 * Commits edits on a branch as one transaction. The new tree is the parent's tree with the
 * edits applied, written as objects directly (no index, no work tree); then the branch moves
 * only if it still points at `expectedParent`, checked under git's `<ref>.lock`. On
 * `BRANCH_MOVED` nothing visible changed (unreferenced objects are left for `git gc`), so the
 * caller can re-read the branch, re-plan and retry. Edits may leave the tree unchanged; the
 * commit is still made (a recorded decision with only trailers is a valid audit entry).
 *
 * A new branch (`expectedParent: null`) starts at `startPoint` when one is given. Objects are
 * written whole (temp file, then rename), so a kill never leaves a truncated one behind, and a
 * sync of the work tree that a killed command left half done is finished first.
 *
 * @returns the new commit's oid
 * @throws RepoError `BRANCH_MOVED` (`data: {expected, actual}`), `BRANCH_LOCKED`, `BAD_PATH`
 *   (invalid path, edited twice, a file where a directory is needed or the reverse, deleting
 *   what is not there), `BAD_TRAILER`, `BAD_MESSAGE`, `BAD_REF`, `NOT_CHECKED_OUT`; with `updateWorkTree`,
 *   `INDEX_LOCKED`, `UNSUPPORTED_INDEX`, `SYNC_IN_PROGRESS`.
 * @example
 * const head = await resolveRef(repo, 'main');
 * const oid = await commitEdits(repo, {
 *   branch: 'main',
 *   expectedParent: head,
 *   edits: [{ path: 'registry/models/m1/deployment.yaml', content: yamlText }],
 *   message: 'promote m1 2.1.0 to production',
 *   trailers: { Model: 'm1', Version: '2.1.0', Stage: 'Production', 'Approved-by': ['ana'] },
 *   author: { name: 'mlops-bot', email: 'bot@example.com' },
 * });
 */
export async function commitEdits(repo: Repo, opts: CommitEditsOptions): Promise<string> {
  const ref = branchRef(opts.branch);
  if (opts.message.trim() === '') throw new RepoError('BAD_MESSAGE', 'commit message is empty');
  const message = formatCommitMessage(opts.message, opts.trailers);
  const plan = planEdits(opts.edits);
  if (opts.updateWorkTree) await assertCheckedOut(repo, ref);
  // a command killed while it moved the checked-out branch left its sync for us to finish
  await finishInterruptedSync(repo);
  const db = dbOf(repo);
  const expected = opts.expectedParent;
  // Fail early when the branch has already moved; the check that counts is under the lock.
  const now = await readRefNow(repo, ref);
  if (now !== expected) {
    throw new RepoError(
      'BRANCH_MOVED',
      `${ref} is at ${now ?? '(none)'}, expected ${expected ?? '(none)'}`,
      {
        ref,
        expected,
        actual: now,
      },
    );
  }
  const parent =
    opts.parent !== undefined
      ? await resolveRef(repo, opts.parent)
      : (expected ??
        (opts.startPoint === undefined ? null : await resolveRef(repo, opts.startPoint)));
  const baseTree = parent === null ? null : db.header(parent).tree;
  const tree = (await writeTree(repo, db, baseTree, plan, '')) ?? (await emptyTree(repo));
  const timestamp = opts.author.timestamp ?? Math.floor(Date.now() / 1000);
  const who = {
    name: opts.author.name,
    email: opts.author.email,
    timestamp,
    timezoneOffset: opts.author.timezoneOffset ?? new Date(timestamp * 1000).getTimezoneOffset(),
  };
  const oid = await git.writeCommit({
    fs: atomicGitFs(repo),
    dir: repo.dir,
    gitdir: repo.gitdir,
    commit: { message, tree, parent: parent === null ? [] : [parent], author: who, committer: who },
  });
  const subject = message.split('\n')[0]!;
  const reflog = {
    who: `${who.name} <${who.email}> ${timestamp} ${formatOffset(who.timezoneOffset)}`,
    message: `commit${parent === null ? ' (initial)' : ''}: ${subject}`,
  };
  if (opts.updateWorkTree) await moveCheckedOutBranch(repo, ref, expected, oid, reflog);
  else await compareAndSwapRef(repo, ref, expected, oid, reflog);
  return oid;
}

/** Groups edits by directory, refusing bad paths and paths edited twice or both file and dir. */
function planEdits(edits: RecordEdit[]): Plan {
  const root: Plan = new Map();
  for (const edit of edits) {
    validateEditPath(edit.path);
    const parts = edit.path.split('/');
    let dir = root;
    for (const name of parts.slice(0, -1)) {
      let sub = dir.get(name);
      if (sub === undefined) dir.set(name, (sub = new Map()));
      if (!(sub instanceof Map)) conflict(edit.path, 'is edited both as a file and as a directory');
      dir = sub;
    }
    const leaf = parts.at(-1)!;
    if (dir.has(leaf)) conflict(edit.path, 'is edited twice, or both as a file and as a directory');
    dir.set(leaf, 'delete' in edit ? null : edit.content);
  }
  return root;
}

/** Writes the tree `base` with `plan` applied; null when it ends up empty. */
async function writeTree(
  repo: Repo,
  db: Db,
  base: string | null,
  plan: Plan,
  dir: string,
): Promise<string | null> {
  const entries: Tree = new Map(base ? db.tree(base).map((e) => [e.name, e]) : []);
  for (const [name, change] of plan) {
    const path = dir + name;
    const old = entries.get(name);
    if (change instanceof Map) {
      if (old && old.mode !== TREE_MODE) conflict(path, 'is a file in the parent, not a directory');
      const sub = await writeTree(repo, db, old?.oid ?? null, change, `${path}/`);
      if (sub === null) entries.delete(name);
      else entries.set(name, { mode: TREE_MODE, oid: sub });
    } else if (change === null) {
      if (!old || old.mode === TREE_MODE)
        conflict(path, 'is not a file in the parent, cannot delete it');
      entries.delete(name);
    } else {
      if (old?.mode === TREE_MODE) conflict(path, 'is a directory in the parent');
      const oid = await git.writeBlob({
        fs: atomicGitFs(repo),
        dir: repo.dir,
        gitdir: repo.gitdir,
        blob: new TextEncoder().encode(change),
      });
      entries.set(name, { mode: old?.mode === '100755' ? '100755' : '100644', oid });
    }
  }
  if (entries.size === 0) return null;
  return git.writeTree({
    fs: atomicGitFs(repo),
    dir: repo.dir,
    gitdir: repo.gitdir,
    tree: [...entries].map(([path, e]) => ({
      path,
      mode: e.mode,
      oid: e.oid,
      type:
        e.mode === TREE_MODE
          ? ('tree' as const)
          : e.mode === '160000'
            ? ('commit' as const)
            : ('blob' as const),
    })),
  });
}

function emptyTree(repo: Repo): Promise<string> {
  return git.writeTree({ fs: atomicGitFs(repo), dir: repo.dir, gitdir: repo.gitdir, tree: [] });
}

async function assertCheckedOut(repo: Repo, ref: string): Promise<void> {
  if (repo.dir === repo.gitdir) {
    throw new RepoError('NO_WORKTREE', `${repo.dir} is a bare repository`, { dir: repo.dir });
  }
  const head = await repo.fs.promises.readFile(join(repo.gitdir, 'HEAD'), 'utf8');
  if (head.trim() !== `ref: ${ref}`) {
    throw new RepoError('NOT_CHECKED_OUT', `${ref} is not the checked-out branch`, {
      ref,
      head: head.trim(),
    });
  }
}

function conflict(path: string, why: string): never {
  throw new RepoError('BAD_PATH', `path "${path}" ${why}`, { path });
}

/** `-60` (minutes behind UTC) → `+0100`, as git writes offsets. */
function formatOffset(minutesBehind: number): string {
  const m = Math.abs(minutesBehind);
  const sign = minutesBehind > 0 ? '-' : '+';
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
}
