import { dbOf } from './db.js';
import type { Repo } from './open.js';
import { compilePrefixes } from './paths.js';
import { resolveRef } from './refs.js';
import { walkFiles } from './walk.js';
import type { TreeFile } from './walk.js';
import { WORKTREE, readWorktree } from './worktree.js';
import type { FileContent } from './worktree.js';

/** The root tree of the commit a revision names. */
export async function treeOf(repo: Repo, ref: string): Promise<string> {
  return dbOf(repo).header(await resolveRef(repo, ref)).tree;
}

/**
 * The files of a commit under the given path prefixes, sorted by path, read from git objects
 * (never the work tree). Subtrees outside the prefixes are not read. See `compilePrefixes`
 * for what a prefix selects; `[]` selects everything.
 *
 * @example
 * const files = await listFiles(repo, 'HEAD~10', ['registry/', 'policies/']);
 * // [{ path: 'policies/governance.yaml', oid: '3b18e5…', mode: '100644' }, …]
 */
export async function listFiles(repo: Repo, ref: string, prefixes: string[]): Promise<TreeFile[]> {
  const node = compilePrefixes(prefixes);
  return walkFiles(dbOf(repo), await treeOf(repo, ref), node);
}

/**
 * The content of a blob.
 *
 * @throws RepoError `MISSING_OBJECT`, or `CORRUPT_OBJECT` when `oid` is not a blob.
 * @example
 * const [file] = await listFiles(repo, 'main', ['policies/governance.yaml']);
 * const text = new TextDecoder().decode(await readBlob(repo, file.oid));
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async by contract: callers must not depend on reads being synchronous
export async function readBlob(repo: Repo, oid: string): Promise<Uint8Array> {
  return dbOf(repo).store.readAs(oid, 'blob');
}

/**
 * The files under the prefixes with their bytes, keyed by path in path order: at a revision
 * (with each blob's oid), or on disk with `WORKTREE` (oids computed as git would; nothing is
 * ignored but `.git`, and symlinks leading out of the work tree are not followed).
 *
 * @example
 * const atBase = await readFiles(repo, 'origin/main', ['registry/']);
 * const onDisk = await readFiles(repo, WORKTREE, ['registry/']);
 * const yaml = new TextDecoder().decode(onDisk.get('registry/models/m1/model.yaml')?.bytes);
 */
export async function readFiles(
  repo: Repo,
  ref: string | typeof WORKTREE,
  prefixes: string[],
): Promise<Map<string, FileContent>> {
  const node = compilePrefixes(prefixes);
  if (ref === WORKTREE) return readWorktree(repo, node);
  const db = dbOf(repo);
  const out = new Map<string, FileContent>();
  for (const f of walkFiles(db, await treeOf(repo, ref), node)) {
    out.set(f.path, { oid: f.oid, bytes: db.store.readAs(f.oid, 'blob') });
  }
  return out;
}
