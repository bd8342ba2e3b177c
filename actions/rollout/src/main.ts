/**
 * The `rollout` action. It starts the rollout of every candidate that has none (after
 * verifying its merged promotion; a refusal opens an issue), ticks every rollout in progress,
 * and pushes the steps to origin. With `plan`, it only lists the models that need either, for
 * a workflow to give each its own job and concurrency group. When origin's branch
 * moved meanwhile (another tick, a merge) it fetches, resets and decides again from there:
 * every step is decided on the commit it lands on, and main is never force-pushed.
 *
 * Inputs and the GitHub context are read from `env` when `main` runs, never at import;
 * outputs and the summary go through `@actions/core` (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
 */
import * as core from '@actions/core';
import { readContext, type Env } from '../../../src/action-context/index.js';
import { openRepo } from '../../../src/repo/index.js';
import { defaultDeps, type Deps } from './deps.js';
import { committerInputs, passUntilPushed } from '../../../src/action-context/branch.js';
import { modelsAt, rolloutPass, type PassResult } from './pass.js';
import { rolloutSummary } from './summary.js';

export { defaultDeps, gitFetch, gitPush, gitReset, type Deps } from './deps.js';

/** Passes before giving up on a branch that keeps moving: each one is a fresh decision. */
export const MAX_PASSES = 5;

/**
 * Runs the action. Never throws: a failure becomes `core.setFailed`.
 * @example
 * // GITHUB_EVENT_NAME=schedule GITHUB_WORKSPACE=/repo INPUT_TOKEN=…
 * await main(process.env, defaultDeps(process.env));
 */
export async function main(env: Env = process.env, deps: Deps = defaultDeps(env)): Promise<void> {
  try {
    const { eventName, workspace: root } = readContext(env);
    const { token, branch, models, forge } = committerInputs(env, deps.forge);
    if ((env['INPUT_PLAN'] ?? '').trim() === 'true') {
      const work = await modelsAt(await openRepo(root), branch, models);
      core.setOutput('models', JSON.stringify(work.map((w) => w.model)));
      core.info(
        work.length
          ? work.map((w) => `${w.model}: ${w.need}`).join('\n')
          : 'no candidate to start and no rollout in progress',
      );
      return;
    }

    const { result, error } = await passUntilPushed({
      git: deps,
      root,
      branch,
      token,
      maxPasses: MAX_PASSES,
      what: 'rollout steps',
      pass: () => rolloutPass({ root, branch, env, forge, now: deps.now(), models }),
    });
    if (error) throw error;
    await report(result, eventName || 'manual');
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

async function report(result: PassResult, source: string): Promise<void> {
  const decisions = result.outcomes.map((o) => ({
    model: o.model,
    action: o.action,
    reason: o.reason,
    commit: o.commit,
  }));
  core.setOutput('started', JSON.stringify(result.started));
  core.setOutput('decisions', JSON.stringify(decisions));
  for (const o of result.outcomes) {
    const commit = o.commit ? ` [${o.commit.slice(0, 7)}]` : '';
    if (o.failed) core.error(`${o.model}: ${o.reason}`);
    else core.info(`${o.model}: ${o.action}: ${o.reason}${commit}`);
  }
  if (!result.outcomes.length) core.info('no rollout in progress and nothing to start');
  if (process.env['GITHUB_STEP_SUMMARY']) {
    await core.summary.addRaw(rolloutSummary(result.outcomes, source), true).write();
  }
  const failed = result.outcomes.filter((o) => o.failed).map((o) => o.model);
  if (failed.length) {
    core.setFailed(
      `${failed.length} of ${result.outcomes.length} rollout operation(s) failed: ${failed.join(', ')}`,
    );
  }
}
