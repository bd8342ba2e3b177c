import type { RolloutPolicy } from '../../records/index.js';
import { RepoError, commitEdits, resolveRef, type Author, type Repo } from '../../repo/index.js';
import { analyzeAB } from '../bayes/index.js';
import { decide } from '../decide.js';
import type { MetricsProvider } from '../metrics/provider.js';
import type { Decision, RolloutStatus } from '../state.js';
import type { Analyze, RolloutWindow } from '../window.js';
import { RolloutError } from './errors.js';
import { deploymentAfter, stepCommit, stepEdits, type RolloutStep } from './outcome.js';
import { deploymentPath, readRolloutSnapshot, type RolloutSnapshot } from './read.js';
import { verifierOf, type VerifiedTarget } from './guard.js';

/** What every rollout operation needs: where to commit, as whom, and when it is. */
export interface RolloutTarget {
  repo: Repo;
  /** The branch the Deployments live on (`main`). */
  branch: string;
  /** Dated `now` by the caller. */
  author: Author;
  now: Date;
  /** Also update the work tree and index (the branch is checked out here). */
  updateWorkTree?: boolean;
  /** Re-reads after the branch moved under a step, before giving up; default 5. */
  attempts?: number;
}

export interface TickOptions extends VerifiedTarget {
  /** The metrics source for a running rollout (see `metricsProviderFor`). */
  metrics: (snapshot: RolloutSnapshot, state: RolloutStatus) => MetricsProvider;
  /**
   * Called after deciding and before committing. The commit that follows is the only
   * effect of a tick, so a tick that dies here has changed nothing and the next one decides
   * again from the same state.
   */
  afterDecide?: (decision: Decision) => void | Promise<void>;
  /** Decide and report, commit nothing (`mlops rollout status`). */
  dryRun?: boolean;
}

export interface TickResult {
  model: string;
  decision: Decision;
  /** The window judged; null when no rollout runs or nothing was measured. */
  window: RolloutWindow | null;
  /** Where the figures came from, for messages. */
  source?: string;
  /** Why the source gave no window this tick (a failed tick). */
  unreachable?: string;
  /** The step's commit, when the state changed. */
  commit?: string;
  /** The approval the step was verified with, when it was (an advance or a promote). */
  approval?: string;
  /** The commit the decision was read at. */
  readAt: string;
}

/** The Bayesian analysis with the policy's thresholds, as `decide` takes it. */
export function analysisFor(policy: RolloutPolicy): Analyze {
  return (control, treatment) => analyzeAB(control, treatment, policy.analysis);
}

/**
 * One tick of a model's rollout: read the Deployment and policy at the branch tip, read both
 * arms over the current step's window (`since` → now), decide, and — only when the state
 * changed — commit the Deployment and the traffic configuration with the parent it was read
 * at. When the branch moved meanwhile nothing is written: the tick reads again and decides
 * again, so two ticks racing make one step, never two. An advance or a promote is verified
 * first (approval and custody, see `stepVerifier`); a rollback moves traffic back to safety
 * and is never held up, and a committed `continue` only records the wait.
 * @throws RolloutError `RACE_LOST` after `attempts` re-reads; `NOT_APPROVED` or
 *   `CUSTODY_BROKEN` when verification refuses the step; errors of reading the records or a
 *   broken metrics source, before anything is written
 * @example
 * const r = await tickRollout({ repo, branch: 'main', author, now, forge, metrics: () => provider }, 'fraud');
 * r.decision.action // 'advance'
 */
export async function tickRollout(opts: TickOptions, model: string): Promise<TickResult> {
  return withRetries(opts, async (head) => {
    const snap = await readRolloutSnapshot(opts.repo, head, model);
    const state = snap.deployment.rollout;
    if (!state) {
      const pending = snap.deployment.candidate;
      const reason = pending
        ? `no rollout in progress; candidate ${pending} waits for \`mlops rollout start ${model}\``
        : 'no rollout in progress';
      const decision: Decision = {
        action: 'continue',
        reason,
        figures: {},
        next: null,
        changed: false,
      };
      return { model, decision, window: null, readAt: head };
    }
    const provider = opts.metrics(snap, state);
    const window = await provider.window(
      { from: new Date(state.since), to: opts.now },
      { baseline: state.baseline ?? 'none', candidate: state.candidate },
    );
    const decision = decide(state, window, snap.policy, opts.now, analysisFor(snap.policy));
    await opts.afterDecide?.(decision);
    const result: TickResult = { model, decision, window, source: provider.describe, readAt: head };
    if (window === null && provider.unreachable) result.unreachable = provider.unreachable;
    if (!decision.changed || opts.dryRun) return result;
    // only the steps that move traffic toward the candidate or move production are verified:
    // a rollback moves it back to safety, and a `continue` only records the wait
    const moves = decision.action === 'advance' || decision.action === 'promote';
    const verified = moves
      ? await verifierOf(opts)(snap, { action: decision.action, candidate: state.candidate })
      : undefined;
    const commit = await commitStep(opts, snap, decision, state.id);
    return { ...result, commit, ...(verified ? { approval: verified.approval } : {}) };
  });
}

/**
 * Commits one step of a rollout on the branch, with the snapshot's commit as the expected
 * parent: the Deployment after the step and the traffic configuration for its weight.
 * @throws RepoError `BRANCH_MOVED` when the branch is no longer where the snapshot was read
 */
export async function commitStep(
  target: RolloutTarget,
  snap: RolloutSnapshot,
  step: RolloutStep,
  rolloutId: string,
): Promise<string> {
  const before = snap.deployment;
  const after = deploymentAfter(before, step, target.now);
  const version = step.next?.candidate ?? before.rollout?.candidate ?? before.candidate ?? '';
  const baseline = before.rollout?.baseline ?? before.production;
  const { message, trailers } = stepCommit(snap.model, version, baseline, rolloutId, step);
  return commitEdits(target.repo, {
    branch: target.branch,
    expectedParent: snap.commit,
    edits: stepEdits(
      deploymentPath(snap.model),
      snap.deploymentText,
      before,
      after,
      snap.policy,
      step,
      rolloutId,
    ),
    message,
    trailers,
    author: target.author,
    ...(target.updateWorkTree ? { updateWorkTree: true } : {}),
  });
}

/**
 * Runs `attempt` at the branch's tip, again at the new tip each time its commit finds the
 * branch moved (another tick, a merge): the decision is always taken on what it commits onto.
 */
export async function withRetries<T>(
  target: RolloutTarget,
  attempt: (head: string) => Promise<T>,
): Promise<T> {
  const tries = target.attempts ?? 5;
  for (let i = 1; ; i++) {
    const head = await resolveRef(target.repo, target.branch);
    try {
      return await attempt(head);
    } catch (e) {
      if (!(e instanceof RepoError && e.code === 'BRANCH_MOVED')) throw e;
      if (i >= tries) {
        throw new RolloutError(
          'RACE_LOST',
          `${target.branch} kept moving under the rollout: gave up after ${tries} re-reads`,
          { branch: target.branch },
          { cause: e },
        );
      }
    }
  }
}
