import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isFsError } from './errors.js';
import type { FsClient } from 'isomorphic-git';
import type { Repo } from './open.js';

/** Where temp files are made: inside the git directory, so a killed writer's leftovers never
 * show in `git status`; `<pid>-<random>` names say whose they are. */
export function tempDir(repo: Repo): string {
  return join(repo.gitdir, 'mlops', 'tmp');
}

/** A fresh temp path in {@link tempDir} (the folder is created). */
export async function tempPath(repo: Repo): Promise<string> {
  const dir = tempDir(repo);
  await repo.fs.promises.mkdir(dir, { recursive: true });
  return join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Writes a file so that a reader (or a process killed midway) sees either the old file or
 * the whole new one, never a partial or empty file: the bytes go to a temp file, which is
 * then renamed over `path`. The temp file lives under the git directory (same file system
 * as the repository, out of `git status`); where the work tree is on another file system it
 * goes beside `path` instead. `symlink` writes a symbolic link to the given target.
 *
 * @example
 * await writeFileAtomic(repo, join(repo.dir, 'registry/models/m/deployment.yaml'), bytes);
 */
export async function writeFileAtomic(
  repo: Repo,
  path: string,
  bytes: Uint8Array | string,
  opts: { mode?: number; symlink?: boolean } = {},
): Promise<void> {
  const tmp = await tempPath(repo);
  try {
    await place(repo, tmp, path, bytes, opts);
  } catch (e) {
    if (!isFsError(e, 'EXDEV')) throw e;
    const beside = join(dirname(path), `.${basename(path)}.mlops-${basename(tmp)}`);
    await place(repo, beside, path, bytes, opts);
  }
}

async function place(
  repo: Repo,
  tmp: string,
  path: string,
  bytes: Uint8Array | string,
  opts: { mode?: number; symlink?: boolean },
): Promise<void> {
  const fs = repo.fs.promises;
  try {
    if (opts.symlink) await fs.symlink(String(Buffer.from(bytes)), tmp);
    else await fs.writeFile(tmp, bytes, { mode: opts.mode ?? 0o644 });
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Creates `path` holding `bytes` only if it does not exist, in one step: the bytes are
 * written to a temp file first and hard-linked into place, so the file is never seen empty
 * or half written (a lock file that names its owner, or the ref value it will become).
 * Where hard links are not supported, falls back to an exclusive create and write.
 *
 * @returns false when `path` already exists
 * @example
 * if (!(await createExclusive(repo, lock, `${oid}\n`))) throw new Error('locked');
 */
export async function createExclusive(
  repo: Repo,
  path: string,
  bytes: Uint8Array | string,
): Promise<boolean> {
  const fs = repo.fs.promises;
  const tmp = await tempPath(repo);
  await fs.writeFile(tmp, bytes);
  try {
    await fs.link(tmp, path);
    return true;
  } catch (e) {
    if (isFsError(e, 'EEXIST')) return false;
    if (!isFsError(e, 'EPERM') && !isFsError(e, 'ENOSYS') && !isFsError(e, 'EXDEV')) throw e;
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
  try {
    await fs.writeFile(path, bytes, { flag: 'wx' });
    return true;
  } catch (e) {
    if (isFsError(e, 'EEXIST')) return false;
    throw e;
  }
}

/** This process's mark in lock and journal files: the process id and the host. */
export const OWNER = { pid: process.pid, host: hostname() };

/**
 * Whether the process that wrote an owner mark is gone: same host, and no process with its
 * id. A mark from another host is taken as alive (we cannot tell).
 */
export function ownerIsGone(owner: { pid?: unknown; host?: unknown }): boolean {
  if (owner.host !== OWNER.host || typeof owner.pid !== 'number') return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return isFsError(e, 'ESRCH');
  }
}

/** Removes the temp files of processes that are gone (what a killed writer left). */
export async function removeDeadTemps(repo: Repo): Promise<void> {
  const fs = repo.fs.promises;
  let names: string[];
  try {
    names = await fs.readdir(tempDir(repo));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^([0-9]+)-/.exec(name)?.[1]);
    if (pid && ownerIsGone({ pid, host: OWNER.host })) {
      await fs.rm(join(tempDir(repo), name), { force: true }).catch(() => undefined);
    }
  }
}

/**
 * A file system for isomorphic-git whose `writeFile` is atomic ({@link writeFileAtomic}):
 * the objects it writes (blobs, trees, commits, a merge's results) are never left empty or
 * truncated by a killed process. That matters because isomorphic-git skips writing an object
 * whose file exists, so a truncated one would stay and break the next commit that reuses it.
 *
 * @example
 * await git.writeBlob({ fs: atomicGitFs(repo), dir: repo.dir, gitdir: repo.gitdir, blob });
 */
export function atomicGitFs(repo: Repo): FsClient {
  let made = wrapped.get(repo.cache);
  if (!made) {
    const p = nodeFs.promises;
    const promises = {
      readFile: p.readFile.bind(p),
      writeFile: (path: string, data: Uint8Array | string) => writeFileAtomic(repo, path, data),
      mkdir: p.mkdir.bind(p),
      rmdir: p.rmdir.bind(p),
      rm: p.rm.bind(p),
      unlink: p.unlink.bind(p),
      stat: p.stat.bind(p),
      lstat: p.lstat.bind(p),
      readdir: p.readdir.bind(p),
      readlink: p.readlink.bind(p),
      symlink: p.symlink.bind(p),
    };
    made = { promises };
    wrapped.set(repo.cache, made);
  }
  return made;
}

const wrapped = new WeakMap<object, FsClient>();
