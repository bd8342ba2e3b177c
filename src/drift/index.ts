/**
 * Drift detection: production data against the production version's training data, per
 * feature, levelled by the drift policy; the status committed when it changes, and the action
 * it calls for (an issue, or a retraining).
 */
export * from './types.js';
export { checkDrift, PREDICTION_COLUMN, type DriftCheckOptions } from './check.js';
export { DriftError } from './inputs.js';
export { levelOf, worstLevel, actionFor } from './levels.js';
export { recordDriftStatus, statusOf, driftStatusPath } from './status.js';
export {
  actOnDrift,
  openOrUpdateDriftIssue,
  driftFigures,
  driftReason,
  driftIssueTitle,
  type DriftActed,
} from './act.js';
export { writeLogFile, readLogWindow, logsPrefix } from './logs.js';
