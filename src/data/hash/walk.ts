import { readdirSync, statSync, type BigIntStats, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { DataError, isFsError } from '../errors.js';
import { assertInside, checkRelPath, realpathOrThrow } from '../paths.js';
import type { StatKey } from './stat-cache.js';

/** One file found by a walk: where it is, and its stat identity (symlinks followed). */
export interface WalkedFile {
  /** Repository-relative path, forward slashes (the link's path when reached by a link). */
  rel: string;
  abs: string;
  st: StatKey;
}

/**
 * Every file under a repository-relative directory, sorted by path in code point order
 * (as DVC and Python sort). Symlinks are followed when they resolve inside the repository
 * and refused otherwise; a dangling link, a link cycle, or anything that is neither a file
 * nor a directory (socket, FIFO, device) is an error: nothing is skipped silently.
 *
 * @throws DataError `PATH_OUTSIDE_REPO`, `NOT_FOUND`, `SYMLINK_LOOP`, `UNSUPPORTED_FILE`
 */
export function walkDirectory(root: string, realRoot: string, dir: string): WalkedFile[] {
  const out: WalkedFile[] = [];
  const top = join(root, dir);
  const real = realpathOrThrow(top, dir);
  assertInside(realRoot, real, dir);
  walk(top, dir, realRoot, [real], out);
  return out.sort((a, b) => comparePaths(a.rel, b.rel));
}

/**
 * The given repository-relative files, checked and stat-ed, sorted. A directory among them
 * is an error (walk it with {@link walkDirectory}).
 */
export function statFiles(root: string, realRoot: string, paths: readonly string[]): WalkedFile[] {
  const out: WalkedFile[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const rel = checkRelPath(p);
    if (seen.has(rel)) continue; // the same file named twice is one file
    seen.add(rel);
    const abs = join(root, rel);
    const real = realpathOrThrow(abs, rel);
    assertInside(realRoot, real, rel);
    const st = statOrThrow(real, rel);
    if (!st.isFile()) throw unsupported(rel, st);
    out.push({ rel, abs, st: statKey(st) });
  }
  return out.sort((a, b) => comparePaths(a.rel, b.rel));
}

/** `stack`: the real paths of the folders being walked, this one last. */
function walk(abs: string, rel: string, realRoot: string, stack: string[], out: WalkedFile[]) {
  const here = stack[stack.length - 1]!;
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    if (isFsError(e, 'ENOENT'))
      throw new DataError('NOT_FOUND', `${rel} does not exist`, { path: rel });
    if (isFsError(e, 'ENOTDIR'))
      throw new DataError('NOT_FOUND', `${rel} is not a directory`, { path: rel });
    throw e;
  }
  for (const d of entries) {
    const childAbs = `${abs}${sep}${d.name}`; // a name has no separator: no need to normalise
    const childRel = `${rel}/${d.name}`;
    if (d.isDirectory()) {
      walk(childAbs, childRel, realRoot, [...stack, `${here}${sep}${d.name}`], out);
    } else if (d.isFile()) {
      out.push({ rel: childRel, abs: childAbs, st: statKey(statOrThrow(childAbs, childRel)) });
    } else if (d.isSymbolicLink()) {
      const real = realpathOrThrow(childAbs, childRel);
      assertInside(realRoot, real, childRel);
      const st = statOrThrow(real, childRel);
      if (st.isFile()) {
        out.push({ rel: childRel, abs: childAbs, st: statKey(st) });
      } else if (st.isDirectory()) {
        // A link to a folder being walked, or to one of its ancestors, would never end.
        if (stack.some((s) => s === real || s.startsWith(`${real}/`))) {
          throw new DataError('SYMLINK_LOOP', `${childRel} links back to a folder it is in`, {
            path: childRel,
            real,
          });
        }
        walk(childAbs, childRel, realRoot, [...stack, real], out);
      } else {
        throw unsupported(childRel, st);
      }
    } else {
      throw new DataError(
        'UNSUPPORTED_FILE',
        `${childRel} is not a regular file, directory or symlink`,
        { path: childRel },
      );
    }
  }
}

function statOrThrow(abs: string, rel: string): BigIntStats {
  try {
    return statSync(abs, { bigint: true });
  } catch (e) {
    if (isFsError(e, 'ENOENT'))
      throw new DataError('NOT_FOUND', `${rel} does not exist`, { path: rel });
    throw e;
  }
}

function unsupported(rel: string, st: BigIntStats): DataError {
  const what = st.isDirectory() ? 'a directory' : 'not a regular file';
  return new DataError('UNSUPPORTED_FILE', `${rel} is ${what}`, { path: rel });
}

/** The stat cache's view of a stat result. */
export function statKey(st: BigIntStats): StatKey {
  return {
    ino: String(st.ino),
    mtimeNs: String(st.mtimeNs),
    ctimeNs: String(st.ctimeNs),
    size: Number(st.size),
  };
}

/**
 * Orders strings by code point (equivalently, by their UTF-8 bytes), as Python's `sorted`
 * does; JavaScript's `<` compares UTF-16 units and puts U+10000.. before U+E000..U+FFFF.
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
