/**
 * What the GitHub test double answers about commits: a pull request's commits and one commit,
 * with the accounts GitHub maps their author and committer to and GitHub's signature check
 * (`commit.verification`), as a test seeded them (`seedCommit`, `setPullCommits`).
 */
import { failed, notFound, type Ctx, type Reply } from './github-double-routes.js';
import type { DoubleCommitInfo } from './github-double-state.js';

/** A commit nobody seeded: unsigned, and its addresses belong to no account. */
const UNKNOWN: DoubleCommitInfo = {
  author: null,
  committer: null,
  verified: false,
  reason: 'unsigned',
  message: 'change',
};

export const commitRoutes: Record<string, (ctx: Ctx) => Reply> = {
  'pulls/list-commits': (ctx) => {
    const pr = ctx.state.pulls.get(Number(ctx.params['pull_number']));
    if (!pr) return notFound();
    const shas = ctx.state.pullCommits.get(pr.number) ?? [ctx.state.headSha(pr)];
    return {
      status: 200,
      list: shas.map((sha) =>
        ctx.shapes.commit(ctx.op, 200, sha, ctx.state.commitInfo.get(sha) ?? UNKNOWN),
      ),
    };
  },

  'repos/get-commit': (ctx) => {
    const ref = ctx.params['ref'] ?? '';
    const sha = ctx.state.branches.get(ref) ?? ref;
    if (!ctx.state.commits.has(sha) && !ctx.state.commitInfo.has(sha))
      return failed([], `No commit found for SHA: ${ref}`);
    return {
      status: 200,
      body: ctx.shapes.commit(ctx.op, 200, sha, ctx.state.commitInfo.get(sha) ?? UNKNOWN),
    };
  },
};
