/**
 * The Bayesian judgement of a control and a treatment arm, as a rollout takes it.
 */
import type { RolloutPolicy } from '../../records/index.js';
import { checkCounts, posterior, type Counts } from './beta.js';
import { betaExpectedLoss } from './loss.js';
import { samplesNeeded, type SamplesNeeded } from './power.js';
import { betaProbability, type Method } from './probability.js';

/** The thresholds of a rollout policy's `analysis` block. */
export type AnalysisPolicy = RolloutPolicy['analysis'];

/** What the analysis recommends. */
export type AbDecision = 'promote' | 'keep-control' | 'continue' | 'wait-for-data';

export interface AbAnalysis {
  /** P(treatment's rate > control's rate) under Beta(1 + s, 1 + f) posteriors. */
  probability: number;
  /** How `probability` and the losses were computed. */
  method: Method;
  /** Rate given up, in expectation, by keeping the control / by choosing the treatment. */
  expectedLoss: { control: number; treatment: number };
  samplesNeeded: SamplesNeeded;
  decision: AbDecision;
  /** One sentence with the figures behind the decision. */
  reason: string;
}

/**
 * Analyse an A/B test: wait-for-data until both arms have `min_samples_per_arm` trials, then
 * promote when P(treatment > control) ≥ `promote_probability`, keep the control when it is
 * ≤ `keep_control_probability`, and continue otherwise. The figures are computed in every
 * case.
 * @throws RangeError unless both counts are whole numbers with 0 ≤ successes ≤ trials.
 * @example
 * analyzeAB(
 *   { successes: 480, trials: 1000 },
 *   { successes: 520, trials: 1000 },
 *   { promote_probability: 0.95, keep_control_probability: 0.05, min_samples_per_arm: 1000 },
 * ).decision; // 'promote' (P = 0.9631)
 */
export function analyzeAB(control: Counts, treatment: Counts, policy: AnalysisPolicy): AbAnalysis {
  checkCounts(control, 'control');
  checkCounts(treatment, 'treatment');
  const c = posterior(control);
  const t = posterior(treatment);
  const { p: probability, method } = betaProbability(c, t);
  const loss = betaExpectedLoss(c, t);
  const figures = {
    probability,
    method,
    expectedLoss: { control: loss.chooseA, treatment: loss.chooseB },
    samplesNeeded: samplesNeeded(control, treatment),
  };
  const p = formatProbability(probability);
  const min = policy.min_samples_per_arm;
  const short = [
    control.trials < min ? `control has ${control.trials}` : '',
    treatment.trials < min ? `treatment has ${treatment.trials}` : '',
  ].filter(Boolean);
  if (short.length) {
    return {
      ...figures,
      decision: 'wait-for-data',
      reason: `${short.join(' and ')} of the ${min} trials per arm needed before deciding (P(treatment > control) = ${p} so far)`,
    };
  }
  if (probability >= policy.promote_probability) {
    return {
      ...figures,
      decision: 'promote',
      reason: `P(treatment > control) = ${p} >= ${policy.promote_probability}`,
    };
  }
  if (probability <= policy.keep_control_probability) {
    return {
      ...figures,
      decision: 'keep-control',
      reason: `P(treatment > control) = ${p} <= ${policy.keep_control_probability}`,
    };
  }
  return {
    ...figures,
    decision: 'continue',
    reason: `P(treatment > control) = ${p} is between ${policy.keep_control_probability} and ${policy.promote_probability}`,
  };
}

/**
 * A probability with four decimals, and in scientific notation when that would read 0 or 1.
 * @example
 * formatProbability(0.963121993); // '0.9631'
 * formatProbability(1.4e-6); // '1.40e-6'
 */
export function formatProbability(p: number): string {
  if (p > 0 && p < 5e-5) return p.toExponential(2);
  if (p < 1 && p > 1 - 5e-5) return `1 - ${(1 - p).toExponential(2)}`;
  return p.toFixed(4);
}
