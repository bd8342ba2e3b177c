/**
 * `audit/` — the chain of custody, replayed from git and confirmed with the forge: the
 * ownership rules of a Deployment (shared with the rollout controller, which re-checks them
 * before every step), the replay of a model's first-parent history, the per-version chains
 * `mlops audit` checks, and the confirmation of what merge commits claim about pull requests.
 */
export {
  OWNED_FIELDS,
  STEP_DECISIONS,
  judgeChange,
  ownedChanges,
  type DeploymentChange,
  type OwnedField,
  type StepDecision,
  type Verdict,
} from './ownership.js';
export {
  replayDeployment,
  sinceProduction,
  commitRef,
  type CommitRef,
  type Replayed,
  type ReplayOptions,
} from './replay.js';
export {
  auditModel,
  type AuditOptions,
  type Chain,
  type Link,
  type LinkName,
  type ModelAudit,
} from './custody.js';
export { auditBranch, formatAudit, type BranchAudit } from './report.js';
export { claimedPull, confirmPull, confirmPulls, type Confirmation } from './confirm.js';
