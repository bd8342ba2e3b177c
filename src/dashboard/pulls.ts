/**
 * Which pull request brought each commit in, from git alone: GitHub's merge button writes
 * `Merge pull request #N from <branch>` (as our local forge does), and a squash merge ends its
 * subject with `(#N)`. A merged branch's commits are the merge's second parent and its first
 * parents back to the mainline. All of that is only claimed by commit messages until the forge
 * confirms it (`confirmPullRefs`).
 */
import { confirmPulls } from '../audit/confirm.js';
import type { Forge } from '../forge/index.js';
import type { HistoryEntry } from '../repo/index.js';
import type { PullRef } from './types.js';

const MERGE = /^Merge pull request #(\d+) from /;
const SQUASH = /\(#(\d+)\)$/;
/** Commits of one pull request followed at most: a branch is short; a bad graph is not walked whole. */
const MAX_BRANCH = 1000;

/**
 * Commit oid → the pull request that brought it in, for every commit of `log` (one walk of
 * the whole history, newest first, as `history(repo, { paths: [] })` gives it).
 * @example
 * pullsOf(await history(repo, { paths: [], limit: 5000 })).get(promotionCommit)?.number // 2
 */
export function pullsOf(log: readonly HistoryEntry[]): Map<string, PullRef> {
  const byOid = new Map(log.map((e) => [e.oid, e]));
  const mainline = new Set<string>();
  for (let e = log[0]; e; e = e.parents[0] === undefined ? undefined : byOid.get(e.parents[0]))
    mainline.add(e.oid);

  const out = new Map<string, PullRef>();
  for (const e of log) {
    const merge = e.parents.length === 2 ? MERGE.exec(e.subject) : null;
    if (merge) {
      const pull = pullRef(e, Number(merge[1]), titleOf(e.message));
      out.set(e.oid, pull);
      let at = byOid.get(e.parents[1]!);
      for (let n = 0; at && !mainline.has(at.oid) && n < MAX_BRANCH; n++) {
        if (!out.has(at.oid)) out.set(at.oid, pull);
        at = at.parents[0] === undefined ? undefined : byOid.get(at.parents[0]);
      }
      continue;
    }
    const squash = e.parents.length === 1 ? SQUASH.exec(e.subject) : null;
    if (squash && !out.has(e.oid))
      out.set(e.oid, pullRef(e, Number(squash[1]), e.subject.replace(SQUASH, '').trim()));
  }
  return out;
}

function pullRef(e: HistoryEntry, number: number, subject: string): PullRef {
  return {
    number,
    oid: e.oid,
    date: isoTime(e.author.timestamp),
    author: e.author.name,
    subject,
    ...(e.trailers.Decision?.[0] ? { decision: e.trailers.Decision[0] } : {}),
    approvedBy: e.trailers['Approved-by'] ?? [],
    confirmed: false,
    note: UNCONFIRMED,
  };
}

/** What a pull request known from git alone is. */
export const UNCONFIRMED = 'from the commit message (not confirmed)';

/**
 * Asks the forge about every pull request the commits name, once per merge: a confirmed one
 * is marked so; one the forge denies keeps the reason. Returns the map with its refs updated.
 * @example
 * await confirmPullRefs(pullsOf(log), forge, 'main');
 */
export async function confirmPullRefs(
  pulls: Map<string, PullRef>,
  forge: Forge,
  branch: string,
): Promise<Map<string, PullRef>> {
  const merges = new Map<string, PullRef>();
  for (const p of pulls.values()) merges.set(p.oid, p);
  const answers = await confirmPulls(
    forge,
    [...merges.values()].map((p) => ({ number: p.number, commit: p.oid, branch })),
  );
  const updated = new Map<string, PullRef>();
  for (const p of merges.values()) {
    const a = answers.get(p.oid);
    updated.set(
      p.oid,
      a?.confirmed
        ? { ...p, confirmed: true, note: `confirmed by the forge: merged into ${branch}` }
        : { ...p, note: `claimed by the commit message, not confirmed: ${a?.why ?? 'unknown'}` },
    );
  }
  return new Map([...pulls].map(([oid, p]) => [oid, updated.get(p.oid) ?? p]));
}

/** A merge's title: the paragraph after `Merge pull request #N from …`, on one line. */
function titleOf(message: string): string {
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n\s*\n/);
  return (paragraphs[1] ?? paragraphs[0] ?? '').replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The message between the subject and the trailers: what a commit says beyond its subject
 * (a rollout step's figures, a registration's metrics).
 * @example
 * bodyOf('rollback 1.1.0\n\nThe figures:\n  errors 5\n\nModel: m\nDecision: rollback\n') // 'The figures:\n  errors 5'
 */
export function bodyOf(message: string, trailerCount: number): string {
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .trimEnd()
    .split(/\n[ \t]*\n/);
  paragraphs.shift();
  if (trailerCount > 0 && paragraphs.length) paragraphs.pop();
  return paragraphs.join('\n\n').replace(/^\n+/, '');
}

/** A git timestamp (seconds) as an ISO time, UTC. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
