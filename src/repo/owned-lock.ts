import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { OWNER, createExclusive, ownerIsGone, writeFileAtomic } from './atomic-file.js';
import { isFsError } from './errors.js';
import type { Repo } from './open.js';

/** A git lock file (`<file>.lock`) this process holds. */
export interface OwnedLock {
  /** Renames the lock over `target` (git's commit of a lock), then forgets the owner mark. */
  commit(target: string): Promise<void>;
  /** Removes the lock without using it. */
  release(): Promise<void>;
}

/** What a holder writes beside its lock: who it is, which lock, and a hash of its bytes. */
interface OwnerMark {
  pid: number;
  host: string;
  lock: string;
  sha1: string;
}

function marksDir(repo: Repo): string {
  return join(repo.gitdir, 'mlops', 'locks');
}

/**
 * Takes a git lock file the way git does (created exclusively, holding the new content, then
 * renamed over the file it locks), and leaves an owner mark under `.git/mlops/locks/` first,
 * so a lock left by a killed process can be told from a live one: when the lock is taken,
 * and the mark of a process that is gone names it with the same bytes, the lock is that
 * process's leftover and is removed. Otherwise it waits up to `waitMs` for the holder, as
 * git's own users do, then throws `busy()`.
 *
 * @example
 * const lock = await takeLock(repo, `${indexPath}.lock`, bytes, 1000, () => new Error('locked'));
 * await lock.commit(indexPath);
 */
export async function takeLock(
  repo: Repo,
  lockPath: string,
  content: Uint8Array | string,
  waitMs: number,
  busy: () => Error,
): Promise<OwnedLock> {
  const fs = repo.fs.promises;
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const mark: OwnerMark = { ...OWNER, lock: lockPath, sha1: sha1(bytes) };
  await fs.mkdir(marksDir(repo), { recursive: true });
  const markPath = join(marksDir(repo), `${OWNER.pid}-${randomBytes(6).toString('hex')}.json`);
  await writeFileAtomic(repo, markPath, JSON.stringify(mark));
  const forget = () => fs.unlink(markPath).catch(() => undefined);
  const deadline = Date.now() + waitMs;
  try {
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      if (await createExclusive(repo, lockPath, bytes)) break;
      if (await breakDeadLock(repo, lockPath)) continue;
      if (Date.now() > deadline) throw busy();
      await new Promise((r) => setTimeout(r, wait));
    }
  } catch (e) {
    await forget();
    throw e;
  }
  return {
    async commit(target) {
      try {
        await fs.rename(lockPath, target);
      } catch (e) {
        await fs.unlink(lockPath).catch(() => undefined);
        await forget();
        throw e;
      }
      await forget();
    },
    async release() {
      await fs.unlink(lockPath).catch(() => undefined);
      await forget();
    },
  };
}

/**
 * Removes `lockPath` when it is the leftover of a process that is gone (its owner mark says
 * so and the bytes match), and forgets the marks of gone processes for that lock.
 * @returns true when the lock was removed
 */
export async function breakDeadLock(repo: Repo, lockPath: string): Promise<boolean> {
  const fs = repo.fs.promises;
  let names: string[];
  try {
    names = await fs.readdir(marksDir(repo));
  } catch {
    return false;
  }
  let held: Buffer | undefined;
  try {
    held = await fs.readFile(lockPath);
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw e;
  }
  let broke = false;
  for (const name of names) {
    const path = join(marksDir(repo), name);
    const mark = await readMark(repo, path);
    if (!mark || mark.lock !== lockPath || !ownerIsGone(mark)) continue;
    if (held && !broke && sha1(held) === mark.sha1) {
      await fs.unlink(lockPath).catch(() => undefined);
      broke = true;
    }
    await fs.unlink(path).catch(() => undefined);
  }
  return broke;
}

/** Forgets every owner mark of a process that is gone whose lock no longer exists. */
export async function sweepDeadMarks(repo: Repo): Promise<void> {
  const fs = repo.fs.promises;
  let names: string[];
  try {
    names = await fs.readdir(marksDir(repo));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(marksDir(repo), name);
    const mark = await readMark(repo, path);
    if (!mark) continue;
    if (!ownerIsGone(mark)) continue;
    if (!(await breakDeadLock(repo, mark.lock))) await fs.unlink(path).catch(() => undefined);
  }
}

async function readMark(repo: Repo, path: string): Promise<OwnerMark | undefined> {
  try {
    const m = JSON.parse(await repo.fs.promises.readFile(path, 'utf8')) as Partial<OwnerMark>;
    return typeof m.lock === 'string' && typeof m.sha1 === 'string' ? (m as OwnerMark) : undefined;
  } catch {
    return undefined;
  }
}

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}
