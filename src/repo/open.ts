import * as nodeFs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { finishInterruptedSync } from './checkout-move.js';
import { RepoError, isFsError } from './errors.js';

/**
 * An opened repository: where it is, the file system it is read through, and the one `cache`
 * object passed to every isomorphic-git call (and keying our own object caches), so that a
 * command reads each pack and index once.
 */
export interface Repo {
  /** The work tree (for a bare repository, the same as `gitdir`). */
  dir: string;
  gitdir: string;
  fs: typeof nodeFs;
  cache: object;
}

/**
 * Opens the repository containing `dir`, walking up to the nearest `.git` (a directory, or a
 * file saying `gitdir: <path>`); a bare repository opens at its own directory. A work-tree
 * sync that a killed mlops command left half done is finished first
 * (`finishInterruptedSync`).
 *
 * @throws RepoError `NOT_A_REPO` when no repository contains `dir`.
 * @example
 * const repo = await openRepo(process.cwd());
 * const files = await listFiles(repo, 'HEAD', ['registry/']);
 */
export async function openRepo(dir: string): Promise<Repo> {
  const fs = nodeFs;
  const start = resolve(dir);
  for (let at = start; ; at = dirname(at)) {
    const gitdir = await findGitdir(fs, at);
    if (gitdir) {
      const repo = { dir: gitdir.bare ? gitdir.path : at, gitdir: gitdir.path, fs, cache: {} };
      // An mlops command killed while it moved the checked-out branch left the index and the
      // work tree half updated: finish that before anyone reads them. When it cannot be done
      // now (a git process holds the index), the next commit tries again and says why.
      await finishInterruptedSync(repo).catch(() => undefined);
      return repo;
    }
    if (dirname(at) === at) break;
  }
  throw new RepoError('NOT_A_REPO', `not a git repository (or any parent up to /): ${start}`, {
    dir: start,
  });
}

async function findGitdir(
  fs: typeof nodeFs,
  at: string,
): Promise<{ path: string; bare: boolean } | undefined> {
  const dotGit = join(at, '.git');
  try {
    const st = await fs.promises.stat(dotGit);
    if (st.isDirectory() && (await looksLikeGitdir(fs, dotGit)))
      return { path: dotGit, bare: false };
    if (st.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(await fs.promises.readFile(dotGit, 'utf8'));
      if (m) return { path: resolve(at, m[1]!), bare: false };
    }
  } catch (e) {
    if (!isFsError(e, 'ENOENT') && !isFsError(e, 'ENOTDIR')) throw e;
  }
  // A bare repository: the directory itself holds HEAD, objects/ and refs/.
  if (await looksLikeGitdir(fs, at)) return { path: at, bare: true };
  return undefined;
}

async function looksLikeGitdir(fs: typeof nodeFs, dir: string): Promise<boolean> {
  const exists = (p: string) =>
    fs.promises.stat(join(dir, p)).then(
      () => true,
      () => false,
    );
  return (await exists('HEAD')) && (await exists('objects')) && (await exists('refs'));
}

/** True when the repository has no work tree. */
export function isBare(repo: Repo): boolean {
  return repo.dir === repo.gitdir;
}
