import * as nodeFs from 'node:fs';
import git from 'isomorphic-git';
import { openRepo, type Repo } from './open.js';

/**
 * Create an empty repository whose HEAD is an unborn `branch`.
 * @example
 * const repo = await initRepo(dir); // then commitEdits(repo, { branch: 'main', expectedParent: null, ... })
 */
export async function initRepo(dir: string, branch = 'main'): Promise<Repo> {
  await git.init({ fs: nodeFs, dir, defaultBranch: branch });
  return openRepo(dir);
}
