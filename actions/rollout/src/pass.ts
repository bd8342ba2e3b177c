/**
 * One pass of the rollout action over the local branch: start the rollout of every candidate
 * that has none, then tick every rollout in progress. Every step is a local commit; the caller pushes them
 * all at once and, when origin moved meanwhile, resets the branch and runs the pass again.
 */
import type { Env } from '../../../src/action-context/index.js';
import { DataWorkspace } from '../../../src/data/index.js';
import type { Forge } from '../../../src/forge/index.js';
import {
  commitAuthor,
  currentBranch,
  openRepo,
  resolveRef,
  type Repo,
} from '../../../src/repo/index.js';
import {
  deployedModels,
  isRefusal,
  metricsProviderFor,
  PrometheusMetricsProvider,
  readRolloutSnapshot,
  refusedIssue,
  RolloutError,
  startModelRollout,
  tickRollout,
  type RolloutTarget,
  type RolloutWindow,
} from '../../../src/rollout/index.js';

/** What happened to one model in a pass: a start, a refusal, a tick's decision, or an error. */
export interface ModelOutcome {
  model: string;
  /** `start`, `refused`, `skip`, `error`, or a tick's decision (`continue`, `rollback`, …). */
  action: string;
  reason: string;
  /** The step's commit on the branch; null when nothing was committed. */
  commit: string | null;
  /** The candidate's share of traffic after the step; null when there is no rollout. */
  weight: number | null;
  /** Both arms over the step's window, when a tick read one. */
  window?: RolloutWindow | null;
  versions?: { baseline: string | null; candidate: string };
  /** Makes the action fail at the end (a refusal, an error). */
  failed: boolean;
}

export interface PassInput {
  root: string;
  branch: string;
  env: Env;
  /** The forge, made when a start first needs it. */
  forge: () => Promise<Forge>;
  now: Date;
  /** The models to consider (the `models` input); null for all. */
  models: string[] | null;
}

export interface PassResult {
  started: string[];
  outcomes: ModelOutcome[];
  /** Whether the pass committed anything on the branch (then it must be pushed). */
  committed: boolean;
}

/**
 * The models the pass works on at the branch tip, each with what it needs: `start` for a
 * candidate without a rollout (whichever run finds it, a push's or a scheduled one, so a
 * start lost to a failed or cancelled run is made by the next), `tick` for a rollout in
 * progress. Narrowed to `models` when given. A model whose records do not load is ticked, so
 * its tick fails with the findings.
 * @example
 * await modelsAt(repo, 'main', null) // [{ model: 'execution-agent', need: 'start' }]
 */
export async function modelsAt(
  repo: Repo,
  branch: string,
  models: string[] | null,
): Promise<{ model: string; need: 'start' | 'tick' }[]> {
  const head = await resolveRef(repo, branch);
  const out: { model: string; need: 'start' | 'tick' }[] = [];
  for (const model of models ?? (await deployedModels(repo, head))) {
    try {
      const d = (await readRolloutSnapshot(repo, head, model)).deployment;
      if (d.rollout) out.push({ model, need: 'tick' });
      else if (d.candidate) out.push({ model, need: 'start' });
    } catch (e) {
      // without a rollout policy nothing can be rolling out
      if (!(e instanceof RolloutError && e.code === 'NO_POLICY')) out.push({ model, need: 'tick' });
    }
  }
  return out;
}

