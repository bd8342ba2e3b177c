/**
 * The controller never trusts the Deployment it reads. Before a step that moves traffic
 * toward the candidate or moves production (start, advance, promote) it re-verifies, at the
 * very commit it will build on:
 *
 * - the candidate's approval: a promotion pull request merged into this branch, re-judged
 *   with the policy at its base (`verifyMergedPromotion`);
 * - the custody of what it continues: since the commit that set the current production,
 *   every change of `production`, `rollout`, `archived`, `rejected` and the traffic files is
 *   a legal step of the controller itself (see `audit/ownership.ts`), and a running rollout
 *   was begun by a controller start step on this branch.
 *
 * A rollback or an abort moves traffic back to safety and is never held up by this; a
 * committed `continue` only records a wait (and, after ticks without metrics, leads to a
 * rollback).
 */
import { replayDeployment, sinceProduction } from '../../audit/replay.js';
import type { Forge } from '../../forge/index.js';
import { verifyMergedPromotion } from '../../promote/index.js';
import type { Repo } from '../../repo/index.js';
import { RolloutError } from './errors.js';
import type { RolloutSnapshot } from './read.js';
import type { RolloutTarget } from './tick.js';

/** Verifies a step before it is committed; throws a `RolloutError` to refuse it. */
export type StepVerifier = (
  snap: RolloutSnapshot,
  step: { action: string; candidate: string },
) => Promise<{ approval: string }>;

/** What a step that moves traffic or production needs to be verified. */
export interface VerifiedTarget extends RolloutTarget {
  /**
   * The forge the candidate's merged promotion is verified with, and a refusal reported on.
   * Always passed: a library caller without a forge passes one explicitly (a `LocalForge`).
   */
  forge: Forge;
  /**
   * Replaces the controller's verifier (approval, then custody; see `stepVerifier`). For
   * tests and benchmarks that measure it; the CLI and the rollout Action never pass it.
   */
  verifyStep?: StepVerifier;
}

/**
 * The verifier of a target: its own, or the controller's on its branch.
 * @example
 * await verifierOf({ ...target, forge })(snap, { action: 'promote', candidate: '1.3.0' });
 */
export function verifierOf(t: VerifiedTarget): StepVerifier {
  return t.verifyStep ?? stepVerifier(t.repo, t.forge, t.branch);
}

/**
 * The controller's verifier for a branch: approval, then custody.
 * @throws RolloutError `NOT_APPROVED` (the summary says why), `CUSTODY_BROKEN` (the commit
 *   that broke it: short sha, subject, author, and why)
 * @example
 * const verify = stepVerifier(repo, forge, 'main');
 * await verify(snap, { action: 'advance', candidate: '1.3.0' }); // throws to refuse
 */
export function stepVerifier(repo: Repo, forge: Forge, branch: string): StepVerifier {
  return async (snap, step) => {
    const { model } = snap;
    const data = { model, candidate: step.candidate, step: step.action };
    const refused =
      step.action === 'start' ? 'is not rolled out' : `is not moved (${step.action} refused)`;
    // the approval counts only for a promotion merged into this branch (see verifyMergedPromotion)
    const approval = await verifyMergedPromotion(repo, forge, model, step.candidate, { branch });
    if (!approval.approved) {
      throw new RolloutError(
        'NOT_APPROVED',
        `${model} ${step.candidate} ${refused}: ${approval.summary}`,
        { ...data, summary: approval.summary },
      );
    }
    const custody = await custodyProblem(repo, snap);
    if (custody) {
      throw new RolloutError(
        'CUSTODY_BROKEN',
        `${model} ${step.candidate} ${refused}: ${custody.summary}`,
        {
          ...data,
          summary: custody.summary,
          ...(custody.commit ? { commit: custody.commit } : {}),
        },
      );
    }
    return { approval: approval.summary };
  };
}

/**
 * Why the Deployment at the snapshot is not the controller's own work since production was
 * last set, or null when it is.
 * @example
 * await custodyProblem(repo, snap) // { summary: 'production changed by a commit that is not … (3f2a1bc "edit", Eve <e@x>)', commit: '3f2a1bc…' }
 */
export async function custodyProblem(
  repo: Repo,
  snap: RolloutSnapshot,
): Promise<{ summary: string; commit?: string } | null> {
  const since = sinceProduction(
    await replayDeployment(repo, { ref: snap.commit, model: snap.model, sinceProduction: true }),
  );
  for (const r of since) {
    if (r.verdict.kind !== 'illegal') continue;
    const c = r.commit;
    return {
      summary: `${r.verdict.why} (${c.short} "${c.subject}" by ${c.author})`,
      commit: c.oid,
    };
  }
  const running = snap.deployment.rollout;
  if (running) {
    const started = since.some(
      (r) =>
        r.verdict.kind === 'step' &&
        r.verdict.decision === 'start' &&
        r.verdict.rollout === running.id,
    );
    if (!started)
      return {
        summary: `rollout ${running.id} was not begun by a controller start step on this branch`,
      };
  }
  return null;
}
