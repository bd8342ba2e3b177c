import { realpathSync } from 'node:fs';
import { readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DataError, isFsError } from './errors.js';

/** Folders a dataset may never be in or contain: git's own, and our cache. */
const RESERVED = new Set(['.git', '.mlops']);

/**
 * Checks a repository-relative path as a pointer or manifest names it and returns it with
 * `.` components and doubled slashes removed. `what` names it in messages.
 *
 * @example
 * checkRelPath('./datasets//iris.csv'); // 'datasets/iris.csv'
 * checkRelPath('../secrets'); // throws DataError PATH_OUTSIDE_REPO
 * @throws DataError `PATH_OUTSIDE_REPO` for an absolute path or one with `..`; `BAD_PATH` for
 *   an empty path, a backslash or NUL, or a `.git`/`.mlops` component.
 */
export function checkRelPath(path: string, what = 'path'): string {
  if (isAbsolute(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw outside(path, `${what} "${path}" is absolute; give it relative to the repository root`);
  }
  if (path.includes('\0') || path.includes('\\')) {
    throw new DataError('BAD_PATH', `${what} "${path}" contains a backslash or NUL`, { path });
  }
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw outside(path, `${what} "${path}" contains ".." and could lead outside the repository`);
  }
  if (parts.length === 0) {
    throw new DataError('BAD_PATH', `${what} "${path}" names the repository root itself`, {
      path,
    });
  }
  const reserved = parts.find((p) => RESERVED.has(p.toLowerCase()));
  if (reserved) {
    throw new DataError('BAD_PATH', `${what} "${path}" is inside ${reserved}/`, { path });
  }
  return parts.join('/');
}

/**
 * A path as a user typed it on the command line (relative to `cwd`, which lies in the
 * repository `root`), made repository-relative and checked as {@link checkRelPath} does. An
 * absolute path is refused even when it points into the repository, so that what is recorded
 * never depends on where the clone lives; so is one that climbs out with `..`.
 *
 * @example
 * pathFromCwd('/repo', '/repo/datasets', 'iris.csv'); // 'datasets/iris.csv'
 * pathFromCwd('/repo', '/repo', '../outside/x'); // throws DataError PATH_OUTSIDE_REPO
 * @throws DataError `PATH_OUTSIDE_REPO`, `BAD_PATH`
 */
export function pathFromCwd(root: string, cwd: string, arg: string): string {
  if (isAbsolute(arg) || /^[A-Za-z]:/.test(arg)) {
    throw outside(
      arg,
      `path "${arg}" is absolute; give it relative to where you are in the repository`,
    );
  }
  const rel = relative(root, resolve(cwd, arg)).split(sep).join('/');
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
    throw outside(arg, `path "${arg}" is outside the repository ${root}`);
  }
  // keep a trailing slash, which says "a directory"
  return checkRelPath(arg.endsWith('/') && rel !== '' ? `${rel}/` : rel || '.');
}

/** A data path made absolute, with its checked repository-relative form. */
export interface DataPath {
  /** Absolute path under the repository root (symlinks not resolved). */
  abs: string;
  /** Repository-relative, forward slashes. */
  rel: string;
}

/**
 * Resolves a repository-relative dataset path: checks it as {@link checkRelPath} does, then
 * resolves symlinks (of the path, or of its nearest existing ancestor when it does not exist
 * yet, as a checkout destination may not) and refuses it unless the real path is inside the
 * repository's real root.
 *
 * @example
 * const { abs, rel } = await resolveDataPath('/repo', 'datasets/images/');
 * // rel === 'datasets/images'
 * @throws DataError `PATH_OUTSIDE_REPO`, `BAD_PATH`
 */
export async function resolveDataPath(root: string, path: string): Promise<DataPath> {
  const rel = checkRelPath(path);
  const abs = join(root, rel);
  const realRoot = await realpath(root);
  const real = await realpathOfNearest(abs);
  assertInside(realRoot, real, rel);
  return { abs, rel };
}

/**
 * Refuses `real` (a resolved path) unless it is `realRoot` or inside it, and not inside its
 * `.git` or `.mlops`. `shown` names the path in the message.
 *
 * @throws DataError `PATH_OUTSIDE_REPO`, `BAD_PATH`
 */
export function assertInside(realRoot: string, real: string, shown: string): void {
  const r = relative(realRoot, real);
  if (r === '') return;
  if (r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r)) {
    throw outside(shown, `"${shown}" resolves to ${real}, outside the repository ${realRoot}`, {
      real,
    });
  }
  const first = r.split(sep)[0]!.toLowerCase();
  if (RESERVED.has(first)) {
    throw new DataError('BAD_PATH', `"${shown}" resolves into ${first}/`, { path: shown, real });
  }
}

/**
 * The real path of `abs`, or of its nearest existing ancestor joined with the rest. A
 * dangling symlink on the way is followed to where it points, since a write through it
 * would land there.
 */
export async function realpathOfNearest(abs: string): Promise<string> {
  let rest = '';
  let at = abs;
  for (let hops = 0; ;) {
    try {
      const real = await realpath(at);
      return rest ? join(real, rest) : real;
    } catch (e) {
      if (!isFsError(e, 'ENOENT') && !isFsError(e, 'ENOTDIR')) throw e;
      const target = await readlink(at).catch(() => null);
      if (target !== null) {
        if (++hops > 40) throw new DataError('SYMLINK_LOOP', `${abs}: too many symlinks`, {});
        at = resolve(dirname(at), target);
        continue;
      }
      const up = dirname(at);
      if (up === at) throw e;
      rest = rest ? join(basename(at), rest) : basename(at);
      at = up;
    }
  }
}

/** `realpathSync` that turns a dangling link into a clear `NOT_FOUND`. */
export function realpathOrThrow(abs: string, shown: string): string {
  try {
    return realpathSync(abs);
  } catch (e) {
    if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR')) {
      throw new DataError('NOT_FOUND', `"${shown}" is a symlink to nothing`, { path: shown });
    }
    if (isFsError(e, 'ELOOP')) {
      throw new DataError('SYMLINK_LOOP', `"${shown}" is a symlink loop`, { path: shown });
    }
    throw e;
  }
}

function outside(path: string, message: string, extra: Record<string, unknown> = {}): DataError {
  return new DataError('PATH_OUTSIDE_REPO', message, { path, ...extra });
}
