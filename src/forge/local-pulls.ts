import { mergeBase, resolveRef, type Repo } from '../repo/index.js';
import { dbOf } from '../repo/db.js';
import { subjectOf } from '../repo/history.js';
import { readRefNowSync } from '../repo/ref-lock.js';
import { ForgeError } from './errors.js';
import { OID, validNumber, type StoreContext } from './local-records.js';
import type { PullRecord } from './local-store.js';
import { mergeIntoBase } from './merge.js';
import type { PullRequest } from './port.js';

/**
 * A pull request's record, or NOT_FOUND. A merge that was killed after it moved the base but
 * before it wrote the record shows as merged (see {@link settleMerge}); the next write of the
 * record keeps that.
 */
export async function readPull(ctx: StoreContext, number: number): Promise<PullRecord> {
  const r = validNumber(number)
    ? await ctx.store.read<PullRecord>(`pulls/${number}.json`)
    : undefined;
  if (!r) throw new ForgeError('NOT_FOUND', `no pull request #${number}`, { number });
  if (settleMerge(ctx.repo, r)) await persistSettled(ctx, number);
  return r;
}

/** Writes a settled merge into the record when the lock is free (else a later write does). */
async function persistSettled(ctx: StoreContext, number: number): Promise<void> {
  await ctx.store.tryWithLock(async () => {
    const r = await ctx.store.read<PullRecord>(`pulls/${number}.json`);
    if (r && settleMerge(ctx.repo, r)) await ctx.store.write(`pulls/${number}.json`, r);
  });
}

/** Every pull request record, newest first. */
export async function readPulls(ctx: StoreContext): Promise<PullRecord[]> {
  const out: PullRecord[] = [];
  for (const n of await ctx.store.numbers('pulls')) {
    const r = await ctx.store.read<PullRecord>(`pulls/${n}.json`);
    if (!r) continue;
    if (settleMerge(ctx.repo, r)) await persistSettled(ctx, n);
    out.push(r);
  }
  return out;
}

/**
 * Completes the record of a merge that was begun (`merging`) and is on the base's
 * first-parent history: state merged, with that merge commit. True when it did.
 */
export function settleMerge(repo: Repo, r: PullRecord): boolean {
  if (r.state !== 'open' || !r.merging) return false;
  const { headSha, baseTip, by, at } = r.merging;
  const sha = findPullMerge(repo, r, headSha, baseTip);
  if (!sha) return false;
  markMerged(r, sha, headSha, by, at);
  return true;
}

function markMerged(r: PullRecord, sha: string, headSha: string, by: string, at: string): void {
  r.state = 'merged';
  r.mergeCommit = sha;
  r.mergedBy = by;
  r.headSha = headSha;
  r.updatedAt = at;
  delete r.merging;
}

/** How far back along the base's first parents a merge is looked for without a known start. */
const SEARCH_LIMIT = 100_000;

/**
 * The merge commit of this pull request on its base's first-parent history: subject
 * `Merge pull request #N from <head>` and second parent `headSha`. The walk stops at
 * `stopAt` (the base tip the merge started from, which the merge descends from).
 *
 * @example
 * const sha = findPullMerge(repo, record, record.headSha);
 */
export function findPullMerge(
  repo: Repo,
  r: PullRecord,
  headSha: string,
  stopAt?: string,
): string | undefined {
  const db = dbOf(repo);
  const subject = `Merge pull request #${r.number} from ${r.head}`;
  let oid: string | null | undefined = readRefNowSync(repo, r.base);
  for (let n = 0; oid && oid !== stopAt && n < SEARCH_LIMIT; n++) {
    const h = db.header(oid);
    if (h.parents.length === 2 && h.parents[1] === headSha) {
      if (subjectOf(db.commit(oid).message) === subject) return oid;
    }
    oid = h.parents[0];
  }
  return undefined;
}

/** Read-modify-write of a pull request under the lock. */
export function updatePull(
  ctx: StoreContext,
  number: number,
  change: (r: PullRecord) => void | Promise<void>,
): Promise<PullRecord> {
  return ctx.store.withLock(async () => {
    const r = await readPull(ctx, number);
    await change(r);
    r.updatedAt = ctx.now().toISOString();
    await ctx.store.write(`pulls/${number}.json`, r);
    return r;
  });
}

/** The commit a branch is at, or NOT_FOUND naming it. */
export async function branchTip(
  repo: Repo,
  branch: string,
  which: 'head' | 'base',
): Promise<string> {
  try {
    return await resolveRef(repo, `refs/heads/${branch}`);
  } catch (e) {
    throw new ForgeError(
      'NOT_FOUND',
      `${which} branch "${branch}" does not exist`,
      { branch },
      { cause: e },
    );
  }
}

