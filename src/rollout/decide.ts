import type { RolloutPolicy } from '../records/index.js';
import {
  MAX_METRIC_FAILURES,
  recorded,
  sinceMs,
  stageOf,
  type Decision,
  type RolloutStatus,
} from './state.js';
import { rollbackTriggers } from './triggers.js';
import { analysisCounts, span, windowFigures, type Analyze, type RolloutWindow } from './window.js';

type Figures = Decision['figures'];

/**
 * One tick of a rollout: the pure state machine. Nothing here reads a clock or a file.
 *
 * - No rollout (`state` null): `continue`, nothing to commit.
 * - No metrics (`window` null): `failures` + 1, committed so it survives a restart; after
 *   {@link MAX_METRIC_FAILURES} consecutive ticks, `rollback`. A tick with data resets it.
 * - A rollback trigger (see `rollbackTriggers`, gated by `min_samples_per_arm`), at any time:
 *   `rollback`, the reason naming each trigger's figures.
 * - Within the step's hold (`since` + `stages[step].hold`, from the persisted state, so a
 *   restart resumes mid-dwell): `continue`, `changed: false`, `last_decision` untouched.
 * - At the hold's end: too few samples → `wait-for-data`, committed once (the first tick that
 *   waits records it in `last_decision`; later ones change nothing). Otherwise the analysis:
 *   keep-control → `rollback`; promote or continue → `advance` to the next stage (`since` =
 *   now, `failures` 0), or `promote` when this is the last stage or the next one is a last
 *   stage without a hold (reaching it is the promotion). The final gate — the step after
 *   which no control arm is left (promotion, or a 100 % stage) — needs the analysis to say
 *   promote (P ≥ `promote_probability`); an inconclusive one holds the stage (`continue`,
 *   committed by the first tick that holds) until the evidence comes or someone aborts.
 * - A stage at 100 %, or a rollout without a baseline, has no control arm: its hold's end
 *   advances or promotes without the analysis.
 * @example
 * decide(state, { baseline, candidate }, policy, new Date(), analyze)
 * // { action: 'advance', reason: 'advance 1.3.0 from 5 % to 20 %: …', next: { step: 1, weight: 20, … }, changed: true }
 */
