/**
 * GitHub's REST JSON → the forge port's types, and GitHub's errors → `ForgeError`.
 */
import type { getOctokit } from '@actions/github';
import { ForgeError, type ForgeErrorCode } from './errors.js';
import type { ForgeCommit, Issue, PullRequest, Review, ReviewState } from './port.js';

type Octokit = ReturnType<typeof getOctokit>;
type DataOf<F> = F extends (...args: never[]) => Promise<{ data: infer D }> ? D : never;

export type GhPull = DataOf<Octokit['rest']['pulls']['get']>;
export type GhPullSimple = DataOf<Octokit['rest']['pulls']['list']>[number];
export type GhReview = DataOf<Octokit['rest']['pulls']['listReviews']>[number];
export type GhIssue = DataOf<Octokit['rest']['issues']['get']>;
export type GhCommit = DataOf<Octokit['rest']['pulls']['listCommits']>[number];

/** A pull request, from `GET …/pulls/{n}` (full) or a list (simple). Teams read `org/slug`. */
export function toPullRequest(pr: GhPull | GhPullSimple, org: string): PullRequest {
  const merged = ('merged' in pr && pr.merged) || pr.merged_at != null;
  const teams = (pr.requested_teams ?? []).map((t) => `${org}/${t.slug}`);
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    head: pr.head.ref,
    base: pr.base.ref,
    headSha: pr.head.sha,
    author: pr.user?.login ?? '',
    state: merged ? 'merged' : pr.state === 'open' ? 'open' : 'closed',
    labels: pr.labels.map((l) => l.name),
    requestedReviewers: [...(pr.requested_reviewers ?? []).map((u) => u.login), ...teams],
    ...(merged && pr.merge_commit_sha ? { mergeCommit: pr.merge_commit_sha } : {}),
    url: pr.html_url,
  };
}

const REVIEW_STATES = new Set<string>(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED']);

/** A submitted review; null for a pending one (a draft only its author sees). */
export function toReview(r: GhReview): Review | null {
  if (!REVIEW_STATES.has(r.state)) return null;
  return {
    id: r.id,
    user: r.user?.login ?? '',
    state: r.state as ReviewState,
    commitId: r.commit_id ?? '',
    submittedAt: r.submitted_at ?? '',
    body: r.body ?? '',
  };
}

/**
 * A commit with the accounts GitHub maps its author and committer to (null: an address of no
 * account) and whether GitHub verified its signature.
 */
export function toForgeCommit(c: GhCommit): ForgeCommit {
  const login = (u: unknown) =>
    u && typeof u === 'object' && typeof (u as { login?: unknown }).login === 'string'
      ? (u as { login: string }).login
      : null;
  return {
    sha: c.sha,
    author: login(c.author),
    committer: login(c.committer),
    verified: c.commit.verification?.verified === true,
  };
}

export function toIssue(i: GhIssue): Issue {
  return {
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    state: i.state === 'closed' ? 'closed' : 'open',
    labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    url: i.html_url,
  };
}

interface GhFailure {
  status: number;
  message: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

function asFailure(err: unknown): GhFailure | null {
  if (typeof err !== 'object' || err === null || typeof (err as GhFailure).status !== 'number')
    return null;
  return err as GhFailure;
}

/** GitHub's own words: its `message`, and a 422's `errors` (objects or strings). */
function githubReason(f: GhFailure): { message: string; errors: string[] } {
  const data = (f.response?.data ?? {}) as { message?: unknown; errors?: unknown };
  const message = typeof data.message === 'string' ? data.message : f.message;
  const errors = (Array.isArray(data.errors) ? data.errors : []).map((e: unknown) => {
    if (typeof e === 'string') return e;
    const o = (e ?? {}) as Record<string, unknown>;
    if (typeof o['message'] === 'string') return o['message'];
    return [o['resource'], o['field'], o['code']].filter((x) => typeof x === 'string').join(' ');
  });
  return { message, errors };
}

function isRateLimit(f: GhFailure, message: string): boolean {
  const remaining = f.response?.headers?.['x-ratelimit-remaining'];
  return f.status === 429 || remaining === '0' || /rate limit/i.test(message);
}

/**
 * The `ForgeError` for a failed request. `what` says what was being done ("merge #3").
 * A merge's 409 is a head that moved; its 405 is a pull request that does not merge
 * (conflicts), or a rule (protection, required checks or reviews) refusing it.
 */
export function toForgeError(err: unknown, what: string, baseUrl: string): ForgeError {
  if (err instanceof ForgeError) return err;
  const f = asFailure(err);
  if (!f) return new ForgeError('UNAVAILABLE', `${what}: ${String(err)}`, { what }, { cause: err });
  if (!f.response) {
    const message = `${what}: cannot reach GitHub at ${baseUrl} (${f.message})`;
    return new ForgeError('NOT_CONFIGURED', message, { what, baseUrl }, { cause: err });
  }
  const { message, errors } = githubReason(f);
  const detail = errors.length > 0 ? `${message}: ${errors.join('; ')}` : message;
  const data = { what, status: f.status, message, errors };
  let code: ForgeErrorCode;
  if (f.status === 401) code = 'NOT_CONFIGURED';
  else if (f.status === 403 || f.status === 429)
    code = isRateLimit(f, message) ? 'RATE_LIMITED' : 'FORBIDDEN';
  else if (f.status === 404 || f.status === 410) code = 'NOT_FOUND';
  else if (f.status === 409) code = 'CONFLICT';
  else if (f.status === 405)
    code = /rule|protect|required|review|status check/i.test(message) ? 'FORBIDDEN' : 'CONFLICT';
  else if (f.status >= 500) code = 'UNAVAILABLE';
  else code = 'INVALID';
  const hint =
    f.status === 409
      ? ' (the head moved since it was read)'
      : code === 'CONFLICT'
        ? ' (it does not merge cleanly)'
        : '';
  return new ForgeError(code, `${what}: GitHub answered ${f.status}: ${detail}${hint}`, data, {
    cause: err,
  });
}
