/**
 * Gradual rollout: the pure state machine that walks a candidate through the rollout policy's
 * stages, and the rollback triggers that judge it against the baseline over the same window.
 */
export { decide } from './decide.js';
export {
  analysisCounts,
  windowFigures,
  span,
  type Analysis,
  type Analyze,
  type RolloutWindow,
} from './window.js';
export {
  startRollout,
  abortRollout,
  holdEnd,
  stageOf,
  MAX_METRIC_FAILURES,
  type AbortDecision,
  type Decision,
  type RolloutDecision,
  type RolloutStatus,
} from './state.js';
export {
  rollbackTriggers,
  labelledAccuracy,
  percent,
  times,
  LATENCY_FLOOR_MS,
  type ArmWindow,
  type Trigger,
  type TriggerId,
} from './triggers.js';
export * from './bayes/index.js';
export * from './traffic/index.js';
export * from './metrics/index.js';
export * from './controller/index.js';
