import { labelledAccuracy, type ArmWindow } from './triggers.js';

/** Successes out of trials in one arm, as the A/B analysis takes them. */
export interface Counts {
  successes: number;
  trials: number;
}

/** What the A/B analysis says (src/rollout/bayes, passed in so this stays pure). */
export interface Analysis {
  probability: number;
  decision: 'promote' | 'keep-control' | 'continue' | 'wait-for-data';
  reason: string;
}

export type Analyze = (control: Counts, treatment: Counts) => Analysis;

/** Both arms over the same window. */
export interface RolloutWindow {
  baseline: ArmWindow;
  candidate: ArmWindow;
}

/**
 * The counts the A/B analysis judges: correct of labelled when both arms have at least
 * `min` labelled outcomes (accuracy is what matters), else requests without an error of
 * requests when both arms have at least `min` requests; null while either arm has too few.
 * @example
 * analysisCounts({ baseline: { requests: 9500, errors: 95, latencyP95Ms: 80 },
 *   candidate: { requests: 500, errors: 4, latencyP95Ms: 82 } }, 400)
 * // { metric: 'success rate', control: { successes: 9405, trials: 9500 }, treatment: { successes: 496, trials: 500 } }
 */
export function analysisCounts(
  window: RolloutWindow,
  min: number,
): { metric: 'accuracy' | 'success rate'; control: Counts; treatment: Counts } | null {
  const { baseline: b, candidate: c } = window;
  if (labelledAccuracy(b, min) !== null && labelledAccuracy(c, min) !== null) {
    const arm = (a: ArmWindow): Counts => ({ successes: a.correct ?? 0, trials: a.labelled ?? 0 });
    return { metric: 'accuracy', control: arm(b), treatment: arm(c) };
  }
  if (b.requests < min || c.requests < min) return null;
  const arm = (a: ArmWindow): Counts => ({ successes: a.requests - a.errors, trials: a.requests });
  return { metric: 'success rate', control: arm(b), treatment: arm(c) };
}

/** A span as people read it: `5h 59m`, `42s`. */
export function span(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
}

/** Both arms' counts, for a decision's figures: `baseline_requests`, `candidate_errors`, … */
export function windowFigures(w: RolloutWindow): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, arm] of [
    ['baseline', w.baseline] as const,
    ['candidate', w.candidate] as const,
  ]) {
    out[`${name}_requests`] = arm.requests;
    out[`${name}_errors`] = arm.errors;
    if (arm.latencyP95Ms !== null) out[`${name}_latency_p95_ms`] = arm.latencyP95Ms;
    if (arm.labelled !== undefined) out[`${name}_labelled`] = arm.labelled;
    if (arm.correct !== undefined) out[`${name}_correct`] = arm.correct;
  }
  return out;
}
