import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import { OWNER, ownerIsGone } from '../repo/atomic-file.js';
import type { CommitStatus, PullState, ReviewState, StatusState } from './port.js';
import { ForgeError } from './errors.js';

/** A pull request as the local forge keeps it in `<gitdir>/mlops/pulls/<n>.json`. */
export interface PullRecord {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  author: string;
  state: PullState;
  labels: string[];
  requestedReviewers: string[];
  reviews: ReviewRecord[];
  comments: CommentRecord[];
  /** The head commit last seen by a write (the live branch wins while it exists). */
  headSha: string;
  mergeCommit?: string;
  mergedBy?: string;
  /**
   * Set (under the lock) just before a merge and cleared with `state: merged` once it is
   * made: a merge killed in between is recognised from the base's history, never made twice.
   */
  merging?: { headSha: string; baseTip: string; by: string; at: string };
  createdAt: string;
  updatedAt: string;
}

export interface ReviewRecord {
  id: number;
  user: string;
  state: ReviewState;
  commitId: string;
  submittedAt: string;
  body: string;
}

export interface CommentRecord {
  id: number;
  user: string;
  body: string;
  createdAt: string;
}

/** An issue as kept in `<gitdir>/mlops/issues/<n>.json`. */
export interface IssueRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  author: string;
  comments: CommentRecord[];
  createdAt: string;
  updatedAt: string;
}

/** The statuses of one commit, `<gitdir>/mlops/statuses/<sha>.json`: context → latest. */
export type StatusRecord = Record<
  string,
  { state: StatusState; description: string; targetUrl?: string; updatedAt: string }
>;

/** A line of `<gitdir>/mlops/dispatches.jsonl`. */
export interface DispatchRecord {
  event_type: string;
  client_payload: Record<string, unknown>;
  at: string;
}

/** The counters of `<gitdir>/mlops/counters.json`; `number` is shared by pulls and issues. */
interface Counters {
  number: number;
  review: number;
  comment: number;
}

const LOCK_WAIT_MS = 5000;
const LOCK_STALE_MS = 10_000;
const LOCK_TOUCH_MS = 2000;

/**
 * The local forge's files under `<gitdir>/mlops/`: JSON records written atomically (a temp
 * file renamed over the old one, so a reader never sees half a file), and one lock file
 * (`lock`, created exclusively) that every read-modify-write holds, so two processes never
 * take the same number or lose each other's update. A lock left by a killed process of this
 * host is taken over at once (it names its owner); any other is taken over once it is 10 s
 * old; a holder keeps its lock fresh while it works.
 */
export class LocalStore {
  readonly root: string;
  private readonly fs = nodeFs.promises;

  constructor(gitdir: string) {
    this.root = join(gitdir, 'mlops');
  }

