import { RepoError } from './errors.js';

/**
 * Path prefixes compiled into a trie over path components, so a tree walk descends only into
 * the subtrees that lead to a prefix and lists everything below one.
 *
 * A prefix ending in `/` (`registry/`) selects the directory's contents; one without
 * (`data/iris.yaml`, `registry/models/m1`) selects that file, or that directory's contents,
 * never a sibling that merely starts with the same letters (`m10`). `''` selects everything,
 * and so does an empty list, as a git pathspec does.
 */
export interface PrefixNode {
  /** Everything at and below this node is selected. */
  full: boolean;
  /** Selected only as a directory (every prefix ending here had a trailing `/`). */
  dirOnly: boolean;
  children: Map<string, PrefixChild>;
}

export interface PrefixChild extends PrefixNode {
  name: string;
  /** `name` as UTF-8, for comparing with raw tree entries. */
  bytes: Uint8Array;
}

/** What lies below a selected node: everything, files and directories alike. */
export const EVERYTHING: PrefixNode = { full: true, dirOnly: false, children: new Map() };

/**
 * @throws RepoError `BAD_PATH` for an absolute path or one with `..`.
 */
export function compilePrefixes(prefixes: readonly string[]): PrefixNode {
  const root: PrefixNode = { full: prefixes.length === 0, dirOnly: false, children: new Map() };
  for (const prefix of prefixes) {
    const parts = splitPrefix(prefix);
    if (parts.length === 0) {
      root.full = true;
      continue;
    }
    let node: PrefixNode = root;
    for (const name of parts) {
      let child = node.children.get(name);
      if (!child) {
        child = { full: false, dirOnly: true, children: new Map(), name, bytes: Buffer.from(name) };
        node.children.set(name, child);
      }
      node = child;
    }
    const dirOnly = prefix.endsWith('/');
    node.dirOnly = node.full ? node.dirOnly && dirOnly : dirOnly;
    node.full = true;
  }
  return root;
}

/** True when `path` (a file path) is selected by the compiled prefixes. */
export function selects(root: PrefixNode, path: string): boolean {
  let node: PrefixNode = root;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    if (node.full) return true;
    const child = node.children.get(parts[i]!);
    if (!child) return false;
    node = child;
    // A file exactly at a dir-only prefix is not selected.
    if (i === parts.length - 1) return node.full && !node.dirOnly;
  }
  return node.full;
}

/** Splits a prefix into components: `./` and `//` tolerated, `..` and a leading `/` refused. */
export function splitPrefix(prefix: string): string[] {
  if (prefix.startsWith('/')) badPath(prefix, 'must be relative to the repository root');
  const parts = prefix.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) badPath(prefix, 'must not contain ".."');
  return parts;
}

/**
 * Checks a path a commit will write: relative, no empty, `.` or `..` component, no `.git`
 * component (in any case, as git refuses on case-insensitive disks), no backslash or NUL.
 *
 * @throws RepoError `BAD_PATH`
 */
export function validateEditPath(path: string): void {
  if (path === '') badPath(path, 'is empty');
  if (path.startsWith('/')) badPath(path, 'must be relative to the repository root');
  if (path.includes('\\') || path.includes('\0')) badPath(path, 'must not contain "\\" or NUL');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') badPath(path, 'has an empty or "." component');
    if (part === '..') badPath(path, 'must not contain ".."');
    if (part.toLowerCase() === '.git') badPath(path, 'must not be inside .git');
  }
}

function badPath(path: string, why: string): never {
  throw new RepoError('BAD_PATH', `path "${path}" ${why}`, { path });
}