/** `commitId` must be a (full) commit id the head branch contains, else INVALID. */
export async function assertInHistory(repo: Repo, commitId: string, head: string): Promise<void> {
  const tip = await branchTip(repo, head, 'head');
  const commit = OID.test(commitId) ? await resolveRef(repo, commitId).catch(() => null) : null;
  if (commit !== commitId || (await mergeBase(repo, commitId, tip)) !== commitId) {
    throw new ForgeError(
      'INVALID',
      `${commitId} is not a commit of ${head} (reviews are given on the head branch's commits)`,
      { commitId, head },
    );
  }
}

/** The port's view of a record: the head commit read live while the PR is not merged. */
export async function pullView(repo: Repo, r: PullRecord): Promise<PullRequest> {
  const live =
    r.state === 'merged' ? null : await resolveRef(repo, `refs/heads/${r.head}`).catch(() => null);
  return {
    number: r.number,
    title: r.title,
    body: r.body,
    head: r.head,
    base: r.base,
    headSha: live ?? r.headSha,
    author: r.author,
    state: r.state,
    labels: [...r.labels],
    requestedReviewers: [...r.requestedReviewers],
    ...(r.mergeCommit === undefined ? {} : { mergeCommit: r.mergeCommit }),
    url: `local:#${r.number}`,
  };
}

/**
 * GitHub's merge-button message: `Merge pull request #N from <head>`, the title, then the
 * message when there is one.
 */
export function mergeMessage(number: number, head: string, title: string, body: string): string {
  const text = body.trim();
  return `Merge pull request #${number} from ${head}\n\n${title}\n` + (text ? `\n${text}\n` : '');
}

/**
 * Merges an open pull request whose head is still at `input.sha` (holding the lock), once
 * ever: the record notes the merge before it is made, and a merge of this pull request
 * already on the base's first-parent history (a run killed before it wrote the record) is
 * recorded instead of merged again.
 */
export function mergePull(
  ctx: StoreContext,
  identity: { name: string; email: string },
  number: number,
  input: { sha: string; title: string; message: string },
): Promise<{ sha: string }> {
  return ctx.store.withLock(async () => {
    const stored = await ctx.store.read<PullRecord>(`pulls/${number}.json`);
    const r = await readPull(ctx, number);
    if (stored?.state === 'open' && r.state === 'merged' && r.mergeCommit) {
      // an earlier merge of this head was killed after moving the base: finish its record
      await ctx.store.write(`pulls/${number}.json`, r);
      if (r.headSha === input.sha) return { sha: r.mergeCommit };
    }
    if (r.state !== 'open') {
      throw new ForgeError('INVALID', `pull request #${number} is ${r.state}, not open`, {
        number,
        state: r.state,
      });
    }
    const headSha = await branchTip(ctx.repo, r.head, 'head');
    if (headSha !== input.sha) {
      throw new ForgeError(
        'CONFLICT',
        `head moved: ${r.head} is at ${headSha}, expected ${input.sha}`,
        { number, expected: input.sha, actual: headSha },
      );
    }
    const when = ctx.now();
    const baseTip = await branchTip(ctx.repo, r.base, 'base');
    if ((await mergeBase(ctx.repo, baseTip, headSha)) === headSha) {
      // the head is already in the base: merged before, by a run whose record was lost?
      const done = findPullMerge(ctx.repo, r, headSha);
      if (done) {
        markMerged(r, done, headSha, ctx.login, when.toISOString());
        await ctx.store.write(`pulls/${number}.json`, r);
        return { sha: done };
      }
    }
    r.merging = { headSha, baseTip, by: ctx.login, at: when.toISOString() };
    await ctx.store.write(`pulls/${number}.json`, r);
    const title = input.title.trim() === '' ? r.title : input.title.trim();
    let sha: string;
    try {
      sha = await mergeIntoBase(ctx.repo, {
        base: r.base,
        headSha,
        message: mergeMessage(number, r.head, title, input.message),
        author: { ...identity, timestamp: Math.floor(when.getTime() / 1000), timezoneOffset: 0 },
      });
    } catch (e) {
      if (!settleMerge(ctx.repo, r)) delete r.merging; // refused: nothing was merged
      await ctx.store.write(`pulls/${number}.json`, r);
      throw e;
    }
    markMerged(r, sha, headSha, ctx.login, when.toISOString());
    await ctx.store.write(`pulls/${number}.json`, r);
    return { sha };
  });
}
