import type { BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { dbOf } from './db.js';
import type { Db } from './db.js';
import { RepoError, isFsError } from './errors.js';
import {
  ZERO_STAT,
  compareEntries,
  emptyIndex,
  parseIndex,
  serializeIndex,
  type GitIndex,
  type IndexEntry,
  type IndexStat,
} from './git-index.js';
import { GITLINK_MODE, TREE_MODE } from './objects/tree.js';
import type { Repo } from './open.js';
import { takeLock } from './owned-lock.js';
import { readBlob } from './snapshot.js';
import { blobOid } from './worktree.js';

/** A file as a tree holds it. */
export interface Side {
  mode: string;
  oid: string;
}

/** A path whose file differs between two commits (absent on a side where there is none). */
export interface PathChange {
  path: string;
  from?: Side;
  to?: Side;
}

const INDEX_WAIT_MS = 1000;

/**
 * The files (and symlinks; not submodules) that differ from commit `from` (null: nothing) to
 * commit `to`, with their modes; a file replaced by a directory is a removal and additions.
 */
export function changesBetween(repo: Repo, from: string | null, to: string): PathChange[] {
  const db = dbOf(repo);
  const out: PathChange[] = [];
  diffDir(db, from === null ? null : db.header(from).tree, db.header(to).tree, '', out);
  return out;
}

function diffDir(db: Db, a: string | null, b: string | null, dir: string, out: PathChange[]) {
  if (a === b) return;
  const inA = new Map((a ? db.tree(a) : []).map((e) => [e.name, e]));
  const inB = new Map((b ? db.tree(b) : []).map((e) => [e.name, e]));
  for (const name of new Set([...inA.keys(), ...inB.keys()])) {
    const ea = inA.get(name);
    const eb = inB.get(name);
    if (ea && eb && ea.oid === eb.oid && ea.mode === eb.mode) continue;
    const path = dir + name;
    const fa = ea && isFile(ea.mode) ? { mode: ea.mode, oid: ea.oid } : undefined;
    const fb = eb && isFile(eb.mode) ? { mode: eb.mode, oid: eb.oid } : undefined;
    if (fa || fb) out.push({ path, ...(fa ? { from: fa } : {}), ...(fb ? { to: fb } : {}) });
    const ta = ea?.mode === TREE_MODE ? ea.oid : null;
    const tb = eb?.mode === TREE_MODE ? eb.oid : null;
    if (ta !== null || tb !== null) diffDir(db, ta, tb, `${path}/`, out);
  }
}

function isFile(mode: string): boolean {
  return mode !== TREE_MODE && mode !== GITLINK_MODE;
}

/** The file at `path` in a commit, if any. */
export function sideAt(repo: Repo, commit: string | null, path: string): Side | undefined {
  if (commit === null) return undefined;
  const db = dbOf(repo);
  let tree = db.header(commit).tree;
  const names = path.split('/');
  for (let i = 0; i < names.length; i++) {
    const e = db.entry(tree, Buffer.from(names[i]!));
    if (!e) return undefined;
    if (i === names.length - 1) return isFile(e.mode) ? { mode: e.mode, oid: e.oid } : undefined;
    if (e.mode !== TREE_MODE) return undefined;
    tree = e.oid;
  }
  return undefined;
}

/**
 * Rewrites the index under git's protocol: `index.lock` is created holding the new index and
 * renamed over `index`, so git never sees half an index. `edit` changes the parsed index and
 * says whether it changed anything; if the index changed on disk while the lock was being
 * taken, it is read and edited again.
 *
 * @throws RepoError `INDEX_LOCKED` (another git process holds `index.lock`),
 *   `UNSUPPORTED_INDEX` (a split or sparse index).
 */
/** The index as it is on disk (an empty one when there is none). */
export async function readIndex(repo: Repo): Promise<GitIndex> {
  const bytes = await repo.fs.promises.readFile(join(repo.gitdir, 'index')).catch((e: unknown) => {
    if (isFsError(e, 'ENOENT')) return null;
    throw e;
  });
  return bytes ? parseIndex(bytes) : emptyIndex();
}

export async function editIndex(repo: Repo, edit: (index: GitIndex) => boolean): Promise<void> {
  const fs = repo.fs.promises;
  const path = join(repo.gitdir, 'index');
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = await fs.readFile(path).catch((e: unknown) => {
      if (isFsError(e, 'ENOENT')) return null;
      throw e;
    });
    const index = before ? parseIndex(before) : emptyIndex();
    if (!edit(index)) return;
    index.entries.sort(compareEntries);
    const lock = await takeLock(
      repo,
      `${path}.lock`,
      serializeIndex(index),
      INDEX_WAIT_MS,
      () =>
        new RepoError(
          'INDEX_LOCKED',
          `the index is locked (${path}.lock exists): another git process is running, or one crashed and left it (remove it then)`,
          { lock: `${path}.lock` },
        ),
    );
    const now = await fs.readFile(path).catch(() => null);
    if ((now === null) !== (before === null) || (now && before && !now.equals(before))) {
      await lock.release(); // changed meanwhile: edit what is there now
      continue;
    }
    await lock.commit(path);
    return;
  }
  throw new RepoError('INDEX_LOCKED', 'the index kept changing while mlops updated it', {});
}

