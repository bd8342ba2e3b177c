import { abortRollout, startRollout } from '../state.js';
import { RolloutError } from './errors.js';
import { verifierOf, type VerifiedTarget } from './guard.js';
import type { RolloutStep } from './outcome.js';
import { readRolloutSnapshot } from './read.js';
import { commitStep, withRetries, type RolloutTarget } from './tick.js';

/** The approval of a candidate, checked before its rollout starts. */
export interface ApprovalCheck {
  approved: boolean;
  summary: string;
}

export type StartOptions = VerifiedTarget;

export interface StartResult {
  model: string;
  /** False when this candidate's rollout was already running: nothing was written. */
  started: boolean;
  reason: string;
  rolloutId: string;
  approval?: ApprovalCheck;
  commit?: string;
}

/**
 * A rollout's id: the model, the candidate and the minute it started, so a candidate
 * promoted again after a rollback gets fresh metrics and a fresh traffic salt.
 * @example
 * rolloutId('fraud', '1.3.0', new Date('2026-03-01T10:15:00Z')) // 'fraud-1.3.0-20260301T1015Z'
 */
export function rolloutId(model: string, candidate: string, now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').slice(0, 13);
  return `${model}-${candidate}-${t}Z`;
}

/**
 * Starts the rollout of a model's candidate: verifies its approval and the custody of the
 * Deployment (see `stepVerifier`), then commits the first step (the Deployment's `rollout`
 * block and the traffic configuration at the first stage's weight). Starting a candidate
 * whose rollout already runs changes nothing.
 * @throws RolloutError `NO_CANDIDATE`, `ALREADY_RUNNING` (another candidate's rollout),
 *   `NOT_APPROVED` or `CUSTODY_BROKEN` (the summary says why; nothing is written), `RACE_LOST`
 * @example
 * const r = await startModelRollout({ repo, branch: 'main', author, now, forge }, 'fraud');
 * r.reason // 'start: 1.3.0 at 5 % for 6h against baseline 1.2.0'
 */
export async function startModelRollout(opts: StartOptions, model: string): Promise<StartResult> {
  return withRetries(opts, async (head) => {
    const snap = await readRolloutSnapshot(opts.repo, head, model);
    const { candidate, production, rollout } = snap.deployment;
    if (!candidate) {
      throw new RolloutError('NO_CANDIDATE', `${model} has no candidate to roll out`, { model });
    }
    if (rollout?.candidate === candidate) {
      const reason = `${candidate} is already rolling out (${rollout.weight} % since ${rollout.since})`;
      return { model, started: false, reason, rolloutId: rollout.id };
    }
    if (rollout) {
      throw new RolloutError(
        'ALREADY_RUNNING',
        `${model} is rolling out ${rollout.candidate}; abort it before starting ${candidate}`,
        { model, running: rollout.candidate },
      );
    }
    const verified = await verifierOf(opts)(snap, { action: 'start', candidate });
    const approval: ApprovalCheck = { approved: true, summary: verified.approval };
    const id = rolloutId(model, candidate, opts.now);
    const state = startRollout(id, production, candidate, snap.policy, opts.now);
    const hold = snap.policy.stages[0]?.hold;
    const step: RolloutStep = {
      action: 'start',
      reason: state.last_decision?.reason ?? `start ${candidate}`,
      figures: {
        weight: state.weight,
        ...(hold ? { hold } : {}),
        approval: approval.summary,
      },
      next: state,
    };
    const commit = await commitStep(opts, snap, step, id);
    return {
      model,
      started: true,
      reason: step.reason,
      rolloutId: id,
      approval,
      commit,
    };
  });
}

export interface AbortResult {
  model: string;
  aborted: boolean;
  reason: string;
  commit?: string;
}

/**
 * Stops a model's rollout by hand: the candidate goes to `rejected` with the reason, the
 * rollout block is cleared and the traffic configuration goes back to 0 %.
 * @example
 * await abortModelRollout({ repo, branch: 'main', author, now }, 'fraud', 'aborted by @ana: bad labels');
 */
export async function abortModelRollout(
  opts: RolloutTarget,
  model: string,
  why: string,
): Promise<AbortResult> {
  return withRetries(opts, async (head) => {
    const snap = await readRolloutSnapshot(opts.repo, head, model);
    const state = snap.deployment.rollout;
    const decision = abortRollout(state, why, opts.now);
    if (!state || !decision.changed) return { model, aborted: false, reason: decision.reason };
    const commit = await commitStep(opts, snap, decision, state.id);
    return { model, aborted: true, reason: decision.reason, commit };
  });
}
