import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { OWNER, createExclusive, ownerIsGone, removeDeadTemps } from './atomic-file.js';
import { RepoError, isFsError } from './errors.js';
import type { Repo } from './open.js';
import { sweepDeadMarks } from './owned-lock.js';
import { compareAndSwapRef, readRefNow } from './ref-lock.js';
import {
  changesBetween,
  editIndex,
  readWorkFile,
  settleIndex,
  sideAt,
  stageForward,
  workIs,
  writeWorkFile,
  type PathChange,
  type Side,
  type WorkFile,
} from './worktree-sync.js';

/**
 * The journal of a move of the checked-out branch, `.git/mlops/worktree-sync.json`: written
 * before anything changes and removed once the index and the work tree are in step, so a
 * command killed in between leaves a note of what it was doing for the next one to finish.
 */
interface Journal {
  pid: number;
  host: string;
  ref: string;
  from: string | null;
  to: string;
}

const WAIT_MS = 2000;
/** Journals this process holds now (a journal with our pid and not here is a leftover). */
const held = new Set<string>();

function journalPath(repo: Repo): string {
  return join(repo.gitdir, 'mlops', 'worktree-sync.json');
}

/**
 * Moves the checked-out branch `ref` from `from` to `to` and brings the index and the work
 * tree along, so that a kill at any point leaves a state git understands and the next mlops
 * command finishes. In order:
 *
 * 1. a journal (`.git/mlops/worktree-sync.json`) records the move;
 * 2. the index stages the new commit's files where it held the old commit's (one atomic
 *    replace of `.git/index` under `index.lock`; what the user staged is left alone);
 * 3. the branch moves by compare-and-swap;
 * 4. the changed files are written (each renamed into place, never partial) where the work
 *    tree still held the old commit's, and their stat data recorded in the index;
 * 5. the journal is removed.
 *
 * Killed before 3, the branch has not moved and the index holds the new files staged (a
 * commit of them would be the same change, never its undoing); the next command puts the
 * index back. Killed after 3, the index already matches the branch and some files are
 * still the old ones; the next command writes them. If the branch moved meanwhile, the index
 * is put back and `BRANCH_MOVED` thrown.
 *
 * @throws RepoError `BRANCH_MOVED`, `BRANCH_LOCKED`, `INDEX_LOCKED`, `UNSUPPORTED_INDEX`,
 *   `SYNC_IN_PROGRESS` (another mlops command is moving the branch).
 * @example
 * await moveCheckedOutBranch(repo, 'refs/heads/main', parent, oid, { who, message });
 */
export async function moveCheckedOutBranch(
  repo: Repo,
  ref: string,
  from: string | null,
  to: string,
  reflog: { who: string; message: string },
): Promise<void> {
  const changes = changesBetween(repo, from, to);
  const path = await beginJournal(repo, { ...OWNER, ref, from, to });
  let moved = false;
  try {
    await editIndex(repo, stageForward(changes));
    await compareAndSwapRef(repo, ref, from, to, reflog);
    moved = true;
    await settle(repo, changes, to, true);
  } catch (e) {
    if (moved) throw e; // the journal stays: the next command finishes the sync
    await settle(repo, changes, await readRefNow(repo, ref), false).catch(() => undefined);
    await endJournal(repo, path);
    throw e;
  }
  await endJournal(repo, path);
}

/**
 * Finishes what a killed (or failed) mlops command left half done when it moved the
 * checked-out branch: writes the files and index entries the new commit changed (or, if the
 * branch never moved, puts the index back), removes its leftover lock files and temp files.
 * Every command that commits calls it first; it does nothing when nothing is pending or when
 * the command that is moving the branch is still running.
 *
 * @returns whether a pending move was finished
 * @example
 * await finishInterruptedSync(await openRepo('.'));
 */
export async function finishInterruptedSync(repo: Repo): Promise<boolean> {
  if (repo.dir === repo.gitdir) return false;
  let names: string[];
  try {
    names = await repo.fs.promises.readdir(join(repo.gitdir, 'mlops'));
  } catch {
    return false;
  }
  let finished = false;
  for (const name of names) {
    // the journal, or one claimed by a process that was finishing it
    const m = /^worktree-sync\.json(?:\.([0-9]+))?$/.exec(name);
    if (!m) continue;
    const path = join(repo.gitdir, 'mlops', name);
    const j = await readJournal(repo, path);
    if (!j) continue;
    const claimer = m[1] === undefined ? undefined : Number(m[1]);
    const gone =
      claimer === undefined
        ? stale(path, j)
        : claimer === OWNER.pid
          ? isMainThread && !held.has(path)
          : ownerIsGone({ pid: claimer, host: OWNER.host });
    if (gone && (await finish(repo, path, j))) finished = true;
  }
  return finished;
}

