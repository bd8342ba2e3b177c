/**
 * The `train` action. With `plan-only: true` it decides which models a push retrains
 * (output `models`, a JSON array); otherwise it trains one model under the tracking protocol,
 * registers a succeeded run on a new branch `register/<model>/<run-id>` (a failed one is
 * recorded alone on `runs/<model>/<run-id>`), pushes that branch and writes the job summary.
 *
 * Inputs and the GitHub context are read from `env` when `main` runs, never at import;
 * outputs and the summary go through `@actions/core` (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import { DataWorkspace } from '../../../src/data/index.js';
import type {
  Deployment,
  GovernancePolicy,
  ModelVersion,
  Run,
} from '../../../src/records/index.js';
import { registerRun, type RegisterRunResult } from '../../../src/registry/index.js';
import {
  commitAuthor,
  commitHere,
  listFiles,
  openRepo,
  readBlob,
  readWorktreeRecord,
  type Repo,
} from '../../../src/repo/index.js';
import {
  progressLine,
  readModel,
  trainModel,
  type TrainResult,
} from '../../../src/tracking/index.js';
import { defaultDeps, type Deps } from './deps.js';
import { parseInputs, readContext, type ActionContext, type Env, type Inputs } from './inputs.js';
import { planRetrains, planSummary, registrySide, runReason, type PlannedModel } from './plan.js';
import { handOverToPromotion } from './promotion.js';
import { trainSummary, type TrainSummary } from './summary.js';

export { defaultDeps, gitPush, type Deps } from './deps.js';

/**
 * Runs the action. Never throws: a failure becomes `core.setFailed`.
 * @example
 * // INPUT_MODEL=execution-agent GITHUB_WORKSPACE=/repo GITHUB_EVENT_NAME=workflow_dispatch
 * await main(process.env, defaultDeps(process.env));
 */
