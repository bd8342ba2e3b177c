import type { Deployment, RolloutPolicy } from '../records/index.js';
import { durationMs } from '../records/index.js';

/** The rollout block of a Deployment, as persisted: survives a restart. */
export type RolloutStatus = NonNullable<Deployment['rollout']>;
/** The last decision recorded in the rollout block. */
export type RolloutDecision = NonNullable<RolloutStatus['last_decision']>;

/** What a tick decided. */
export interface Decision {
  action: 'rollback' | 'advance' | 'promote' | 'continue' | 'wait-for-data';
  /** One line that says why, with the figures: the commit message's subject. */
  reason: string;
  /** The numbers behind the decision, for the commit's body and trailers. */
  figures: Record<string, number | string>;
  /** The rollout block to persist; null after promote or rollback (the rollout is over). */
  next: RolloutStatus | null;
  /** Whether anything must be committed: false for a tick that changes nothing. */
  changed: boolean;
}

/** What aborting decided: like {@link Decision}, with its own action. */
export interface AbortDecision extends Omit<Decision, 'action'> {
  action: 'abort';
}

/** Consecutive ticks without metrics after which the candidate is rolled back. */
export const MAX_METRIC_FAILURES = 3;

/** The stage the rollout is at; a step past the policy's last stage reads as the last one. */
export function stageOf(
  state: RolloutStatus,
  policy: RolloutPolicy,
): { index: number; weight: number; hold: string | undefined; holdMs: number; last: boolean } {
  const stages = policy.stages;
  const index = Math.min(state.step, stages.length - 1);
  const stage = stages[index];
  if (!stage) throw new Error('rollout policy has no stages');
  const holdMs = stage.hold === undefined ? 0 : durationMs(stage.hold);
  if (holdMs === null) throw new Error(`rollout policy: stage ${index} hold "${stage.hold}"`);
  return {
    index,
    weight: stage.weight,
    hold: stage.hold,
    holdMs,
    last: index === stages.length - 1,
  };
}

/** When the step started, in ms since the epoch; throws on a `since` that is no date. */
export function sinceMs(state: RolloutStatus): number {
  const t = Date.parse(state.since);
  if (Number.isNaN(t)) throw new Error(`rollout ${state.id}: since "${state.since}" is no date`);
  return t;
}

/**
 * When the current step's hold ends, from the persisted `since`: a restart resumes mid-dwell.
 * @example
 * holdEnd({ ...state, step: 0, since: '2026-01-01T00:00:00.000Z' }, policy) // 06:00 for 6h
 */
export function holdEnd(state: RolloutStatus, policy: RolloutPolicy): Date {
  return new Date(sinceMs(state) + stageOf(state, policy).holdMs);
}

/**
 * The first step of a rollout: the first stage's weight, starting now.
 * @example
 * startRollout('fraud-1.3.0', '1.2.0', '1.3.0', policy, now)
 * // { id: 'fraud-1.3.0', step: 0, weight: 5, since: now, failures: 0, last_decision: { action: 'start', … } }
 */
export function startRollout(
  id: string,
  baseline: string | null,
  candidate: string,
  policy: RolloutPolicy,
  now: Date,
): RolloutStatus {
  const first = policy.stages[0];
  if (!first) throw new Error('rollout policy has no stages');
  const at = now.toISOString();
  const hold = first.hold === undefined ? '' : ` for ${first.hold}`;
  const against = baseline === null ? 'no baseline' : `baseline ${baseline}`;
  return {
    id,
    baseline,
    candidate,
    step: 0,
    weight: first.weight,
    since: at,
    failures: 0,
    last_decision: {
      action: 'start',
      at,
      reason: `start: ${candidate} at ${first.weight} %${hold} against ${against}`,
    },
  };
}

/**
 * Stops a rollout by hand: the candidate's traffic goes back to 0 and the rollout block is
 * cleared (`next: null`); the caller edits the Deployment (the candidate to `rejected` with the
 * reason, or kept for a later rollout: its choice). Nothing to do when no rollout is running.
 * @example
 * abortRollout(state, 'aborted by @alice: bad labels', now)
 * // { action: 'abort', reason: 'abort 1.3.0 at 20 %: aborted by @alice: bad labels', next: null, changed: true, … }
 */
export function abortRollout(
  state: RolloutStatus | null,
  reason: string,
  now: Date,
): AbortDecision {
  if (state === null) {
    return {
      action: 'abort',
      reason: 'no rollout in progress',
      figures: {},
      next: null,
      changed: false,
    };
  }
  return {
    action: 'abort',
    reason: `abort ${state.candidate} at ${state.weight} %: ${reason}`,
    figures: { step: state.step, weight: state.weight, at: now.toISOString() },
    next: null,
    changed: true,
  };
}

/** The state with this tick's decision recorded, for a tick that changes it. */
export function recorded(
  state: RolloutStatus,
  change: Partial<RolloutStatus>,
  action: RolloutDecision['action'],
  reason: string,
  now: Date,
): RolloutStatus {
  return { ...state, ...change, last_decision: { action, at: now.toISOString(), reason } };
}
