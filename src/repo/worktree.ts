import { createHash } from 'node:crypto';
import { join, sep } from 'node:path';
import { RepoError, isFsError } from './errors.js';
import type { Repo } from './open.js';
import { EVERYTHING } from './paths.js';
import type { PrefixNode } from './paths.js';

/**
 * Pass instead of a revision to read the files on disk.
 *
 * @example
 * const unsaved = await diffRefs(repo, 'HEAD', WORKTREE, ['registry/']);
 */
export const WORKTREE: unique symbol = Symbol('worktree');

/** A file's content, and its blob oid (as `git hash-object` would compute it). */
export interface FileContent {
  oid?: string;
  bytes: Uint8Array;
}

/**
 * The git blob oid of some bytes: sha1 of `blob <size>\0` and the bytes.
 *
 * @example
 * blobOid(new TextEncoder().encode('hello\n')); // 'ce013625030ba8dba906f756967f9e9ca394464a'
 */
export function blobOid(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Reads the work tree's files under the selected prefixes, with their blob oids. Nothing is
 * ignored (no `.gitignore`), except any `.git`; symlinks are followed only while they stay
 * inside the work tree (and out of the git directory), and each directory is read once.
 *
 * @throws RepoError `NO_WORKTREE` for a bare repository.
 */
export async function readWorktree(
  repo: Repo,
  node: PrefixNode,
): Promise<Map<string, FileContent>> {
  if (repo.dir === repo.gitdir) {
    throw new RepoError('NO_WORKTREE', `${repo.dir} is a bare repository`, { dir: repo.dir });
  }
  const fs = repo.fs.promises;
  const root = await fs.realpath(repo.dir);
  const gitdir = await fs.realpath(repo.gitdir).catch(() => repo.gitdir);
  const inside = (real: string) =>
    (real === root || real.startsWith(root + sep)) &&
    real !== gitdir &&
    !real.startsWith(gitdir + sep);
  const found: [string, FileContent][] = [];
  const seenDirs = new Set<string>();

  const visit = async (abs: string, rel: string, n: PrefixNode): Promise<void> => {
    let st;
    try {
      st = await fs.lstat(abs);
      if (st.isSymbolicLink()) {
        const real = await fs.realpath(abs);
        if (!inside(real)) return;
        st = await fs.stat(real);
      }
    } catch (e) {
      if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR') || isFsError(e, 'ELOOP')) return;
      throw e;
    }
    if (st.isDirectory()) {
      const real = await fs.realpath(abs);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      const prefix = rel === '' ? '' : `${rel}/`;
      if (n.full) {
        const names = await fs.readdir(abs);
        for (const name of names) {
          if (name !== '.git') await visit(join(abs, name), prefix + name, EVERYTHING);
        }
      } else {
        for (const child of n.children.values()) {
          if (child.name !== '.git') await visit(join(abs, child.name), prefix + child.name, child);
        }
      }
    } else if (st.isFile() && n.full && !n.dirOnly) {
      const bytes = await fs.readFile(abs);
      found.push([rel, { oid: blobOid(bytes), bytes }]);
    }
  };
  await visit(root, '', node);
  found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(found);
}