export async function main(env: Env = process.env, deps: Deps = defaultDeps(env)): Promise<void> {
  try {
    const context = readContext(env);
    const inputs = parseInputs(env, context);
    if (inputs.token) core.setSecret(inputs.token);
    if (inputs.planOnly) await plan(context, inputs);
    else await train(env, context, inputs, deps);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

async function plan(context: ActionContext, inputs: Inputs): Promise<void> {
  const root = context.workspace;
  let planned: PlannedModel[];
  let source: string;
  if (inputs.model) {
    readModel(root, inputs.model); // fails here, on a hosted runner, for a model that does not exist
    source = context.eventName || 'input';
    planned = [{ model: inputs.model, reasons: [inputs.reason || `named by ${source}`] }];
  } else {
    if (!inputs.after || !inputs.before) {
      throw new Error(
        'name a model (input `model`), or give the commits of a push (inputs `before` and `after`, set from the push event)',
      );
    }
    const repo = await openRepo(root);
    const after = registrySide(await recordsAt(repo, inputs.after), 'throw');
    const created = /^0+$/.test(inputs.before);
    const before = created ? undefined : registrySide(await recordsAt(repo, inputs.before), 'skip');
    planned = planRetrains(before, after);
    source = `push ${created ? '' : `${short(inputs.before)}..`}${short(inputs.after)}`;
  }
  const reasons = Object.fromEntries(
    planned.map((p) => [p.model, inputs.model ? p.reasons[0]! : runReason(p, short(inputs.after))]),
  );
  core.setOutput('models', JSON.stringify(planned.map((p) => p.model)));
  core.setOutput('reasons', JSON.stringify(reasons));
  const text = planSummary(planned, source);
  core.info(text.replace(/^### /, ''));
  if (process.env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(text, true).write();
}

/** The model and dataset records of a commit, by path. */
async function recordsAt(repo: Repo, ref: string): Promise<Map<string, Uint8Array>> {
  let files;
  try {
    files = await listFiles(repo, ref, ['registry/models/', 'data/']);
  } catch (e) {
    throw new Error(
      `cannot read commit ${ref}: ${(e as Error).message} (check out with fetch-depth: 0 so the push's commits are there)`,
      { cause: e },
    );
  }
  const wanted = files.filter(
    (f) =>
      /^registry\/models\/[^/]+\/model\.yaml$/.test(f.path) || /^data\/[^/]+\.yaml$/.test(f.path),
  );
  return new Map(
    await Promise.all(wanted.map(async (f) => [f.path, await readBlob(repo, f.oid)] as const)),
  );
}

async function train(env: Env, context: ActionContext, inputs: Inputs, deps: Deps) {
  if (context.eventName.startsWith('pull_request')) {
    throw new Error(
      `refusing to train for a ${context.eventName} event: code from a pull request never runs on the training runners`,
    );
  }
  const model = inputs.model;
  if (!model)
    throw new Error('input `model` is required to train (the plan-only step decides which)');
  if (!inputs.token) {
    core.warning(
      "no token input: the branch is pushed with the checkout's credentials; if that is GITHUB_TOKEN, the push starts no workflow (no validation, no promotion)",
    );
  }
  const root = context.workspace;
  const trigger: Run['trigger'] = {
    type: inputs.trigger,
    ...(inputs.reason ? { reason: inputs.reason } : {}),
    ...(env['GITHUB_ACTOR'] ? { actor: env['GITHUB_ACTOR'] } : {}),
  };
  const base: TrainSummary = { model, thresholds: {}, ...productionAndThresholds(root, model) };

  core.info(`Training ${model} (${trigger.type}${inputs.reason ? `: ${inputs.reason}` : ''})`);
  const result = await runTraining(env, { root, model, trigger, inputs }, deps);
  if (!('run' in result)) {
    await writeSummary(trainSummary({ ...base, error: result.error }));
    core.setFailed(result.error);
    return;
  }
  const { run } = result;
  base.durationMs = result.durationMs;
  core.setOutput('run-id', run.id);
  core.setOutput('status', run.status);
  const author = await commitAuthor(root, env, deps.now());
  let registerError: string | undefined;
  if (run.status === 'succeeded') {
    let r: RegisterRunResult | undefined;
    try {
      r = await registerRun({
        root,
        model,
        runId: run.id,
        now: deps.now(),
        author,
        env,
        branch: `register/${model}/${run.id}`,
      });
    } catch (e) {
      registerError = `run ${run.id} succeeded but cannot be registered: ${(e as Error).message}`;
    }
    if (r) {
      await push(deps, root, r.branch, inputs.token);
      const v = r.version.version;
      core.setOutput('version', v);
      core.setOutput('branch', r.branch);
      core.setOutput('commit', r.commit);
      core.info(`Registered ${model} ${v} from run ${run.id}; pushed ${r.branch}`);
      const registered = { version: v, branch: r.branch, commit: r.commit };
      let promotion: TrainSummary['promotion'];
      let promotionError: string | undefined;
      try {
        promotion = await handOverToPromotion(deps, {
          root,
          model,
          version: v,
          from: r.branch,
          token: inputs.token,
          author,
        });
        core.setOutput('pr', String(promotion.number));
        core.setOutput('decision', promotion.decision);
        core.info(`Promotion #${promotion.number}: ${promotion.decision} (${promotion.status})`);
      } catch (e) {
        promotionError = `${model} ${v} is registered on ${r.branch}, but its promotion failed: ${(e as Error).message}`;
      }
      await writeSummary(
        trainSummary({
          ...base,
          run,
          registered,
          promotion,
          ...(promotionError ? { error: promotionError } : {}),
        }),
      );
      if (promotionError) core.setFailed(promotionError);
      return;
    }
  }
  // every experiment is tracked: a run that makes no version is committed alone
  const { oid, branch } = await commitHere(
    root,
    author,
    [{ path: result.path, content: readFileSync(join(root, result.path), 'utf8') }],
    `Record ${run.status} run ${run.id} of ${model}`,
    { Model: model, Run: run.id, Status: run.status },
    { branch: `runs/${model}/${run.id}` },
  );
  await push(deps, root, branch, inputs.token);
  core.setOutput('branch', branch);
  core.setOutput('commit', oid);
  core.info(`Recorded run ${run.id} on ${branch}`);
  await writeSummary(
    trainSummary({ ...base, run, error: registerError, recorded: { branch, commit: oid } }),
  );
  core.setFailed(registerError ?? `${model}: run ${run.id} ${run.status}: ${run.failure?.reason}`);
}

/**
 * trainModel with its output streamed to the log line by line and a progress line every
 * `progressEveryMs`. Workflow commands are off meanwhile: a trainer printing `::…::` lines
 * cannot set outputs or annotations. Errors before the command started come back as text.
 */
async function runTraining(
  env: Env,
  opts: { root: string; model: string; trigger: Run['trigger']; inputs: Inputs },
  deps: Deps,
): Promise<TrainResult | { error: string }> {
  const ws = new DataWorkspace(opts.root, env);
  const partial = { stdout: '', stderr: '' };
  const emit = (stream: 'stdout' | 'stderr', text: string) => {
    const lines = (partial[stream] + text).split('\n');
    partial[stream] = lines.pop()!;
    for (const line of lines) core.info(line.replace(/\r$/, ''));
  };
  let lastProgress = 0;
  const resume = randomUUID();
  core.info(`::stop-commands::${resume}`);
  try {
    return await trainModel(
      {
        root: opts.root,
        model: opts.model,
        ws,
        trigger: opts.trigger,
        params: opts.inputs.params,
        ...(opts.inputs.remote ? { remote: opts.inputs.remote } : {}),
      },
      {
        exec: deps.exec,
        host: deps.host,
        now: deps.now,
        env,
        ...(deps.onSignal ? { onSignal: deps.onSignal } : {}),
        output: emit,
        progress: (p) => {
          if (p.elapsedMs - lastProgress < deps.progressEveryMs) return;
          lastProgress = p.elapsedMs;
          core.info(`[progress] ${progressLine(p)}`);
        },
      },
    );
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) emit(stream, '\n');
    core.info(`::${resume}::`);
    ws.close();
  }
}

/** The production version and the thresholds (policy with the model's overrides) from the work tree. */
function productionAndThresholds(root: string, model: string): Partial<TrainSummary> {
  try {
    const m = readModel(root, model);
    const deployment = readWorktreeRecord<Deployment>(
      root,
      `registry/models/${model}/deployment.yaml`,
    );
    const policy = readWorktreeRecord<GovernancePolicy>(root, 'policies/governance.yaml');
    const prod = deployment?.production;
    const production = prod
      ? readWorktreeRecord<ModelVersion>(root, `registry/models/${model}/versions/${prod}.yaml`)
      : undefined;
    const min = m.governance?.min_accuracy ?? policy?.checks.min_accuracy;
    const max = m.governance?.max_latency_p95_ms ?? policy?.checks.max_latency_p95_ms;
    return {
      ...(production ? { production } : {}),
      thresholds: {
        ...(min !== undefined ? { min_accuracy: min } : {}),
        ...(max !== undefined ? { max_latency_p95_ms: max } : {}),
      },
    };
  } catch {
    return {}; // a missing model fails training with its own message
  }
}

/** Pushes a branch committed here; a refusal says where the commit is and what to check. */
async function push(deps: Deps, root: string, branch: string, token: string | undefined) {
  try {
    await deps.push(root, branch, token);
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\nThe commit is on the local branch ${branch} only. The token input needs contents: write on this repository.`,
      { cause: e },
    );
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (process.env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(markdown, true).write();
}

function short(sha: string): string {
  return /^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 7) : sha;
}
