import { dirname, join } from 'node:path';
import { RepoError, isFsError } from './errors.js';
import type { Repo } from './open.js';

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
 * Moves `ref` from `expected` (null: the ref must not exist) to `next`, as git does: create
 * `<ref>.lock` exclusively (waiting up to 1 s for another writer), re-read the ref under the
 * lock, write the new value into the lock file and rename it over the ref. If the ref is not
 * at `expected` nothing is written.
 *
 * @throws RepoError `BRANCH_MOVED` with `{expected, actual}`; `BRANCH_LOCKED` when the lock
 *   stays taken (a crashed writer leaves it behind, as with git).
 */
export async function compareAndSwapRef(
  repo: Repo,
  ref: string,
  expected: string | null,
  next: string,
  reflog?: { who: string; message: string },
): Promise<void> {
  const fs = repo.fs.promises;
  const path = join(repo.gitdir, ref);
  const lock = `${path}.lock`;
  try {
    await fs.mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw new RepoError('BAD_REF', `cannot create ${ref}`, { ref }, { cause: e });
  }
  const handle = await acquire(repo, lock, ref);
  let renamed = false;
  try {
    const actual = await readRefNow(repo, ref);
    if (actual !== expected) {
      throw new RepoError(
        'BRANCH_MOVED',
        `${ref} is at ${actual ?? '(none)'}, expected ${expected ?? '(none)'}`,
        { ref, expected, actual },
      );
    }
    await handle.writeFile(`${next}\n`);
    await handle.close();
    if (reflog) await appendReflog(repo, ref, expected, next, reflog);
    await fs.rename(lock, path);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await fs.unlink(lock).catch(() => undefined);
    }
  }
}

async function acquire(repo: Repo, lock: string, ref: string) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      return await repo.fs.promises.open(lock, 'wx');
    } catch (e) {
      if (!isFsError(e, 'EEXIST')) {
        throw new RepoError('BAD_REF', `cannot lock ${ref}`, { ref }, { cause: e });
      }
      if (Date.now() > deadline) {
        throw new RepoError(
          'BRANCH_LOCKED',
          `${ref} is locked by another writer (${lock} exists; remove it if no git process is running)`,
          { ref, lock },
        );
      }
      await new Promise((r) => setTimeout(r, wait));
    }
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