/** Runs one pass at the local branch's tip; errors of one model never stop the others. */
export async function rolloutPass(input: PassInput): Promise<PassResult> {
  const { root, branch, env, forge, now } = input;
  // opened afresh each pass: a reset between passes moved refs under any cached reader
  const repo = await openRepo(root);
  const headBefore = await resolveRef(repo, branch);
  const target: RolloutTarget = {
    repo,
    branch,
    now,
    author: await commitAuthor(root, env, now),
    updateWorkTree: (await currentBranch(repo)) === branch,
  };
  const outcomes: ModelOutcome[] = [];
  const started: string[] = [];

  const work = await modelsAt(repo, branch, input.models);
  for (const { model } of work.filter((w) => w.need === 'start')) {
    const o = await start(target, forge, model);
    if (o.action === 'start' && o.commit) started.push(model);
    outcomes.push(o);
  }

  // a rollout started in this pass has no window yet: its first tick is the next run's
  const ws = new DataWorkspace(root, env);
  try {
    for (const { model } of work.filter((w) => w.need === 'tick'))
      outcomes.push(await tick(target, forge, ws, model));
  } finally {
    ws.close();
  }
  const committed = (await resolveRef(repo, branch)) !== headBefore;
  return { started, outcomes, committed };
}

async function start(
  target: RolloutTarget,
  forgeOf: () => Promise<Forge>,
  model: string,
): Promise<ModelOutcome> {
  const none = { model, commit: null, weight: null };
  try {
    const forge = await forgeOf();
    const r = await startModelRollout({ ...target, forge }, model);
    if (!r.started) return { ...none, action: 'skip', reason: r.reason, failed: false };
    const approval = r.approval ? ` (${r.approval.summary})` : '';
    const commit = r.commit ?? null;
    const rollout = commit
      ? (await readRolloutSnapshot(target.repo, commit, model)).deployment.rollout
      : null;
    const weight = rollout?.weight ?? null;
    return {
      model,
      action: 'start',
      reason: `${r.reason}${approval}`,
      commit,
      weight,
      failed: false,
    };
  } catch (e) {
    if (isRefusal(e)) return refused(forgeOf, e, none);
    // the push set a candidate that a later commit took off again: nothing left to start
    if (e instanceof RolloutError && e.code === 'NO_CANDIDATE')
      return { ...none, action: 'skip', reason: e.message, failed: false };
    return { ...none, action: 'error', reason: `start: ${(e as Error).message}`, failed: true };
  }
}

/** A refused step: the issue opened (or updated) and the reason; the refusal stands even when the issue cannot be opened. */
async function refused(
  forgeOf: () => Promise<Forge>,
  e: RolloutError,
  none: { model: string; commit: null; weight: null },
): Promise<ModelOutcome> {
  const issue = await forgeOf()
    .then((forge) => refusedIssue(forge, e))
    .then(
      (i) => `issue #${i.number}: ${i.title}`,
      (err: Error) => `the issue could not be opened: ${err.message}`,
    );
  return { ...none, action: 'refused', reason: `${e.message}; ${issue}`, failed: true };
}

async function tick(
  target: RolloutTarget,
  forgeOf: () => Promise<Forge>,
  ws: DataWorkspace,
  model: string,
): Promise<ModelOutcome> {
  try {
    const head = await resolveRef(target.repo, target.branch);
    const state = (await readRolloutSnapshot(target.repo, head, model)).deployment.rollout;
    const r = await tickRollout(
      {
        ...target,
        forge: await forgeOf(),
        metrics: (snap, s) =>
          metricsProviderFor(snap.policy, model, s.id, {
            store: (remote) => ws.store(remote),
            prometheus: (m, config) =>
              new PrometheusMetricsProvider({ model: m, url: config.url, queries: config.queries }),
          }),
      },
      model,
    );
    const d = r.decision;
    const weight = d.next ? d.next.weight : d.action === 'promote' ? 100 : state ? 0 : null;
    const unreachable = r.unreachable ? ` (${r.unreachable})` : '';
    return {
      model,
      action: d.action,
      reason: `${d.reason}${unreachable}`,
      commit: r.commit ?? null,
      weight,
      window: r.window,
      ...(state ? { versions: { baseline: state.baseline, candidate: state.candidate } } : {}),
      failed: false,
    } satisfies ModelOutcome;
  } catch (e) {
    if (isRefusal(e)) return refused(forgeOf, e, { model, commit: null, weight: null });
    const reason = `tick: ${(e as Error).message}`;
    return { model, action: 'error', reason, commit: null, weight: null, failed: true };
  }
}
