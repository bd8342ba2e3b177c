import { join } from 'node:path';
import { RepoError, isFsError } from './errors.js';
import { parseCommit, parseCommitHeader, parseTagTarget } from './objects/commit.js';
import type { Commit, CommitHeader } from './objects/commit.js';
import { Lru } from './objects/lru.js';
import { ObjectStore } from './objects/store.js';
import { findEntry, parseTree } from './objects/tree.js';
import type { TreeEntry } from './objects/tree.js';
import type { Repo } from './open.js';

/**
 * The object layer one opened repository reads through: the object store plus memoised parsed
 * trees and commit headers. One per `repo.cache`, so everything a command does shares it.
 */
export class Db {
  readonly store: ObjectStore;
  private readonly trees = new Lru<string, TreeEntry[]>(16 << 20);
  private readonly headers = new Lru<string, CommitHeader>(16 << 20);
  /** Commits whose parents a shallow clone does not have (`.git/shallow`). */
  private readonly shallow: Set<string>;

  constructor(repo: Repo) {
    this.store = new ObjectStore(repo.fs, join(repo.gitdir, 'objects'));
    this.shallow = readShallow(repo);
  }

  /** A commit's tree, parents and committer time (a shallow commit has no parents). */
  header(oid: string): CommitHeader {
    let h = this.headers.get(oid);
    if (!h) {
      h = parseCommitHeader(this.store.readAs(oid, 'commit'));
      if (this.shallow.has(oid)) h = { ...h, parents: [] };
      this.headers.set(oid, h, 160 + 48 * h.parents.length);
    }
    return h;
  }

  commit(oid: string): Commit {
    const c = parseCommit(this.store.readAs(oid, 'commit'));
    return this.shallow.has(oid) ? { ...c, parents: [] } : c;
  }

  rawTree(oid: string): Uint8Array {
    return this.store.readAs(oid, 'tree');
  }

  /** A tree's entries, parsed once per oid. */
  tree(oid: string): TreeEntry[] {
    let t = this.trees.get(oid);
    if (!t) {
      t = parseTree(this.rawTree(oid));
      this.trees.set(oid, t, 64 + t.length * 160);
    }
    return t;
  }

  /** One entry of a tree by (UTF-8) name, found in the raw tree without parsing it. */
  entry(treeOid: string, name: Uint8Array): { mode: string; oid: string } | undefined {
    return findEntry(this.rawTree(treeOid), name);
  }

  /** Follows annotated tags down to a non-tag object: its oid and type. */
  peel(oid: string): { oid: string; type: string } {
    for (let depth = 0; depth < 100; depth++) {
      const obj = this.store.read(oid);
      if (obj.type !== 'tag') return { oid, type: obj.type };
      oid = parseTagTarget(obj.data).object;
    }
    throw new RepoError('CORRUPT_OBJECT', `tag chain too long at ${oid}`, { oid });
  }
}

const dbs = new WeakMap<object, Db>();

/** The `Db` of an opened repository, made on first use and kept with its `cache`. */
export function dbOf(repo: Repo): Db {
  let db = dbs.get(repo.cache);
  if (!db) {
    db = new Db(repo);
    dbs.set(repo.cache, db);
  }
  return db;
}

function readShallow(repo: Repo): Set<string> {
  try {
    const text = repo.fs.readFileSync(join(repo.gitdir, 'shallow'), 'utf8');
    return new Set(text.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)));
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return new Set();
    throw e;
  }
}
