import {
  evaluateGovernance,
  governanceInputsAt,
  governanceMarkdown,
  readRegistration,
  verifyApproval,
  type ApprovalResult,
  type GovernanceInput,
  type GovernanceResult,
} from '../governance/index.js';
import type { CommitStatus, Forge, ForgeCommit, PullRequest } from '../forge/index.js';
import { formatFinding, type Finding } from '../records/index.js';
import type { Repo } from '../repo/index.js';
import { validateRepository } from '../validate/index.js';
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
  /** The pull request's commits, as the forge vouches for them. */
  commits: ForgeCommit[];
  /**
   * What validation of the head against the base refused (errors only), when it ran: any
   * finding makes the decision `reject`, so a refused change never merges.
   */
  validation?: Finding[];
}

export interface JudgeOptions {
  /**
   * Validate the head against the base first (default true). `verifyMergedPromotion` skips
   * it: a merged change is re-judged for its approval, and validation ran before the merge.
   */
  validate?: boolean;
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
  opts: JudgeOptions = {},
): Promise<Judgement> {
  if (!target) throw new Error(`#${pr.number} (${pr.head}) is not a promotion branch`);
  const input = await governanceInputsAt(repo, {
    base: pr.base,
    head: pr.headSha,
    model: target.model,
    version: target.version,
  });
  if (input.registered)
    input.registration = await readRegistration(repo, forge, { ...target, head: pr.headSha });
  const validation =
    opts.validate === false
      ? undefined
      : (
          await validateRepository({ dir: repo.dir, ref: pr.headSha, base: pr.base })
        ).findings.filter((f) => f.severity === 'error');
  const result = refusedBy(evaluateGovernance(input), validation);
  const members = await teams(forge, result.reviewers);
  const commits = await forge.pullRequestCommits(pr.number);
  const approval = verifyApproval({
    result,
    reviews: await forge.listReviews(pr.number),
    author: pr.author,
    headSha: pr.headSha,
    members: (h) => members.get(h) ?? null,
    commits,
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
    commits,
    ...(validation ? { validation } : {}),
  };
}

/**
 * A change validation refuses is rejected whatever governance thinks of the version: the
 * findings (`path:line:col: rule: message`) become the reasons, first, so the status and the
 * PR show them.
 */
function refusedBy(result: GovernanceResult, findings: Finding[] | undefined): GovernanceResult {
  if (!findings?.length) return result;
  const n = findings.length;
  const reasons = [
    `validation against the base refuses the change (${n} finding${n === 1 ? '' : 's'})`,
    ...findings.map((f) => `validation: ${formatFinding(f)}`),
  ];
  const all = [...reasons, ...(result.decision === 'reject' ? result.reasons : [])];
  return {
    ...result,
    decision: 'reject',
    reasons: all,
    summary: `reject: ${findings[0] ? formatFinding(findings[0]) : reasons[0]}${n > 1 ? ` (and ${n - 1} more)` : ''}`,
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
