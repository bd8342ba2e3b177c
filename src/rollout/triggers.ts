import type { RolloutPolicy } from '../records/index.js';

/**
 * One arm's metrics over a window: the same window for the baseline and the candidate.
 * `labelled`/`correct` are the predictions whose true outcome is known, when any are.
 */
export interface ArmWindow {
  requests: number;
  errors: number;
  latencyP95Ms: number | null;
  labelled?: number;
  correct?: number;
}

export type TriggerId = 'error_rate' | 'latency' | 'accuracy';

/** A reason to roll back, named with its figures. */
export interface Trigger {
  id: TriggerId;
  /** e.g. `error rate 3.1 % (31 of 1000) is 2.6× the baseline's 1.2 % (…) (limit 2×)` */
  message: string;
  /** The numbers behind the message, keyed `<id>_candidate`, `<id>_baseline`, … */
  figures: Record<string, number>;
}

/** Latency below this is read as this: a baseline p95 of 0 ms would make any ratio infinite. */
export const LATENCY_FLOOR_MS = 1;

/** A share as people read it: `3.1 %`, `0.25 %`, `0 %`. */
export function percent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0 %';
  return `${Number(Math.abs(p) >= 1 ? p.toFixed(1) : p.toPrecision(2))} %`;
}

/** A ratio as people read it: `2.6×`. */
export function times(ratio: number): string {
  return `${Number(ratio.toFixed(ratio >= 10 ? 0 : 1))}×`;
}

const ms = (v: number): string => `${Number(v.toPrecision(4))} ms`;

/**
 * The rollback triggers that fire for the candidate, judged against the baseline measured over
 * the same window (never against fixed numbers):
 *
 * - `error_rate`: the candidate's error rate > `max_error_rate_ratio` × the baseline's. The
 *   baseline's rate is floored at one error in the candidate's request count (1 / candidate
 *   requests, the smallest rate the candidate's window can resolve), so a baseline with 0 errors
 *   still gives a finite limit, and a candidate is never rolled back for `ratio` errors or fewer.
 * - `latency`: the candidate's p95 > `max_latency_ratio` × the baseline's (baseline floored at
 *   {@link LATENCY_FLOOR_MS}); skipped when either p95 is unknown.
 * - `accuracy`: the candidate's accuracy (correct / labelled) is more than `max_accuracy_drop`
 *   below the baseline's, relative to it; only when both arms have labelled outcomes.
 *
 * No trigger fires on too little data: error rate and latency need at least `minSamples`
 * requests in each arm, accuracy at least `minSamples` labelled outcomes in each arm. Pass the
 * policy's `analysis.min_samples_per_arm` — the same minimum the A/B analysis waits for, so a
 * handful of unlucky requests at 5 % cannot roll a candidate back.
 * @example
 * rollbackTriggers(
 *   { requests: 19000, errors: 228, latencyP95Ms: 100 },
 *   { requests: 1000, errors: 31, latencyP95Ms: 110 },
 *   { max_error_rate_ratio: 2, max_latency_ratio: 1.5, max_accuracy_drop: 0.05 },
 *   1000,
 * ) // [{ id: 'error_rate', message: "error rate 3.1 % (31 of 1000) is 2.6× the baseline's 1.2 % (228 of 19000) (limit 2×)", … }]
 */
export function rollbackTriggers(
  baseline: ArmWindow,
  candidate: ArmWindow,
  policy: RolloutPolicy['rollback'],
  minSamples: number,
): Trigger[] {
  const out: Trigger[] = [];
  const enoughRequests = baseline.requests >= minSamples && candidate.requests >= minSamples;
  if (enoughRequests) {
    const e = errorRateTrigger(baseline, candidate, policy.max_error_rate_ratio);
    if (e) out.push(e);
    const l = latencyTrigger(baseline, candidate, policy.max_latency_ratio);
    if (l) out.push(l);
  }
  const a = accuracyTrigger(baseline, candidate, policy.max_accuracy_drop, minSamples);
  if (a) out.push(a);
  return out;
}

function errorRateTrigger(b: ArmWindow, c: ArmWindow, limit: number): Trigger | null {
  const rateB = b.errors / b.requests;
  const rateC = c.errors / c.requests;
  const floor = 1 / c.requests;
  const judged = Math.max(rateB, floor);
  const ratio = rateC / judged;
  if (!(ratio > limit)) return null;
  const floored = rateB < floor ? `; floored at ${percent(floor)}, one in ${c.requests}` : '';
  return {
    id: 'error_rate',
    message:
      `error rate ${percent(rateC)} (${c.errors} of ${c.requests}) is ${times(ratio)} ` +
      `the baseline's ${percent(rateB)} (${b.errors} of ${b.requests}${floored}) ` +
      `(limit ${times(limit)})`,
    figures: {
      error_rate_candidate: rateC,
      error_rate_baseline: rateB,
      error_rate_ratio: ratio,
      error_rate_limit: limit,
    },
  };
}

function latencyTrigger(b: ArmWindow, c: ArmWindow, limit: number): Trigger | null {
  if (b.latencyP95Ms === null || c.latencyP95Ms === null) return null;
  const ratio = c.latencyP95Ms / Math.max(b.latencyP95Ms, LATENCY_FLOOR_MS);
  if (!(ratio > limit)) return null;
  return {
    id: 'latency',
    message:
      `latency p95 ${ms(c.latencyP95Ms)} is ${times(ratio)} the baseline's ` +
      `${ms(b.latencyP95Ms)} (limit ${times(limit)})`,
    figures: {
      latency_p95_candidate_ms: c.latencyP95Ms,
      latency_p95_baseline_ms: b.latencyP95Ms,
      latency_ratio: ratio,
      latency_limit: limit,
    },
  };
}

/** Accuracy (correct / labelled) of an arm with at least `min` labelled outcomes, else null. */
export function labelledAccuracy(arm: ArmWindow, min: number): number | null {
  const { labelled, correct } = arm;
  if (labelled === undefined || correct === undefined || labelled < Math.max(min, 1)) return null;
  return correct / labelled;
}

function accuracyTrigger(b: ArmWindow, c: ArmWindow, limit: number, min: number): Trigger | null {
  const accB = labelledAccuracy(b, min);
  const accC = labelledAccuracy(c, min);
  if (accB === null || accC === null || accB === 0) return null;
  const drop = (accB - accC) / accB;
  if (!(drop > limit)) return null;
  return {
    id: 'accuracy',
    message:
      `accuracy ${percent(accC)} (${c.correct} of ${c.labelled} labelled) is ` +
      `${percent(drop)} below the baseline's ${percent(accB)} (${b.correct} of ${b.labelled}) ` +
      `(relative drop; limit ${percent(limit)})`,
    figures: {
      accuracy_candidate: accC,
      accuracy_baseline: accB,
      accuracy_drop: drop,
      accuracy_limit: limit,
    },
  };
}
