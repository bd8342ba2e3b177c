import { dbOf } from './db.js';
import type { Repo } from './open.js';
import { resolveRef } from './refs.js';
import { subjectOf } from './history.js';

/** A commit on the first-parent line dated earlier than its first parent. */
export interface BackwardsDate {
  oid: string;
  subject: string;
  /** Its committer time and its first parent's, in seconds. */
  time: number;
  parentTime: number;
}

/**
 * The state of the branch at a date, by its first-parent line: the newest commit on it that
 * is at or before `date` together with every commit before it — a commit counts from the
 * latest committer time of itself and its first-parent ancestors, so a commit dated earlier
 * than its parent (a backdated one) cannot make a later change appear in effect earlier.
 * Also every commit of the line whose date goes backwards, newest first, for a warning.
 * @example
 * const { oid, backwards } = await stateAtDate(repo, 'HEAD', new Date('2026-03-01T00:00:00Z'));
 * for (const b of backwards) console.warn(`${b.oid.slice(0, 7)} is dated before its parent`);
 */
export async function stateAtDate(
  repo: Repo,
  ref: string,
  date: Date,
): Promise<{ oid: string | null; backwards: BackwardsDate[] }> {
  const limit = date.getTime() / 1000;
  const db = dbOf(repo);
  const line: { oid: string; time: number }[] = [];
  for (let oid: string | undefined = await resolveRef(repo, ref); oid;) {
    const h = db.header(oid);
    line.push({ oid, time: h.time });
    oid = h.parents[0];
  }
  // the newest commit such that it and all its first-parent ancestors are at or before date
  let chosen: string | null = null;
  for (let i = line.length - 1; i >= 0; i--) {
    if (line[i]!.time > limit) break;
    chosen = line[i]!.oid;
  }
  const backwards: BackwardsDate[] = [];
  for (let i = 0; i + 1 < line.length; i++) {
    const c = line[i]!;
    const p = line[i + 1]!;
    if (c.time < p.time) {
      backwards.push({
        oid: c.oid,
        subject: subjectOf(db.commit(c.oid).message),
        time: c.time,
        parentTime: p.time,
      });
    }
  }
  return { oid: chosen, backwards };
}
