import { ForgeError, type Forge } from '../forge/index.js';
import { WORKTREE, history, type Repo } from '../repo/index.js';
import type { Registration } from './types.js';

/**
 * Who registered a version, as the forge vouches for it: the newest commit of the head's
 * history that touched `registry/models/<model>/versions/<version>.yaml` (the record is
 * immutable, so that is the commit that added it: its registration), looked up through the
 * forge. The walk stops at that commit, so a recent registration costs a few commit reads.
 * @example
 * input.registration = await readRegistration(repo, forge, { head: pr.headSha, model: 'm', version: '1.1.0' });
 */
export async function readRegistration(
  repo: Repo,
  forge: Pick<Forge, 'kind' | 'getCommit'>,
  target: { head: string | typeof WORKTREE; model: string; version: string },
): Promise<Registration> {
  const path = `registry/models/${target.model}/versions/${target.version}.yaml`;
  const ref = target.head === WORKTREE ? 'HEAD' : target.head;
  // the newest commit that touched the record made it what it is: its registration (a later
  // edit of an immutable record, which validation refuses, makes its author the registrant)
  const [added] = await history(repo, { ref, paths: [path], limit: 1 });
  if (!added)
    return { commit: null, author: null, committer: null, verified: null, forge: forge.kind };
  const c = await forge.getCommit(added.oid).catch((e: unknown) => {
    // a commit the forge does not have (never pushed): nobody vouches for it
    if (e instanceof ForgeError && (e.code === 'NOT_FOUND' || e.code === 'INVALID'))
      return { author: null, committer: null, verified: false };
    throw e;
  });
  return {
    commit: added.oid,
    author: c.author,
    committer: c.committer,
    verified: c.verified,
    forge: forge.kind,
  };
}
