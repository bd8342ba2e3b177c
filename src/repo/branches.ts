import git from 'isomorphic-git';
import type { Repo } from './open.js';

/**
 * The local branches, by name.
 * @example
 * for (const b of await listBranches(repo)) console.log(b);
 */
export async function listBranches(repo: Repo): Promise<string[]> {
  return git.listBranches({ fs: repo.fs, gitdir: repo.gitdir });
}
