/**
 * How many more samples the observed effect needs before a test can resolve it.
 */
import { checkCounts, type Counts } from './beta.js';

/**
 * (z₀.₉₇₅ + z₀.₈)² = (1.959964 + 0.841621)² ≈ 7.85: a two-sided test at 5 % with 80 % power.
 */
export const POWER_CONSTANT = 7.85;

/** Samples per arm for the observed effect, and how many more each arm needs. */
export interface SamplesNeeded {
  /**
   * n ≈ 7.85·(p₁q₁ + p₂q₂)/Δ² per arm, rounded up, with the observed rates s/n; null when the
   * effect is zero or an arm has no trials: no number of samples resolves a zero effect.
   */
  perArm: number | null;
  /** perArm minus the control's trials, at least 0; null with perArm. */
  control: number | null;
  /** perArm minus the treatment's trials, at least 0; null with perArm. */
  treatment: number | null;
}

/**
 * The samples per arm still needed to resolve the observed difference of rates (null when
 * the difference is 0 or an arm is empty: decided and documented as "never", kept JSON-safe
 * rather than Infinity).
 * @throws RangeError unless both counts are whole numbers with 0 ≤ successes ≤ trials.
 * @example
 * samplesNeeded({ successes: 480, trials: 1000 }, { successes: 520, trials: 1000 });
 * // { perArm: 2450, control: 1450, treatment: 1450 }
 */
export function samplesNeeded(control: Counts, treatment: Counts): SamplesNeeded {
  checkCounts(control, 'control');
  checkCounts(treatment, 'treatment');
  const none = { perArm: null, control: null, treatment: null };
  if (control.trials === 0 || treatment.trials === 0) return none;
  const p1 = control.successes / control.trials;
  const p2 = treatment.successes / treatment.trials;
  const delta = p2 - p1;
  if (delta === 0) return none;
  const perArm = Math.ceil((POWER_CONSTANT * (p1 * (1 - p1) + p2 * (1 - p2))) / (delta * delta));
  return {
    perArm,
    control: Math.max(0, perArm - control.trials),
    treatment: Math.max(0, perArm - treatment.trials),
  };
}
