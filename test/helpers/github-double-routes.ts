/**
 * What the GitHub test double does for each pull request operation, keyed by GitHub's
 * `operationId`, with GitHub's rules and messages where a caller can trip on them (a merge
 * whose head moved, an author approving their own pull request, a second pull request for the
 * same branch, a team that is not a collaborator); the shared pieces of every route.
 */
import type { Operation } from './github-double-openapi.js';
import type { Shapes } from './github-double-shapes.js';
import type { DoubleIssue, DoublePull, DoubleState, ReviewState } from './github-double-state.js';

export interface Ctx {
  op: Operation;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  /** The token's owner. */
  login: string;
  state: DoubleState;
  shapes: Shapes;
}

/** A status and a body; `list` is a collection the server pages (`per_page`, `page`, `Link`). */
export interface Reply {
  status: number;
  body?: unknown;
  list?: unknown[];
}

export const DOCS = 'https://docs.github.com/rest';
export const notFound = (): Reply => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: DOCS },
});
export const failed = (errors: unknown[], message = 'Validation Failed'): Reply => ({
  status: 422,
  body: { message, errors, documentation_url: DOCS },
});
/** `validation_failed_simple`: the errors are strings. */
const unprocessable = (error: string): Reply => failed([error], 'Unprocessable Entity');

export function labelNames(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return list.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)));
}

export function newest<T extends { createdAt: string; number: number }>(
  items: T[],
  query: URLSearchParams,
): T[] {
  const asc = query.get('direction') === 'asc';
  return [...items].sort(
    (a, b) => (asc ? 1 : -1) * (a.createdAt.localeCompare(b.createdAt) || a.number - b.number),
  );
}

export function byState<T extends { state: string }>(items: T[], query: URLSearchParams): T[] {
  const want = query.get('state') ?? 'open';
  return want === 'all' ? items : items.filter((i) => i.state === want);
}

function pullOf(ctx: Ctx, key = 'pull_number'): DoublePull | undefined {
  return ctx.state.pulls.get(Number(ctx.params[key]));
}

