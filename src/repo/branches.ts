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

/**
 * The checked-out branch's short name (`main`), or null when HEAD is detached.
 * @example
 * const branch = (await currentBranch(repo)) ?? 'main';
 */
export async function currentBranch(repo: Repo): Promise<string | null> {
  const head = await repo.fs.promises.readFile(`${repo.gitdir}/HEAD`, 'utf8');
  const m = /^ref: refs\/heads\/(.+)$/.exec(head.trim());
  return m ? m[1]! : null;
}

/**
 * `user.name` and `user.email` from the repository's own config, where set.
 * @example
 * const { name, email } = await configuredIdentity(repo);
 */
export async function configuredIdentity(repo: Repo): Promise<{ name?: string; email?: string }> {
  const get = async (path: string) =>
    (await git.getConfig({ fs: repo.fs, gitdir: repo.gitdir, path })) as string | undefined;
  return { name: await get('user.name'), email: await get('user.email') };
}

/**
 * The URL of a configured remote (`remote.<name>.url`), or undefined when there is none.
 * @example
 * await remoteUrl(repo) // 'git@github.com:acme/models.git'
 */
export async function remoteUrl(repo: Repo, name = 'origin'): Promise<string | undefined> {
  const url = (await git.getConfig({
    fs: repo.fs,
    gitdir: repo.gitdir,
    path: `remote.${name}.url`,
  })) as string | undefined;
  return url || undefined;
}
