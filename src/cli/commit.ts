import {
  commitEdits,
  configuredIdentity,
  currentBranch,
  openRepo,
  resolveRef,
  type RecordEdit,
} from '../repo/index.js';
import { UsageError, type Io } from './io.js';

/**
 * Who a commit made by a command is by: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else the
 * repository's `user.name`/`user.email`, else `mlops`.
 */
async function author(root: string, io: Io): Promise<{ name: string; email: string }> {
  const configured = await configuredIdentity(await openRepo(root));
  return {
    name: io.env.GIT_AUTHOR_NAME ?? configured.name ?? 'mlops',
    email: io.env.GIT_AUTHOR_EMAIL ?? configured.email ?? 'mlops@localhost',
  };
}

/**
 * Commits edits as one transaction on the checked-out branch (or on `branch`, created from
 * HEAD when it does not exist, then checked out nowhere), updating the work tree when it is
 * the checked-out branch. The branch must still be where it was read.
 * @example
 * const { oid, branch } = await commitHere(root, io, edits, 'Register m 1.1.0', { Model: 'm' });
 */
export async function commitHere(
  root: string,
  io: Io,
  edits: RecordEdit[],
  message: string,
  trailers: Record<string, string>,
  opts: { branch?: string } = {},
): Promise<{ oid: string; branch: string }> {
  const repo = await openRepo(root);
  const checkedOut = await currentBranch(repo);
  const branch = opts.branch ?? checkedOut;
  if (!branch) throw new UsageError('HEAD is detached: check out a branch or pass --branch');
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
    author: await author(root, io),
    updateWorkTree: branch === checkedOut,
  });
  return { oid, branch };
}