/**
 * Before the branch moves: stages the new commit's files where the index still holds the old
 * commit's, so that at no point does the index hold the old files staged against the new
 * commit (a plain `git commit` then would undo it). What the user staged is left alone.
 */
export function stageForward(changes: PathChange[]): (index: GitIndex) => boolean {
  return (index) => {
    const at = byPath(index);
    let changed = false;
    for (const c of changes) {
      if (matches(at.get(c.path), c.from)) changed = setEntry(index, at, c.path, c.to) || changed;
    }
    return changed;
  };
}

/**
 * Brings the index to `tip` (the commit the branch is at now) for the changed paths: an entry
 * this sync staged (the new commit's file) becomes the tip's; an entry still at the old
 * commit's becomes the tip's only when the tip has the new commit's file. Where the work file
 * equals the entry, its stat data is filled in so `git status` need not re-read it.
 */
export function settleIndex(
  changes: PathChange[],
  tipSides: Map<string, Side | undefined>,
  work: Map<string, WorkFile>,
): (index: GitIndex) => boolean {
  return (index) => {
    const at = byPath(index);
    let changed = false;
    for (const c of changes) {
      const tip = tipSides.get(c.path);
      const cur = at.get(c.path);
      if (matches(cur, c.to) || (matches(cur, c.from) && same(tip, c.to))) {
        changed = setEntry(index, at, c.path, tip) || changed;
      }
      const entry = at.get(c.path)?.[0];
      const w = work.get(c.path);
      if (entry && entry.stage === 0 && w?.stat && w.oid === entry.oid) {
        if (!sameStat(entry.stat, w.stat)) {
          entry.stat = w.stat;
          changed = true;
        }
      }
    }
    return changed;
  };
}

/** A file in the work tree: absent, something else (a directory), or a file and its oid. */
export interface WorkFile {
  kind: 'absent' | 'other' | 'file' | 'symlink';
  oid?: string;
  stat?: IndexStat;
}

/** Reads the work tree's file at `path` (its oid as git would hash it, and its stat data). */
export async function readWorkFile(repo: Repo, path: string): Promise<WorkFile> {
  const fs = repo.fs.promises;
  const abs = join(repo.dir, path);
  let st;
  try {
    st = await fs.lstat(abs, { bigint: true });
  } catch (e) {
    if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR')) return { kind: 'absent' };
    throw e;
  }
  const stat = statOf(st);
  if (st.isSymbolicLink()) {
    return { kind: 'symlink', oid: blobOid(Buffer.from(await fs.readlink(abs))), stat };
  }
  if (!st.isFile()) return { kind: 'other' };
  return { kind: 'file', oid: blobOid(await fs.readFile(abs)), stat };
}

/** Whether the work file is `side` (absent when `side` is). The exec bit is not compared. */
export function workIs(w: WorkFile, side: Side | undefined): boolean {
  if (!side) return w.kind === 'absent';
  const kind = side.mode === '120000' ? 'symlink' : 'file';
  return w.kind === kind && w.oid === side.oid;
}