async function finish(repo: Repo, path: string, j: Journal): Promise<boolean> {
  // Claim it, so that of several processes finishing it at once only one goes on.
  const claimed = `${journalPath(repo)}.${OWNER.pid}`;
  try {
    await repo.fs.promises.rename(path, claimed);
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return false;
    throw e;
  }
  held.add(claimed);
  try {
    await sweepDeadMarks(repo);
    const tip = await readRefNow(repo, j.ref);
    const head = await repo.fs.promises.readFile(join(repo.gitdir, 'HEAD'), 'utf8');
    // After a checkout of another branch, git has decided what the work tree holds; the
    // index entries this sync staged go to the tip either way.
    let changes: PathChange[] = [];
    try {
      changes = changesBetween(repo, j.from, j.to);
    } catch (e) {
      // the commit of a move that never happened, since pruned: nothing to put back
      if (!(e instanceof RepoError && e.code === 'MISSING_OBJECT') || tip === j.to) throw e;
    }
    await settle(repo, changes, tip, tip === j.to && head.trim() === `ref: ${j.ref}`);
    await removeDeadTemps(repo);
  } finally {
    held.delete(claimed);
  }
  await repo.fs.promises.unlink(claimed).catch(() => undefined);
  return true;
}

/** Whether a journal's writer is gone (or is this process, no longer holding it). */
function stale(path: string, j: Journal): boolean {
  // a worker thread shares the pid but not `held`: only the main thread judges its own
  if (j.host === OWNER.host && j.pid === OWNER.pid) return isMainThread && !held.has(path);
  return ownerIsGone(j);
}

/**
 * Converges the changed paths on `tip`: the index entries (see `settleIndex`), and with
 * `files`, the work files still holding the old commit's content where the tip has the new.
 */
async function settle(
  repo: Repo,
  changes: PathChange[],
  tip: string | null,
  files: boolean,
): Promise<void> {
  const tipSides = new Map<string, Side | undefined>();
  for (const c of changes) tipSides.set(c.path, sideAt(repo, tip, c.path));
  const work = new Map<string, WorkFile>();
  // removals first: a file may give way to a directory of the same name
  const ordered = [...changes.filter((c) => !c.to), ...changes.filter((c) => c.to)];
  for (const c of ordered) {
    let w = await readWorkFile(repo, c.path);
    const target = tipSides.get(c.path);
    if (files && workIs(w, c.from) && !workIs(w, target) && sameSide(target, c.to)) {
      await writeWorkFile(repo, c.path, target);
      w = await readWorkFile(repo, c.path);
    }
    work.set(c.path, w);
  }
  await editIndex(repo, settleIndex(changes, tipSides, work));
}

function sameSide(a: Side | undefined, b: Side | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.oid === b.oid && a.mode === b.mode);
}

/** Creates the journal, finishing a dead one first and waiting a little for a live one. */
async function beginJournal(repo: Repo, j: Journal): Promise<string> {
  const path = journalPath(repo);
  await repo.fs.promises.mkdir(join(repo.gitdir, 'mlops'), { recursive: true });
  await removeDeadTemps(repo); // what killed writers left under .git/mlops/tmp
  const deadline = Date.now() + WAIT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    await finishInterruptedSync(repo);
    if (await createExclusive(repo, path, JSON.stringify(j))) {
      held.add(path);
      return path;
    }
    if (Date.now() > deadline) {
      throw new RepoError(
        'SYNC_IN_PROGRESS',
        `another mlops command is updating the work tree (${path} exists; remove it if no mlops process is running)`,
        { journal: path },
      );
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

async function endJournal(repo: Repo, path: string): Promise<void> {
  await repo.fs.promises.unlink(path).catch(() => undefined);
  held.delete(path);
}

async function readJournal(repo: Repo, path: string): Promise<Journal | undefined> {
  let text: string;
  try {
    text = await repo.fs.promises.readFile(path, 'utf8');
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return undefined;
    throw e;
  }
  try {
    const j = JSON.parse(text) as Journal;
    if (typeof j.ref === 'string' && typeof j.to === 'string') return j;
  } catch {
    // written whole (linked into place), so unreadable means hand-edited: drop it
  }
  await repo.fs.promises.unlink(path).catch(() => undefined);
  return undefined;
}
