import { dirname, join } from 'node:path';
import { RepoError, isFsError } from './errors.js';
import type { Repo } from './open.js';
import { takeLock } from './owned-lock.js';

const LOCK_WAIT_MS = 1000;

/**
 * Checks a branch name the way `git check-ref-format --branch` would, and returns the full
 * ref name (`refs/heads/<branch>`); `refs/heads/x` is accepted as `x`.
 *
 * @throws RepoError `BAD_REF`
 */
export function branchRef(branch: string): string {
  const name = branch.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch;
  const bad =
    name === '' ||
    name === '@' ||
    name.startsWith('-') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.includes('..') ||
    name.includes('@{') ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20~^:?*[\\\x7f]/.test(name) ||
    name.split('/').some((c) => c === '' || c.startsWith('.') || c.endsWith('.lock'));
  if (bad) throw new RepoError('BAD_REF', `invalid branch name "${branch}"`, { ref: branch });
  return `refs/heads/${name}`;
}

/** The oid a ref points at now, read fresh (loose file first, then `packed-refs`), or null. */
export async function readRefNow(repo: Repo, ref: string): Promise<string | null> {
  try {
    const text = (await repo.fs.promises.readFile(join(repo.gitdir, ref), 'utf8')).trim();
    if (/^[0-9a-f]{40}$/.test(text)) return text;
    throw new RepoError('BAD_REF', `${ref} does not hold an object name: "${text}"`, { ref });
  } catch (e) {
    if (!isFsError(e, 'ENOENT') && !isFsError(e, 'ENOTDIR') && !isFsError(e, 'EISDIR')) throw e;
  }
  let packed = '';
  try {
    packed = await repo.fs.promises.readFile(join(repo.gitdir, 'packed-refs'), 'utf8');
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw e;
  }
  for (const line of packed.split('\n')) {
    if (line.length > 41 && line.slice(41) === ref && line[40] === ' ') return line.slice(0, 40);
  }
  return null;
}

/**
 * {@link readRefNow} without waiting: the oid a ref (`main` or `refs/heads/main`) points at
 * now, or null.
 */
export function readRefNowSync(repo: Repo, branch: string): string | null {
  const ref = branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
  try {
    const text = repo.fs.readFileSync(join(repo.gitdir, ref), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(text)) return text;
  } catch (e) {
    if (!isFsError(e, 'ENOENT') && !isFsError(e, 'ENOTDIR') && !isFsError(e, 'EISDIR')) throw e;
  }
  let packed = '';
  try {
    packed = repo.fs.readFileSync(join(repo.gitdir, 'packed-refs'), 'utf8');
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw e;
  }
  for (const line of packed.split('\n')) {
    if (line.length > 41 && line.slice(41) === ref && line[40] === ' ') return line.slice(0, 40);
  }
  return null;
}

/**
 * Moves `ref` from `expected` (null: the ref must not exist) to `next`, as git does: create
 * `<ref>.lock` exclusively, already holding the new value (waiting up to 1 s for another
 * writer), re-read the ref under the lock, and rename the lock over the ref. If the ref is
 * not at `expected` nothing is written. The lock carries an owner mark
 * ({@link takeLock}), so a lock left by a killed mlops process is removed by the next one
 * instead of blocking the branch.
 *
 * @throws RepoError `BRANCH_MOVED` with `{expected, actual}`; `BRANCH_LOCKED` when the lock
 *   stays taken (by a live process, or a crashed git process, which leaves it behind).
 */
export async function compareAndSwapRef(
  repo: Repo,
  ref: string,
  expected: string | null,
  next: string,
  reflog?: { who: string; message: string },
): Promise<void> {
  const path = join(repo.gitdir, ref);
  const lockPath = `${path}.lock`;
  try {
    await repo.fs.promises.mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw new RepoError('BAD_REF', `cannot create ${ref}`, { ref }, { cause: e });
  }
  let lock;
  try {
    lock = await takeLock(
      repo,
      lockPath,
      `${next}\n`,
      LOCK_WAIT_MS,
      () =>
        new RepoError(
          'BRANCH_LOCKED',
          `${ref} is locked by another writer (${lockPath} exists; remove it if no git process is running)`,
          { ref, lock: lockPath },
        ),
    );
  } catch (e) {
    if (e instanceof RepoError) throw e;
    throw new RepoError('BAD_REF', `cannot lock ${ref}`, { ref }, { cause: e });
  }
  let done = false;
  try {
    const actual = await readRefNow(repo, ref);
    if (actual !== expected) {
      throw new RepoError(
        'BRANCH_MOVED',
        `${ref} is at ${actual ?? '(none)'}, expected ${expected ?? '(none)'}`,
        { ref, expected, actual },
      );
    }
    if (reflog) await appendReflog(repo, ref, expected, next, reflog);
    done = true;
    await lock.commit(path);
  } finally {
    if (!done) await lock.release();
  }
}

/** Appends to `logs/<ref>` (and `logs/HEAD` when HEAD points at the ref), as git does. */
async function appendReflog(
  repo: Repo,
  ref: string,
  from: string | null,
  to: string,
  entry: { who: string; message: string },
): Promise<void> {
  if (repo.dir === repo.gitdir) return; // bare: git keeps no reflogs by default
  const line = `${from ?? '0'.repeat(40)} ${to} ${entry.who}\t${entry.message}\n`;
  const fs = repo.fs.promises;
  const targets = [join(repo.gitdir, 'logs', ref)];
  const head = await fs.readFile(join(repo.gitdir, 'HEAD'), 'utf8').catch(() => '');
  if (head.trim() === `ref: ${ref}`) targets.push(join(repo.gitdir, 'logs', 'HEAD'));
  for (const target of targets) {
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.appendFile(target, line);
  }
}
