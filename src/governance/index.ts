/**
 * `governance/` — whether a version may be promoted, and who must say so. Pure: the checks
 * (accuracy, latency p95, improvement over production, slice gap), the risk and its reasons,
 * the decision (auto-approve, needs-review, reject), what a change holds beyond its promotion
 * (`extraChanges`), whether the training identity registered the version, approval
 * verification against a pull request's reviews and commits, and rendering. `load.ts` and
 * `registration-load.ts` are the parts that read (git objects, the forge): the policy is
 * always the base's, never the change's.
 * @example
 * import { evaluateGovernance, governanceInputsAt, governanceText } from './governance/index.js';
 * const result = evaluateGovernance(
 *   await governanceInputsAt(repo, { base: 'main', head: 'HEAD', model: 'm', version: '1.1.0' }),
 * );
 * process.stdout.write(governanceText(result));
 */
export { evaluateGovernance } from './evaluate.js';
export { runChecks, thresholdsFor } from './checks.js';
export type { CheckContext } from './checks.js';
export { assessRisk, underPath } from './risk.js';
export type { RiskContext } from './risk.js';
export { verifyApproval } from './approval.js';
export { extraChanges, CONTROLLER_FIELDS } from './scope.js';
export type { ChangedFile, ScopeContext } from './scope.js';
export { DEFAULT_TRAINING_IDENTITY, registrationRisks, trainingIdentity } from './registration.js';
export { readRegistration } from './registration-load.js';
export type { ApprovalInput, ApprovalResult, IgnoredReview } from './approval.js';
export { governanceMarkdown, governanceText, checkValue, checkThreshold } from './render.js';
export type { RenderExtras } from './render.js';
export { governanceInputsAt, POLICY_PATH } from './load.js';
export type { GovernanceTarget } from './load.js';
export { GovernanceError } from './errors.js';
export type { GovernanceErrorCode } from './errors.js';
export type * from './types.js';
