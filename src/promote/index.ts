/**
 * `promote/` — a registered version reaches production only through a pull request: the
 * branch `promote/<model>/<version>`, the PR whose body says why it is safe or not, the
 * governance status its merge needs, and the merge that is the approval.
 */
export { promote } from './promote.js';
export type { PromoteOptions, PromoteResult } from './promote.js';
export { judgePromotion, GOVERNANCE_CONTEXT } from './judge.js';
export type { Judgement } from './judge.js';
export { publishJudgement, mergePromotion } from './publish.js';
export { refreshPromotion } from './refresh.js';
export { promotionBody, promotionBranch, parsePromotionBranch, promotionTitle } from './body.js';
export { promotionsIn } from './targets.js';
export { verifyMergedPromotion, type MergedApproval } from './verify-merged.js';
export { PromoteError } from './errors.js';
export type { PromoteErrorCode } from './errors.js';
