import { mergeBase, resolveRef, type Repo } from '../repo/index.js';
import { ForgeError } from './errors.js';
import { OID, validNumber, type StoreContext } from './local-records.js';
import type { PullRecord } from './local-store.js';
import { mergeIntoBase } from './merge.js';
import type { PullRequest } from './port.js';

/** A pull request's record, or NOT_FOUND. */
export async function readPull(ctx: StoreContext, number: number): Promise<PullRecord> {
  const r = validNumber(number)
    ? await ctx.store.read<PullRecord>(`pulls/${number}.json`)
    : undefined;
  if (!r) throw new ForgeError('NOT_FOUND', `no pull request #${number}`, { number });
  return r;
}

/** Every pull request record, newest first. */
export async function readPulls(ctx: StoreContext): Promise<PullRecord[]> {
  const out: PullRecord[] = [];
  for (const n of await ctx.store.numbers('pulls')) {
    const r = await ctx.store.read<PullRecord>(`pulls/${n}.json`);
    if (r) out.push(r);
  }
  return out;
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

/** Merges an open pull request whose head is still at `input.sha` (holding the lock). */
export function mergePull(
  ctx: StoreContext,
  identity: { name: string; email: string },
  number: number,
  input: { sha: string; title: string; message: string },
): Promise<{ sha: string }> {
  return ctx.store.withLock(async () => {
    const r = await readPull(ctx, number);
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
    const title = input.title.trim() === '' ? r.title : input.title.trim();
    const when = ctx.now();
    const sha = await mergeIntoBase(ctx.repo, {
      base: r.base,
      headSha,
      message: mergeMessage(number, r.head, title, input.message),
      author: { ...identity, timestamp: Math.floor(when.getTime() / 1000), timezoneOffset: 0 },
    });
    r.state = 'merged';
    r.mergeCommit = sha;
    r.mergedBy = ctx.login;
    r.headSha = headSha;
    r.updatedAt = when.toISOString();
    await ctx.store.write(`pulls/${number}.json`, r);
    return { sha };
  });
}
