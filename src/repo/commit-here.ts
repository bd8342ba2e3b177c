import { configuredIdentity, currentBranch } from './branches.js';
import { commitEdits, type RecordEdit } from './commit-edits.js';
import { RepoError } from './errors.js';
import { openRepo } from './open.js';
import { resolveRef } from './refs.js';

export interface Author {
  name: string;
  email: string;
  /** Seconds since the epoch; now when absent. */
  timestamp?: number;
  timezoneOffset?: number;
}

/**
 * Who a commit made by a command is by: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` from the given
 * environment, else the repository's `user.name`/`user.email`, else `mlops`; dated `at`
 * (the command's clock) in UTC.
 * @example
 * const author = await commitAuthor(root, process.env, new Date());
 */
export async function commitAuthor(
  root: string,
  env: Record<string, string | undefined>,
  at?: Date,
): Promise<Author> {
  const configured = await configuredIdentity(await openRepo(root));
  return {
    name: env.GIT_AUTHOR_NAME ?? configured.name ?? 'mlops',
    email: env.GIT_AUTHOR_EMAIL ?? configured.email ?? 'mlops@localhost',
    ...(at ? { timestamp: Math.floor(at.getTime() / 1000), timezoneOffset: 0 } : {}),
  };
}

/**
 * Commits edits as one transaction on the checked-out branch (or on `branch`, created from
 * HEAD when it does not exist, then checked out nowhere), updating the work tree when it is
 * the checked-out branch. The branch must still be where it was read.
 * @example
 * const { oid, branch } = await commitHere(root, author, edits, 'Register m 1.1.0', { Model: 'm' });
 */
export async function commitHere(
  root: string,
  author: Author,
  edits: RecordEdit[],
  message: string,
  trailers: Record<string, string>,
  opts: { branch?: string } = {},
): Promise<{ oid: string; branch: string }> {
  const repo = await openRepo(root);
  const checkedOut = await currentBranch(repo);
  const branch = opts.branch ?? checkedOut;
  if (!branch) {
    throw new RepoError('BAD_REF', 'HEAD is detached: check out a branch or name one', {});
  }
  const head = await resolveRef(repo, 'HEAD');
  let parent: string | null;
  try {
    parent = await resolveRef(repo, `refs/heads/${branch}`);
  } catch {
    parent = null;
  }
  const oid = await commitEdits(repo, {
    branch,
    expectedParent: parent,
    ...(parent === null ? { startPoint: head } : {}),
    edits,
    message,
    trailers,
    author,
    updateWorkTree: branch === checkedOut,
  });
  return { oid, branch };
}
