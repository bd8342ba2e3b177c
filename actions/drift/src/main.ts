/**
 * The `drift` action. It checks each model in production against its training data, commits
 * the drift status of each model whose level changed, pushes those commits, then acts on the
 * levels as `mlops drift --act` does: a warning opens or updates the model's drift issue,
 * critical drift dispatches `retrain`. When origin's branch moved meanwhile it fetches, resets
 * and checks again from there (at most 3 passes): main is never force-pushed.
 *
 * Inputs and the GitHub context are read from `env` when `main` runs, never at import;
 * outputs and the summary go through `@actions/core` (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
 */
import * as core from '@actions/core';
import { readContext, type Env } from '../../../src/action-context/index.js';
import { committerInputs, passUntilPushed } from '../../../src/action-context/branch.js';
import { durationMs } from '../../../src/records/index.js';
import { actOn, type Acted } from './act.js';
import { defaultDeps, type Deps } from './deps.js';
import { driftPass, type Checked, type PassResult } from './pass.js';
import { driftSummary } from './summary.js';

export { defaultDeps, gitFetch, gitPush, gitReset, type Deps } from './deps.js';

/** Passes before giving up on a branch that keeps moving: each one checks afresh. */
export const MAX_PASSES = 3;

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
    const window = (env['INPUT_WINDOW'] ?? '').trim();
    // checkDrift calls a bad window a DriftError, which skips a model: a typo here is a failure
    if (window && durationMs(window) === null)
      throw new Error(`window: "${window}" is not a duration (24h, 7d)`);

    // the levels stand even when their record could not be pushed: still act on them
    const { result, error: pushError } = await passUntilPushed({
      git: deps,
      root,
      branch,
      token,
      maxPasses: MAX_PASSES,
      what: 'drift statuses',
      pass: () =>
        driftPass({
          root,
          branch,
          env,
          now: deps.now(),
          models,
          ...(window ? { window } : {}),
        }),
    });

    const acted: Acted[] = [];
    for (const c of result.checks) if (c.kind === 'checked') acted.push(await actOn(forge, c));
    await report(result, acted, eventName || 'manual', pushError);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

async function report(
  result: PassResult,
  acted: Acted[],
  source: string,
  pushError: Error | undefined,
): Promise<void> {
  const levels = Object.fromEntries(result.checks.map((c) => [c.model, c.level]));
  core.setOutput('levels', JSON.stringify(levels));
  core.setOutput(
    'actions',
    JSON.stringify(
      acted.map((a) => ({
        model: a.model,
        level: a.level,
        action: a.action,
        ...(a.issue !== undefined ? { issue: a.issue } : {}),
        ...(a.dispatched !== undefined ? { dispatched: a.dispatched } : {}),
      })),
    ),
  );
  const failures: string[] = [];
  for (const c of result.checks) {
    if (c.kind === 'checked')
      core.info(
        `${c.model}: ${describe(
          c,
          acted.find((a) => a.model === c.model),
        )}`,
      );
    else if (c.kind === 'skipped') core.warning(`${c.model}: not checked: ${c.message}`);
    else {
      core.error(`${c.model}: ${c.message}`);
      failures.push(c.model);
    }
  }
  for (const a of acted.filter((x) => x.error)) {
    core.error(`${a.model}: ${a.error}`);
    failures.push(a.model);
  }
  if (!result.checks.length) core.info('no model in production: nothing to check');
  if (process.env['GITHUB_STEP_SUMMARY']) {
    await core.summary.addRaw(driftSummary(result.checks, acted, source), true).write();
  }
  if (pushError) core.setFailed(pushError.message);
  else if (failures.length)
    core.setFailed(
      `drift failed for ${failures.length} model(s): ${[...new Set(failures)].join(', ')}`,
    );
}

/** One log line: the level and why, what was committed, and what was done about it. */
function describe(c: Checked, a: Acted | undefined): string {
  const commit = c.commit ? `status committed [${c.commit.slice(0, 7)}]` : 'level unchanged';
  const done =
    a?.issue !== undefined
      ? `; ${a.created ? 'opened' : 'updated'} issue #${a.issue}`
      : a?.dispatched
        ? '; retraining dispatched'
        : '';
  return `${c.reason} (${commit}${done})`;
}