/**
 * Writes `side` at `path` (a whole file renamed into place, never a partial one), or
 * removes the file and the directories it leaves empty. A path blocked by something else
 * (a directory where the file goes) is left as it is.
 */
export async function writeWorkFile(repo: Repo, path: string, side: Side | undefined) {
  const fs = repo.fs.promises;
  const abs = join(repo.dir, path);
  if (!side) {
    await fs.unlink(abs).catch((e: unknown) => {
      if (!isFsError(e, 'ENOENT')) throw e;
    });
    for (let at = dirname(abs); at.startsWith(repo.dir) && at !== repo.dir; at = dirname(at)) {
      if (
        !(await fs.rmdir(at).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
    return;
  }
  try {
    await fs.mkdir(dirname(abs), { recursive: true });
    const bytes = await readBlob(repo, side.oid);
    await writeFileAtomic(repo, abs, bytes, {
      mode: side.mode === '100755' ? 0o755 : 0o644,
      symlink: side.mode === '120000',
    });
  } catch (e) {
    if (isFsError(e, 'ENOTDIR') || isFsError(e, 'EEXIST') || isFsError(e, 'EISDIR')) return;
    throw e;
  }
}

/** The index's entries by path (the stages of a conflict together). */
export function byPath(index: GitIndex): Map<string, IndexEntry[]> {
  const at = new Map<string, IndexEntry[]>();
  for (const e of index.entries) {
    const list = at.get(e.path);
    if (list) list.push(e);
    else at.set(e.path, [e]);
  }
  return at;
}

/** Whether the index holds exactly `side` at a path (nothing, when `side` is absent). */
export function matches(entries: IndexEntry[] | undefined, side: Side | undefined): boolean {
  if (!side) return !entries || entries.length === 0;
  if (!entries || entries.length !== 1) return false;
  const e = entries[0]!;
  return e.stage === 0 && e.oid === side.oid && e.mode === parseInt(side.mode, 8);
}

function same(a: Side | undefined, b: Side | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.oid === b.oid && a.mode === b.mode);
}

/** Sets (or, with no side, removes) the stage-0 entry of a path; false when nothing changed. */
function setEntry(
  index: GitIndex,
  at: Map<string, IndexEntry[]>,
  path: string,
  side: Side | undefined,
): boolean {
  const old = at.get(path);
  if (matches(old, side)) return false;
  if (!side) {
    index.entries = index.entries.filter((e) => e.path !== path);
    at.delete(path);
    return true;
  }
  if (!old && clashes(at, path)) return false; // a file where a directory is, or the reverse
  const entry: IndexEntry = {
    path,
    oid: side.oid,
    mode: parseInt(side.mode, 8),
    stage: 0,
    stat: { ...ZERO_STAT },
    assumeValid: false,
    extended: (old?.[0]?.extended ?? 0) & 0x4000, // keeps skip-worktree, drops intent-to-add
  };
  index.entries = index.entries.filter((e) => e.path !== path);
  index.entries.push(entry);
  at.set(path, [entry]);
  return true;
}

function clashes(at: Map<string, IndexEntry[]>, path: string): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) if (at.has(parts.slice(0, i).join('/'))) return true;
  const dir = `${path}/`;
  for (const p of at.keys()) if (p.startsWith(dir)) return true;
  return false;
}

function statOf(st: BigIntStats): IndexStat {
  const n = (x: bigint) => Number(x & 0xffffffffn);
  return {
    ctimeS: n(st.ctimeNs / 1_000_000_000n),
    ctimeNs: n(st.ctimeNs % 1_000_000_000n),
    mtimeS: n(st.mtimeNs / 1_000_000_000n),
    mtimeNs: n(st.mtimeNs % 1_000_000_000n),
    dev: n(st.dev),
    ino: n(st.ino),
    uid: n(st.uid),
    gid: n(st.gid),
    size: n(st.size),
  };
}

function sameStat(a: IndexStat, b: IndexStat): boolean {
  return (Object.keys(a) as (keyof IndexStat)[]).every((k) => a[k] === b[k]);
}
