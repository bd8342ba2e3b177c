import type { ForgeCommit, Review } from '../forge/port.js';
import type { GovernanceResult } from './types.js';

export interface ApprovalInput {
  result: Pick<GovernanceResult, 'decision' | 'reviewers' | 'requiredApprovals'>;
  /** The pull request's reviews, oldest first (as the forge lists them). */
  reviews: readonly Review[];
  /** Who opened the pull request: their approval never counts. */
  author: string;
  /** The pull request's latest commit: only reviews given on it count. */
  headSha: string;
  /** The logins of a team handle (`org/team`), or null when the handle is a user. */
  members?: (handle: string) => string[] | null;
  /**
   * The pull request's commits with who the forge says authored and committed each: a
   * reviewer who wrote any of them approves their own work, and does not count.
   */
  commits?: readonly Pick<ForgeCommit, 'sha' | 'author' | 'committer'>[];
}

export interface IgnoredReview {
  user: string;
  reason: string;
}

export interface ApprovalResult {
  /** Governance allows the merge: auto-approved, or approved by enough approvers, no veto. */
  satisfied: boolean;
  /** Approvers whose approval of the latest commit counts. */
  approvedBy: string[];
  /** Approvers whose latest review asks for changes on the latest commit: they block. */
  changesRequestedBy: string[];
  /** Latest reviews that do not count, each with why. */
  ignored: IgnoredReview[];
  /** Approvals still needed (0 unless the decision is needs-review). */
  missing: number;
  /** One line: what the approval stands at. */
  summary: string;
}

const norm = (handle: string) => handle.replace(/^@/, '').toLowerCase();

/**
 * Whether a promotion's reviews satisfy its governance decision. Only each user's latest
 * review counts (comments aside, as on GitHub); an approval counts when it is of the latest
 * commit, not by the author nor by anyone who authored or committed a commit of the pull
 * request, and by an approver (a handle of the policy, ignoring `@` and case, or a member of
 * an approver team). Changes requested by an approver on the latest
 * commit block, whatever the decision. Auto-approve needs no review; reject is never satisfied.
 * @example
 * verifyApproval({ result, reviews: await forge.listReviews(pr.number), author: pr.author, headSha: pr.headSha })
 * // { satisfied: false, approvedBy: [], ignored: [{ user: 'ana', reason: 'the author cannot approve their own promotion' }], missing: 1, … }
 */
export function verifyApproval(input: ApprovalInput): ApprovalResult {
  const { result, author, headSha } = input;
  const approver = approverTest(result.reviewers, input.members);
  // a reviewer who pushed a commit to the pull request would approve their own change: the
  // second pair of eyes the policy asks for is gone, whoever opened it
  const contributed = (user: string): string | null => {
    const c = (input.commits ?? []).find(
      (c) =>
        (c.author && norm(c.author) === norm(user)) ||
        (c.committer && norm(c.committer) === norm(user)),
    );
    if (!c) return null;
    const role = c.author && norm(c.author) === norm(user) ? 'authored' : 'committed';
    return `${role} commit ${c.sha.slice(0, 7)} of the pull request: nobody approves their own change`;
  };
  const latest = new Map<string, Review>();
  for (const r of input.reviews) if (r.state !== 'COMMENTED') latest.set(norm(r.user), r);

  const approvedBy: string[] = [];
  const changesRequestedBy: string[] = [];
  const ignored: IgnoredReview[] = [];
  const who = result.reviewers.map((h) => `@${h.replace(/^@/, '')}`).join(', ');
  for (const r of latest.values()) {
    const ignore = (reason: string) => ignored.push({ user: r.user, reason });
    const onHead = r.commitId.toLowerCase() === headSha.toLowerCase();
    const older = `an older commit ${r.commitId.slice(0, 7)} (the latest is ${headSha.slice(0, 7)})`;
    if (r.state === 'DISMISSED') ignore('the review was dismissed');
    else if (r.state === 'APPROVED') {
      const own = contributed(r.user);
      if (norm(r.user) === norm(author)) ignore('the author cannot approve their own promotion');
      else if (own) ignore(own);
      else if (!onHead) ignore(`approved ${older}`);
      else if (!approver(r.user)) ignore(`not an approver (${who})`);
      else approvedBy.push(r.user);
    } else if (norm(r.user) === norm(author)) ignore("the author's own review");
    else if (!onHead) ignore(`requested changes on ${older}`);
    else if (!approver(r.user)) ignore(`requested changes but is not an approver (${who})`);
    else changesRequestedBy.push(r.user);
  }

  const base = { approvedBy, changesRequestedBy, ignored };
  const veto = changesRequestedBy.length
    ? `changes requested by ${changesRequestedBy.map((u) => `@${u}`).join(', ')} on the latest commit`
    : '';
  if (result.decision === 'reject')
    return {
      ...base,
      satisfied: false,
      missing: 0,
      summary: 'rejected by governance: no approval can override it',
    };
  if (result.decision === 'auto-approve')
    return {
      ...base,
      satisfied: !veto,
      missing: 0,
      summary: veto || 'approved by policy: low risk and every check passes',
    };
  const missing = Math.max(0, result.requiredApprovals - approvedBy.length);
  const summary = veto
    ? veto
    : missing
      ? `${missing} more approval${missing === 1 ? '' : 's'} needed from ${result.reviewers.map((h) => `@${h.replace(/^@/, '')}`).join(' or ')} on the latest commit`
      : `approved by ${approvedBy.map((u) => `@${u}`).join(', ')}`;
  return { ...base, satisfied: !veto && missing === 0, missing, summary };
}

/** Whether a login may approve: it is an approver handle, or in an approver team. */
function approverTest(
  reviewers: readonly string[],
  members: ApprovalInput['members'],
): (login: string) => boolean {
  return (login) => {
    const l = norm(login);
    return reviewers.some((h) => norm(h) === l || (members?.(h) ?? []).some((m) => norm(m) === l));
  };
}