export function decide(
  state: RolloutStatus | null,
  window: RolloutWindow | null,
  policy: RolloutPolicy,
  now: Date,
  analyze: Analyze,
): Decision {
  if (state === null) {
    return {
      action: 'continue',
      reason: 'no rollout in progress',
      figures: {},
      next: null,
      changed: false,
    };
  }
  const stage = stageOf(state, policy);
  const end = sinceMs(state) + stage.holdMs;
  const head: Figures = {
    step: state.step,
    weight: state.weight,
    hold_ends: new Date(end).toISOString(),
  };
  const over = (action: 'rollback' | 'promote', reason: string, figures: Figures): Decision => ({
    action,
    reason: `${action} ${state.candidate} at ${state.weight} %: ${reason}`,
    figures,
    next: null,
    changed: true,
  });

  if (window === null) {
    const failures = state.failures + 1;
    const figures = { ...head, failures };
    if (failures >= MAX_METRIC_FAILURES)
      return over('rollback', `no metrics for ${failures} ticks`, figures);
    const reason = `no metrics this tick (${failures} of ${MAX_METRIC_FAILURES} before a rollback)`;
    return {
      action: 'continue',
      reason,
      figures,
      next: recorded(state, { failures }, 'continue', reason, now),
      changed: true,
    };
  }

  const min = policy.analysis.min_samples_per_arm;
  const figures: Figures = { ...head, ...windowFigures(window) };
  const triggers = rollbackTriggers(window.baseline, window.candidate, policy.rollback, min);
  if (triggers.length > 0) {
    for (const t of triggers) Object.assign(figures, t.figures);
    figures.triggers = triggers.map((t) => t.id).join(',');
    return over('rollback', triggers.map((t) => t.message).join('; '), figures);
  }

  // From here on the tick has data: a failure count is reset, and that must be committed.
  const back = state.failures > 0 ? `metrics back after ${state.failures} failed tick(s); ` : '';
  const keep = (
    action: 'continue' | 'wait-for-data',
    why: string,
    commitAnyway = false,
  ): Decision => {
    const reason = back + why;
    if (!back && !commitAnyway) return { action, reason, figures, next: state, changed: false };
    return {
      action,
      reason,
      figures,
      next: recorded(state, { failures: 0 }, 'continue', reason, now),
      changed: true,
    };
  };

  const nowMs = now.getTime();
  if (nowMs < end) {
    figures.remaining_ms = end - nowMs;
    return keep(
      'continue',
      `hold ${state.weight} % for ${span(end - nowMs)} more (until ${new Date(end).toISOString()})`,
    );
  }

  // Waiting past the hold's end is committed by the first tick that waits, not by the next.
  const wait = (why: string, action: 'wait-for-data' | 'continue' = 'wait-for-data'): Decision => {
    const last = state.last_decision;
    const waiting = last?.action === 'continue' && Date.parse(last.at) >= end;
    return keep(action, why, !waiting);
  };

  const nextIndex = stage.index + 1;
  const nextStage = policy.stages[nextIndex];
  const promotesNext =
    stage.last ||
    !nextStage ||
    (nextIndex === policy.stages.length - 1 && nextStage.hold === undefined);
  // The step after which no control arm is left: only evidence of a better candidate passes it.
  const finalGate = promotesNext || (nextStage?.weight ?? 100) >= 100;

  const advance = (why: string): Decision => {
    if (promotesNext || !nextStage) return over('promote', why, figures);
    const reason = `advance ${state.candidate} from ${state.weight} % to ${nextStage.weight} %: ${why}`;
    const change = {
      step: nextIndex,
      weight: nextStage.weight,
      since: now.toISOString(),
      failures: 0,
    };
    return {
      action: 'advance',
      reason,
      figures,
      next: recorded(state, change, 'advance', reason, now),
      changed: true,
    };
  };

  const held = stage.hold === undefined ? 'reached' : `held ${stage.hold}`;
  if (state.baseline === null || state.weight >= 100) {
    const noControl = state.baseline === null ? 'no baseline' : 'no control traffic at 100 %';
    return advance(`${held} without a trigger (${noControl} to compare against)`);
  }

  const counts = analysisCounts(window, min);
  if (counts === null) {
    const short = (['candidate', 'baseline'] as const)
      .filter((arm) => window[arm].requests < min)
      .map((arm) => `the ${arm} has ${window[arm].requests}`)
      .join(', ');
    return wait(
      `hold ended; waiting for data: ${short} of the ${min} requests per arm the analysis needs`,
    );
  }
  const result = analyze(counts.control, counts.treatment);
  Object.assign(figures, {
    analysis: counts.metric,
    control_successes: counts.control.successes,
    control_trials: counts.control.trials,
    treatment_successes: counts.treatment.successes,
    treatment_trials: counts.treatment.trials,
    probability: result.probability,
    analysis_decision: result.decision,
  });
  const p = `P(candidate better) = ${Number(result.probability.toPrecision(3))} on ${counts.metric}`;
  switch (result.decision) {
    case 'keep-control':
      return over(
        'rollback',
        `the A/B analysis says keep the control: ${p} (${result.reason})`,
        figures,
      );
    case 'wait-for-data':
      return wait(`hold ended; waiting for data: ${result.reason}`);
    case 'continue':
      if (finalGate) {
        const need = policy.analysis.promote_probability;
        return wait(
          `hold ended; not yet shown better, holding ${state.weight} %: ${p}, needs ≥ ${need} (${result.reason})`,
          'continue',
        );
      }
      return advance(`${held} without a trigger, ${p} (${result.reason})`);
    default:
      return advance(`${held} without a trigger, ${p} (${result.reason})`);
  }
}
