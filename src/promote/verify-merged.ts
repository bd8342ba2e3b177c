import type { Forge, PullRequest } from '../forge/index.js';
import { resolveRef, type Repo } from '../repo/index.js';
import { promotionBranch } from './body.js';
import { judgePromotion, type Judgement } from './judge.js';

/** Whether a candidate on the branch came there through a satisfying, merged promotion. */
export interface MergedApproval {
  approved: boolean;
  /** One line: who approved, or why it does not count. */
  summary: string;
  pr?: PullRequest;
  judgement?: Judgement;
}

/**
 * Verifies, after the merge, the approval of a candidate: the latest merged pull request of
 * its `promote/<model>/<version>` branch, judged again with the policy at the merge's base
 * (the merge commit's first parent) and the reviews on the head it merged. A candidate with
 * no merged promotion, or whose promotion did not satisfy the policy (a merge that went round
 * the required check), is not approved.
 * @example
 * const v = await verifyMergedPromotion(repo, forge, 'fraud', '1.3.0');
 * if (!v.approved) await forge.createIssue({ title: `Rollout refused: fraud 1.3.0`, body: v.summary });
 */
export async function verifyMergedPromotion(
  repo: Repo,
  forge: Forge,
  model: string,
  version: string,
): Promise<MergedApproval> {
  const branch = promotionBranch(model, version);
  const merged = (await forge.listPullRequests('closed'))
    .filter((p) => p.state === 'merged' && p.head === branch)
    .sort((a, b) => b.number - a.number);
  const pr = merged[0];
  if (!pr) {
    return {
      approved: false,
      summary: `${model} ${version} reached the branch without a merged promotion pull request (${branch})`,
    };
  }
  const base = pr.mergeCommit ? await resolveRef(repo, `${pr.mergeCommit}^1`) : pr.base;
  const judgement = await judgePromotion(repo, forge, { ...pr, base }, { model, version });
  const by = judgement.approval.approvedBy;
  const summary = judgement.mergeable
    ? `#${pr.number} ${judgement.result.decision === 'auto-approve' ? 'auto-approved by policy (low risk, all checks pass)' : `approved by ${by.join(', ')}`}`
    : `#${pr.number} was merged without a satisfying approval: ${judgement.status.description}`;
  return { approved: judgement.mergeable, summary, pr, judgement };
}
