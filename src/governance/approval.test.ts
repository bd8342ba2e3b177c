import { describe, expect, it } from 'vitest';
import type { Review } from '../forge/port.js';
import { verifyApproval, type ApprovalInput } from './approval.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
let id = 0;
const review = (user: string, state: Review['state'], commitId = HEAD): Review => ({
  id: ++id,
  user,
  state,
  commitId,
  submittedAt: `2026-01-20T10:${String(id).padStart(2, '0')}:00Z`,
  body: '',
});
const high = {
  decision: 'needs-review' as const,
  reviewers: ['ml-leads', '@QA-Leads'],
  requiredApprovals: 1,
};
const verify = (reviews: Review[], patch: Partial<ApprovalInput> = {}) =>
  verifyApproval({ result: high, reviews, author: 'dana', headSha: HEAD, ...patch });

describe('verifyApproval', () => {
  it('is satisfied by an approver approving the latest commit (handles ignore @ and case)', () => {
    expect(verify([review('qa-leads', 'APPROVED')])).toEqual({
      satisfied: true,
      approvedBy: ['qa-leads'],
      changesRequestedBy: [],
      ignored: [],
      missing: 0,
      summary: 'approved by @qa-leads',
    });
  });

  it('never counts the author, even when the author is an approver', () => {
    const r = verify([review('ML-Leads', 'APPROVED')], { author: 'ml-leads' });
    expect(r).toMatchObject({
      satisfied: false,
      missing: 1,
      ignored: [{ user: 'ML-Leads', reason: 'the author cannot approve their own promotion' }],
      summary: '1 more approval needed from @ml-leads or @QA-Leads on the latest commit',
    });
  });

  it('does not count an approval of an older commit', () => {
    const r = verify([review('ml-leads', 'APPROVED', OLD)]);
    expect(r.satisfied).toBe(false);
    expect(r.ignored).toEqual([
      { user: 'ml-leads', reason: 'approved an older commit bbbbbbb (the latest is aaaaaaa)' },
    ]);
  });

  it('does not count someone who is not an approver, unless a team has them', () => {
    expect(verify([review('erin', 'APPROVED')]).ignored).toEqual([
      { user: 'erin', reason: 'not an approver (@ml-leads, @QA-Leads)' },
    ]);
    const members = (h: string) => (h === 'ml-leads' ? ['Erin', 'frank'] : null);
    expect(verify([review('erin', 'APPROVED')], { members })).toMatchObject({
      satisfied: true,
      approvedBy: ['erin'],
    });
  });

  it("counts only each user's latest review; a comment changes nothing", () => {
    const r = verify([
      review('ml-leads', 'APPROVED'),
      review('ml-leads', 'COMMENTED'),
      review('qa-leads', 'APPROVED'),
      review('qa-leads', 'DISMISSED'),
    ]);
    expect(r.approvedBy).toEqual(['ml-leads']);
    expect(r.ignored).toEqual([{ user: 'qa-leads', reason: 'the review was dismissed' }]);
    const later = verify([review('ml-leads', 'CHANGES_REQUESTED'), review('ml-leads', 'APPROVED')]);
    expect(later).toMatchObject({ satisfied: true, changesRequestedBy: [] });
  });

  it('blocks on changes requested by an approver on the latest commit, even with approvals', () => {
    const r = verify([review('ml-leads', 'APPROVED'), review('qa-leads', 'CHANGES_REQUESTED')]);
    expect(r).toMatchObject({
      satisfied: false,
      approvedBy: ['ml-leads'],
      changesRequestedBy: ['qa-leads'],
      missing: 0,
      summary: 'changes requested by @qa-leads on the latest commit',
    });
    const old = verify([
      review('ml-leads', 'APPROVED'),
      review('qa-leads', 'CHANGES_REQUESTED', OLD),
    ]);
    expect(old.satisfied).toBe(true);
    expect(old.ignored[0]!.reason).toBe(
      'requested changes on an older commit bbbbbbb (the latest is aaaaaaa)',
    );
  });

  it('needs as many distinct approvers as the policy requires', () => {
    const two = { ...high, requiredApprovals: 2 };
    const r = verifyApproval({
      result: two,
      reviews: [review('ml-leads', 'APPROVED'), review('ml-leads', 'APPROVED')],
      author: 'dana',
      headSha: HEAD,
    });
    expect(r).toMatchObject({ satisfied: false, missing: 1 });
  });

  it('auto-approve needs no review; reject is never satisfied', () => {
    const auto = { ...high, decision: 'auto-approve' as const };
    expect(verify([], { result: auto })).toMatchObject({ satisfied: true, missing: 0 });
    const vetoed = verify([review('ml-leads', 'CHANGES_REQUESTED')], { result: auto });
    expect(vetoed.satisfied).toBe(false);
    const reject = { ...high, decision: 'reject' as const };
    expect(verify([review('ml-leads', 'APPROVED')], { result: reject })).toMatchObject({
      satisfied: false,
      approvedBy: ['ml-leads'],
      summary: 'rejected by governance: no approval can override it',
    });
  });
});

describe('verifyApproval and the pull request’s commits', () => {
  it('does not count an approver who authored or committed a commit of the pull request', () => {
    const commits = [
      { sha: 'c'.repeat(40), author: 'mlops-bot', committer: 'mlops-bot' },
      { sha: 'd'.repeat(40), author: 'QA-Leads', committer: 'web-flow' },
      { sha: 'e'.repeat(40), author: 'dana', committer: 'ml-leads' },
    ];
    const r = verify([review('qa-leads', 'APPROVED'), review('ml-leads', 'APPROVED')], { commits });
    expect(r).toMatchObject({ satisfied: false, approvedBy: [], missing: 1 });
    expect(r.ignored).toEqual([
      {
        user: 'qa-leads',
        reason: 'authored commit ddddddd of the pull request: nobody approves their own change',
      },
      {
        user: 'ml-leads',
        reason: 'committed commit eeeeeee of the pull request: nobody approves their own change',
      },
    ]);
    expect(
      verify([review('qa-leads', 'APPROVED')], { commits: commits.slice(0, 1) }).satisfied,
    ).toBe(true);
  });
});
