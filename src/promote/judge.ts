import {
  evaluateGovernance,
  governanceInputsAt,
  governanceMarkdown,
  verifyApproval,
  type ApprovalResult,
  type GovernanceInput,
  type GovernanceResult,
} from '../governance/index.js';
import type { CommitStatus, Forge, PullRequest } from '../forge/index.js';
import type { Repo } from '../repo/index.js';
import { parsePromotionBranch } from './body.js';

/** The commit status a promotion's head carries; branch protection requires it. */
export const GOVERNANCE_CONTEXT = 'mlops/governance';

export interface Judgement {
  model: string;
  version: string;
  /** What was judged: the policy, model, candidate and production as governance read them. */
  input: GovernanceInput;
  result: GovernanceResult;
  approval: ApprovalResult;
  status: CommitStatus;
  /** Governance allows the merge now: checks pass, and approvals where risk is high. */
  mergeable: boolean;
  /** The governance section of the PR body (checks, risk, decision, approvals). */
  markdown: string;
}

/**
 * Judges a promotion pull request as it stands: governance evaluated with the policy of its
 * base, and the reviews on its latest commit checked against the approvers.
 * @example
 * const j = await judgePromotion(repo, forge, pr);
 * await forge.createCommitStatus(pr.headSha, j.status);
 */
export async function judgePromotion(
  repo: Repo,
  forge: Forge,
  pr: PullRequest,
  /** What the PR promotes; by default read from its `promote/<model>/<version>` branch. */
  target: { model: string; version: string } | null = parsePromotionBranch(pr.head),
): Promise<Judgement> {
  if (!target) throw new Error(`#${pr.number} (${pr.head}) is not a promotion branch`);
  const input = await governanceInputsAt(repo, {
    base: pr.base,
    head: pr.headSha,
    model: target.model,
    version: target.version,
  });
  const result = evaluateGovernance(input);
  const members = await teams(forge, result.reviewers);
  const approval = verifyApproval({
    result,
    reviews: await forge.listReviews(pr.number),
    author: pr.author,
    headSha: pr.headSha,
    members: (h) => members.get(h) ?? null,
  });
  const status = statusOf(result, approval);
  return {
    ...target,
    input,
    result,
    approval,
    status,
    mergeable: status.state === 'success',
    markdown: governanceMarkdown(result, { approval }),
  };
}

function statusOf(result: GovernanceResult, approval: ApprovalResult): CommitStatus {
  const cut = (s: string) => (s.length > 140 ? s.slice(0, 137) + '...' : s);
  if (result.decision === 'reject') {
    return { context: GOVERNANCE_CONTEXT, state: 'failure', description: cut(result.summary) };
  }
  if (result.decision === 'needs-review' && !approval.satisfied) {
    const who = result.reviewers.join(' or ');
    return {
      context: GOVERNANCE_CONTEXT,
      state: 'pending',
      description: cut(
        `high risk: waiting for ${approval.missing} approval(s) by ${who} on the latest commit`,
      ),
    };
  }
  const how =
    result.decision === 'auto-approve'
      ? 'low risk, all checks pass: approved by policy'
      : `approved by ${approval.approvedBy.join(', ')}`;
  return { context: GOVERNANCE_CONTEXT, state: 'success', description: cut(how) };
}

async function teams(forge: Forge, handles: string[]): Promise<Map<string, string[] | null>> {
  const out = new Map<string, string[] | null>();
  for (const h of handles) out.set(h, await forge.teamMembers(h));
  return out;
}
