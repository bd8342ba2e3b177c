/**
 * The rollout controller: the I/O around the pure state machine. Each operation reads the
 * Deployment and the rollout policy at the branch tip, decides, and commits the step (the
 * Deployment and the traffic configuration) with that tip as the expected parent, re-reading
 * when the branch moved.
 */
export { RolloutError, type RolloutErrorCode } from './errors.js';
export {
  ROLLOUT_POLICY_PATH,
  deploymentPath,
  deployedModels,
  readRolloutSnapshot,
  type RolloutSnapshot,
} from './read.js';
export {
  tickRollout,
  commitStep,
  analysisFor,
  type RolloutTarget,
  type TickOptions,
  type TickResult,
} from './tick.js';
export {
  startModelRollout,
  abortModelRollout,
  rolloutId,
  type ApprovalCheck,
  type StartOptions,
  type StartResult,
  type AbortResult,
} from './start.js';
export { deploymentAfter, weightAfter, stepCommit, type RolloutStep } from './outcome.js';
export { trafficFiles, trafficDir, DEFAULT_TRAFFIC } from './traffic-files.js';
export {
  metricsProviderFor,
  metricsPrefix,
  DEFAULT_METRICS_PREFIX,
  type MetricsSources,
} from './metrics-source.js';
export { refusedIssue, isRefusal } from './refused-issue.js';
export {
  stepVerifier,
  custodyProblem,
  verifierOf,
  type StepVerifier,
  type VerifiedTarget,
} from './guard.js';
