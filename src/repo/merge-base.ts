import { dbOf } from './db.js';
import type { Repo } from './open.js';

const FROM_A = 1;
const FROM_B = 2;
const STALE = 4;

/**
 * The best common ancestor of two commits, or null when they share no history.
 * A change is judged against it: what a branch did, not what its base did since.
 *
 * Git's "paint down to common": walk both histories newest first, marking
 * which side reached each commit; the first commit reached from both is the
 * answer, and the walk stops as soon as nothing unpainted is left in the queue.
 * A branch a few commits off its base costs a few commit reads.
 * @example
 * const since = await mergeBase(repo, baseOid, headOid);
 */
export function mergeBase(repo: Repo, a: string, b: string): Promise<string | null> {
  if (a === b) return Promise.resolve(a);
  const db = dbOf(repo);
  const flags = new Map<string, number>([
    [a, FROM_A],
    [b, FROM_B],
  ]);
  const queue: { oid: string; time: number }[] = [];
  const push = (oid: string) => {
    const time = db.header(oid).time;
    // keep the queue sorted oldest first so pop() takes the newest
    let i = queue.length;
    while (i > 0 && queue[i - 1]!.time > time) i--;
    queue.splice(i, 0, { oid, time });
  };
  push(a);
  push(b);
  const found: string[] = [];
  while (queue.some((q) => !((flags.get(q.oid) ?? 0) & STALE))) {
    const { oid } = queue.pop()!;
    let f = flags.get(oid)!;
    if ((f & (FROM_A | FROM_B)) === (FROM_A | FROM_B) && !(f & STALE)) {
      found.push(oid);
      f |= STALE;
      flags.set(oid, f);
    }
    for (const p of db.header(oid).parents) {
      const pf = flags.get(p);
      const next = (pf ?? 0) | (f & (FROM_A | FROM_B | STALE));
      if (pf === next) continue;
      flags.set(p, next);
      if (pf === undefined) push(p);
      else if (!queue.some((q) => q.oid === p)) push(p);
    }
  }
  return Promise.resolve(found[0] ?? null);
}
