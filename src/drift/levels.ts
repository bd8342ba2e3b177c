import type { DriftPolicy, RetrainingPolicy } from '../records/index.js';
import { DRIFT_LEVELS, type DriftLevel } from './types.js';

type Levels = DriftPolicy['psi'];

/**
 * The level of a value against a policy's thresholds, as the policy reads: below `monitor`
 * ok; from `monitor` monitor; from `warning` warning; above `critical` critical (PSI 0.3
 * exactly is still a warning: "0.2–0.3 warning, > 0.3 critical"). Never NaN: a value that is
 * not a number is an error for the caller to have handled.
 * @example
 * levelOf(0.31, { monitor: 0.1, warning: 0.2, critical: 0.3 }) // 'critical'
 */
export function levelOf(value: number, levels: Levels): DriftLevel {
  if (Number.isNaN(value)) throw new Error('levelOf: the value is NaN');
  if (value > levels.critical) return 'critical';
  if (value >= levels.warning) return 'warning';
  if (value >= levels.monitor) return 'monitor';
  return 'ok';
}

/** The worse of some levels; ok for none. */
export function worstLevel(levels: Iterable<DriftLevel>): DriftLevel {
  let worst = 0;
  for (const l of levels) worst = Math.max(worst, DRIFT_LEVELS.indexOf(l));
  return DRIFT_LEVELS[worst]!;
}

/** What a level calls for under the retraining policy: a retrain, an issue, or nothing. */
export function actionFor(
  level: DriftLevel,
  retraining: Pick<RetrainingPolicy, 'on_critical_drift'> | undefined,
): 'retrain' | 'issue' | 'none' {
  if (level === 'critical') return retraining?.on_critical_drift === false ? 'issue' : 'retrain';
  if (level === 'warning') return 'issue';
  return 'none';
}