export function itemOf(ctx: Ctx): DoubleIssue | DoublePull | undefined {
  const n = Number(ctx.params['issue_number']);
  return ctx.state.issues.get(n) ?? ctx.state.pulls.get(n);
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const pullRoutes: Record<string, (ctx: Ctx) => Reply> = {
  'pulls/list': (ctx) => {
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    const found = byState([...ctx.state.pulls.values()], ctx.query).filter(
      (p) =>
        (!head || head === `${ctx.state.owner}:${p.head}` || head === ctx.state.owner) &&
        (!base || p.base === base),
    );
    return {
      status: 200,
      list: newest(found, ctx.query).map((p) => ctx.shapes.pull(ctx.op, 200, p)),
    };
  },

  'pulls/create': (ctx) => {
    const b = ctx.body ?? {};
    const { state, login } = ctx;
    const head = (str(b['head']) ?? '').replace(`${state.owner}:`, '');
    const base = str(b['base']) ?? '';
    if (!state.branches.has(head))
      return failed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (!state.branches.has(base))
      return failed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (
      [...state.pulls.values()].some(
        (p) => p.state === 'open' && p.head === head && p.base === base,
      )
    ) {
      const message = `A pull request already exists for ${state.owner}:${head}.`;
      return failed([{ resource: 'PullRequest', code: 'custom', message }]);
    }
    if (state.branches.get(head) === state.branches.get(base)) {
      return failed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${base} and ${head}`,
        },
      ]);
    }
    const pr = state.openPull({
      title: str(b['title']) ?? '',
      body: str(b['body']) ?? null,
      head,
      base,
      author: login,
    });
    return { status: 201, body: ctx.shapes.pull(ctx.op, 201, pr) };
  },

  'pulls/get': (ctx) => {
    const pr = pullOf(ctx);
    return pr ? { status: 200, body: ctx.shapes.pull(ctx.op, 200, pr) } : notFound();
  },

  'pulls/update': (ctx) => {
    const pr = pullOf(ctx);
    if (!pr) return notFound();
    const b = ctx.body ?? {};
    if (str(b['title']) !== undefined) pr.title = str(b['title'])!;
    if (str(b['body']) !== undefined) pr.body = str(b['body'])!;
    if (b['state'] === 'closed' && pr.state === 'open') {
      Object.assign(pr, { state: 'closed', closedAt: ctx.state.now() });
      pr.closedHeadSha = ctx.state.headSha(pr);
      pr.closedBaseSha = ctx.state.baseSha(pr);
    }
    pr.updatedAt = ctx.state.now();
    return { status: 200, body: ctx.shapes.pull(ctx.op, 200, pr) };
  },

  'pulls/request-reviewers': (ctx) => {
    const pr = pullOf(ctx);
    if (!pr) return notFound();
    const users = labelNames(ctx.body?.['reviewers']);
    const teams = labelNames(ctx.body?.['team_reviewers']);
    if (users.includes(pr.author))
      return failed([], 'Review cannot be requested from pull request author.');
    if (teams.some((t) => !ctx.state.teams.has(t))) {
      const repo = `${ctx.state.owner}/${ctx.state.repo}`;
      const message = `Reviews may only be requested from collaborators. One or more of the teams you specified is not a collaborator of the ${repo} repository.`;
      return failed([], message);
    }
    pr.reviewers = [...new Set([...pr.reviewers, ...users])];
    pr.teams = [...new Set([...pr.teams, ...teams])];
    return { status: 201, body: ctx.shapes.pull(ctx.op, 201, pr) };
  },

  'pulls/list-reviews': (ctx) => {
    const n = Number(ctx.params['pull_number']);
    if (!ctx.state.pulls.has(n)) return notFound();
    const visible = ctx.state.reviews.filter(
      (r) => r.pull === n && (r.state !== 'PENDING' || r.user === ctx.login),
    );
    return { status: 200, list: visible.map((r) => ctx.shapes.review(ctx.op, 200, r)) };
  },

  'pulls/create-review': (ctx) => {
    const pr = pullOf(ctx);
    if (!pr) return notFound();
    const b = ctx.body ?? {};
    const event = str(b['event']);
    const body = str(b['body']) ?? '';
    const commitId = str(b['commit_id']) ?? ctx.state.headSha(pr);
    if (pr.author === ctx.login && event === 'APPROVE')
      return unprocessable('Can not approve your own pull request');
    if (pr.author === ctx.login && event === 'REQUEST_CHANGES') {
      return unprocessable('Can not request changes on your own pull request');
    }
    if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !body) {
      return unprocessable(`Review Body is required when the event is ${event}`);
    }
    if (!ctx.state.commits.has(commitId))
      return unprocessable(`No commit found for SHA: ${commitId}`);
    const states: Record<string, ReviewState> = {
      APPROVE: 'APPROVED',
      REQUEST_CHANGES: 'CHANGES_REQUESTED',
      COMMENT: 'COMMENTED',
    };
    const review = {
      id: ctx.state.nextId(),
      pull: pr.number,
      user: ctx.login,
      state: event ? (states[event] ?? 'PENDING') : 'PENDING',
      commitId,
      body,
      submittedAt: event ? ctx.state.now() : null,
    };
    ctx.state.reviews.push(review);
    if (event) pr.reviewers = pr.reviewers.filter((u) => u !== ctx.login);
    return { status: 200, body: ctx.shapes.review(ctx.op, 200, review) };
  },

  'pulls/merge': (ctx) => {
    const pr = pullOf(ctx);
    if (!pr) return notFound();
    const b = ctx.body ?? {};
    const notMergeable = {
      status: 405,
      body: { message: 'Pull Request is not mergeable', documentation_url: DOCS },
    };
    if (pr.state !== 'open') return notMergeable;
    const head = ctx.state.headSha(pr);
    if (str(b['sha']) !== undefined && b['sha'] !== head) {
      const message = 'Head branch was modified. Review and try the merge again.';
      return { status: 409, body: { message, documentation_url: DOCS } };
    }
    if (!pr.mergeable) return notMergeable;
    const base = ctx.state.baseSha(pr);
    const sha = ctx.state.newSha();
    ctx.state.merges.push({
      pull: pr.number,
      sha,
      title:
        str(b['commit_title']) ??
        `Merge pull request #${pr.number} from ${ctx.state.owner}/${pr.head}`,
      message: str(b['commit_message']) ?? pr.title,
      parents: [base, head],
    });
    ctx.state.branches.set(pr.base, sha);
    const now = ctx.state.now();
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      mergeCommitSha: sha,
      closedAt: now,
      mergedAt: now,
    });
    Object.assign(pr, { updatedAt: now, closedHeadSha: head, closedBaseSha: base });
    return {
      status: 200,
      body: { sha, merged: true, message: 'Pull Request successfully merged' },
    };
  },
};