  /** Runs `fn` holding the store's lock. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lock = join(this.root, 'lock');
    await this.fs.mkdir(this.root, { recursive: true });
    const handle = await this.acquire(lock);
    const touch = setInterval(() => {
      const now = new Date();
      this.fs.utimes(lock, now, now).catch(() => undefined);
    }, LOCK_TOUCH_MS);
    try {
      return await fn();
    } finally {
      clearInterval(touch);
      await handle.close().catch(() => undefined);
      await this.fs.unlink(lock).catch(() => undefined);
    }
  }

  /**
   * Runs `fn` holding the lock if it can be taken at once (a dead holder's is broken);
   * otherwise, and when this process already holds it, does nothing and returns undefined.
   */
  async tryWithLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const lock = join(this.root, 'lock');
    await this.fs.mkdir(this.root, { recursive: true });
    let handle = await this.create(lock);
    if (!handle) {
      await this.breakIfStale(lock);
      handle = await this.create(lock);
    }
    if (!handle) return undefined;
    try {
      return await fn();
    } finally {
      await handle.close().catch(() => undefined);
      await this.fs.unlink(lock).catch(() => undefined);
    }
  }

  private async acquire(lock: string): Promise<nodeFs.promises.FileHandle> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
      const handle = await this.create(lock);
      if (handle) return handle;
      await this.breakIfStale(lock);
      if (Date.now() > deadline) {
        throw new ForgeError(
          'UNAVAILABLE',
          `the local forge is locked by another process (${lock} exists; remove it if no mlops process is running)`,
          { lock },
        );
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }

  /**
   * Creates the lock holding its owner (`<pid> <host>`) in one step: written to a temp file
   * and hard-linked into place, so a process killed while taking it never leaves an empty
   * lock whose owner nobody can tell. Undefined when the lock is taken.
   */
  private async create(lock: string): Promise<nodeFs.promises.FileHandle | undefined> {
    const tmp = `${lock}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await this.fs.writeFile(tmp, `${OWNER.pid} ${OWNER.host}\n`);
    try {
      await this.fs.link(tmp, lock);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') return undefined;
      throw e;
    } finally {
      await this.fs.unlink(tmp).catch(() => undefined);
    }
    return this.fs.open(lock, 'r');
  }

  /**
   * Takes a lock out of the way (renamed first: one process wins) when its owner is a
   * process of this host that is gone (killed), or when it is older than the stale limit.
   */
  private async breakIfStale(lock: string): Promise<void> {
    const st = await this.fs.stat(lock).catch(() => null);
    if (!st) return;
    const owner = await this.fs.readFile(lock, 'utf8').catch(() => '');
    const [pid, host] = owner.trim().split(' ');
    const gone = ownerIsGone({ pid: Number(pid), host });
    if (!gone && Date.now() - st.mtimeMs < LOCK_STALE_MS) return;
    const aside = `${lock}.stale-${randomBytes(4).toString('hex')}`;
    try {
      await this.fs.rename(lock, aside);
    } catch {
      return; // another process took it first
    }
    // Another process may have broken the same lock and taken a new one just before the
    // rename: put a lock that is not the one judged back (only if none was taken since).
    const moved = await this.fs.readFile(aside, 'utf8').catch(() => owner);
    if (moved !== owner) await this.fs.link(aside, lock).catch(() => undefined);
    await this.fs.unlink(aside).catch(() => undefined);
  }

  /** A JSON file under the store, or undefined when it does not exist. */
  async read<T>(rel: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await this.fs.readFile(join(this.root, rel), 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(text) as T;
  }

  /** Writes a JSON file atomically (temp file in the same directory, then rename). */
  async write(rel: string, value: unknown): Promise<void> {
    const path = join(this.root, rel);
    await this.fs.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await this.fs.writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
      await this.fs.rename(tmp, path);
    } catch (e) {
      await this.fs.unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /** Appends one line (call under the lock so lines never interleave). */
  async append(rel: string, line: string): Promise<void> {
    const path = join(this.root, rel);
    await this.fs.mkdir(dirname(path), { recursive: true });
    await this.fs.appendFile(path, line.endsWith('\n') ? line : `${line}\n`);
  }

  /** The text of a file under the store, or '' when absent. */
  async readText(rel: string): Promise<string> {
    return this.fs.readFile(join(this.root, rel), 'utf8').catch((e: unknown) => {
      if ((e as { code?: string }).code === 'ENOENT') return '';
      throw e;
    });
  }

  /** The numbers of the `<n>.json` records in a folder, highest first. */
  async numbers(folder: string): Promise<number[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(join(this.root, folder));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .map((n) => /^([1-9][0-9]*)\.json$/.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => b - a);
  }

  /** Takes the next value of a counter (call under the lock). */
  async next(counter: keyof Counters): Promise<number> {
    const counters = (await this.read<Counters>('counters.json')) ?? {
      number: 0,
      review: 0,
      comment: 0,
    };
    let last = counters[counter] ?? 0;
    if (counter === 'number') {
      // never reuse a number, even if the counter file was lost
      const [pull = 0] = await this.numbers('pulls');
      const [issue = 0] = await this.numbers('issues');
      last = Math.max(last, pull, issue);
    }
    counters[counter] = last + 1;
    await this.write('counters.json', counters);
    return counters[counter];
  }
}

/** The statuses of a commit as the port's `CommitStatus`, by context. */
export function statusList(record: StatusRecord | undefined): CommitStatus[] {
  return Object.entries(record ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([context, s]) => ({
      context,
      state: s.state,
      description: s.description,
      ...(s.targetUrl === undefined ? {} : { targetUrl: s.targetUrl }),
    }));
}
