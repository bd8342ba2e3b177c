import { CommitQueue } from './commit-queue.js';
import { dbOf } from './db.js';
import type { Db } from './db.js';
import type { Signature } from './objects/commit.js';
import { TREE_MODE } from './objects/tree.js';
import type { Repo } from './open.js';
import { compilePrefixes, splitPrefix } from './paths.js';
import { resolveRef } from './refs.js';
import { diffTrees } from './tree-diff.js';
import type { FileChange } from './tree-diff.js';
import { parseTrailers } from './trailers.js';
import type { Trailers } from './trailers.js';

export interface HistoryEntry {
  oid: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  /** The whole message, trailers included. */
  message: string;
  /** The first paragraph on one line (git's `%s`). */
  subject: string;
  trailers: Trailers;
  /** Files under the queried paths this commit changed against its first parent. */
  changes: FileChange[];
}

export interface HistoryOptions {
  /** Where to start; `HEAD` by default. */
  ref?: string;
  /** Paths (files or directories) whose history is wanted; `[]` for every commit. */
  paths: string[];
  /** Stop after this many entries. */
  limit?: number;
  /**
   * Follow only first parents (`git log --first-parent`): the branch's own line of commits,
   * where a merged pull request is one merge commit and the branch's side commits are not
   * walked. A commit is shown when the paths differ from its first parent.
   */
  firstParent?: boolean;
}

/**
 * The commits that changed the given paths, newest first: the commits and order that
 * `git log -- <paths>` prints. All parents are walked in committer-date order; a commit is
 * shown when the paths differ from every parent, and a merge that keeps the paths of one
 * parent follows only that parent (git's default history simplification). Whether the paths
 * changed is decided by comparing the tree entries at the paths, found in the raw trees and
 * memoised per tree, so unchanged subtrees are never read.
 *
 * @example
 * const log = await history(repo, { paths: ['registry/models/m1/'], limit: 20 });
 * for (const e of log) console.log(e.oid.slice(0, 7), e.subject, e.trailers['Approved-by']);
 */
export async function history(repo: Repo, opts: HistoryOptions): Promise<HistoryEntry[]> {
  const db = dbOf(repo);
  const start = await resolveRef(repo, opts.ref ?? 'HEAD');
  const node = compilePrefixes(opts.paths);
  const key = node.full ? undefined : pathKeys(db, opts.paths);
  const limit = opts.limit ?? Infinity;
  const out: HistoryEntry[] = [];
  const queue = new CommitQueue();
  const seen = new Set<string>([start]);
  queue.push(start, db.header(start).time);

  while (out.length < limit) {
    const oid = queue.pop();
    if (oid === undefined) break;
    const { tree, parents } = db.header(oid);
    let show = true;
    let follow = opts.firstParent ? parents.slice(0, 1) : parents;
    if (key && opts.firstParent) {
      const first = parents[0];
      show = key(tree) !== key(first === undefined ? null : db.header(first).tree);
    } else if (key) {
      const mine = key(tree);
      if (parents.length === 0) {
        show = mine !== key(null);
      } else {
        // Follow the first parent with the same paths, and only it; if none, show the commit.
        for (const p of parents) {
          if (key(db.header(p).tree) === mine) {
            show = false;
            follow = [p];
            break;
          }
        }
      }
    }
    for (const p of follow) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(p, db.header(p).time);
    }
    if (show) out.push(entry(db, oid, node));
  }
  return out;
}

/**
 * A function from a root tree to a string that is equal for two trees exactly when the
 * entries (mode and oid) at every path are. Lookups are memoised per path, depth and tree
 * oid, so a subtree shared by many commits is looked into once.
 */
function pathKeys(db: Db, paths: string[]): (tree: string | null) => string {
  const specs = paths.map((p) => ({
    names: splitPrefix(p).map((n) => Buffer.from(n)),
    dirOnly: p.endsWith('/'),
    memo: [] as Map<string, string>[],
  }));
  const lookup = (spec: (typeof specs)[number], depth: number, tree: string): string => {
    const memo = (spec.memo[depth] ??= new Map());
    let found = memo.get(tree);
    if (found !== undefined) return found;
    const e = db.entry(tree, spec.names[depth]!);
    if (!e) found = '';
    else if (depth === spec.names.length - 1)
      found = spec.dirOnly && e.mode !== TREE_MODE ? '' : e.mode + e.oid;
    else found = e.mode === TREE_MODE ? lookup(spec, depth + 1, e.oid) : '';
    memo.set(tree, found);
    return found;
  };
  const only = specs.length === 1 ? specs[0]! : undefined;
  const none = only ? '' : '|'.repeat(specs.length); // the key of a tree without any path
  return (tree) => {
    if (tree === null) return none;
    if (only) return lookup(only, 0, tree);
    let k = '';
    for (const spec of specs) k += `${lookup(spec, 0, tree)}|`;
    return k;
  };
}

function entry(db: Db, oid: string, node: ReturnType<typeof compilePrefixes>): HistoryEntry {
  const c = db.commit(oid);
  const parentTree = c.parents[0] === undefined ? null : db.header(c.parents[0]).tree;
  return {
    oid,
    parents: c.parents,
    author: c.author,
    committer: c.committer,
    message: c.message,
    subject: subjectOf(c.message),
    trailers: parseTrailers(c.message),
    changes: diffTrees(db, parentTree, c.tree, node),
  };
}

/** Git's `%s`: the first paragraph, its lines joined with spaces. */
export function subjectOf(message: string): string {
  const lines = message.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const para: string[] = [];
  for (; i < lines.length && lines[i]!.trim() !== ''; i++) para.push(lines[i]!.trim());
  return para.join(' ');
}
