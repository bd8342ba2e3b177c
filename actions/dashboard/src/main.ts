/**
 * The `dashboard` action: inputs → buildDashboard → outputs and a job summary line. Links go
 * to the run's repository (GITHUB_SERVER_URL/GITHUB_REPOSITORY). Inputs are read when `main`
 * runs, never at import.
 */
import * as core from '@actions/core';
import { readContext, type Env } from '../../../src/action-context/index.js';
import { buildDashboard } from '../../../src/dashboard/index.js';
import { createGitHubForge } from '../../../src/forge/index.js';

/**
 * Runs the action. Never throws: a failure becomes `core.setFailed`.
 * @example
 * // INPUT_OUT=site GITHUB_WORKSPACE=/repo
 * await main();
 */
export async function main(env: Env = process.env): Promise<void> {
  try {
    const input = (name: string) => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
    const limit = Number(input('limit') || '1000');
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`input limit must be a whole number >= 1; got "${input('limit')}"`);
    const { workspace } = readContext(env);
    // with a token, pull requests the forge confirms are marked so; without one, every pull
    // request is shown as claimed by its commit message
    const token = input('token');
    const repository = env['GITHUB_REPOSITORY'];
    if (token) core.setSecret(token);
    const forge =
      token && repository
        ? createGitHubForge({
            token,
            repository,
            ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
          })
        : undefined;
    const r = await buildDashboard({
      dir: workspace,
      out: input('out') || 'site',
      ref: input('ref') || 'HEAD',
      limit,
      env,
      ...(forge ? { forge, branch: input('branch') || env['GITHUB_REF_NAME'] || 'main' } : {}),
    });
    for (const f of r.skipped)
      core.warning(`left out of the dashboard: ${f.message}`, {
        file: f.path,
        startLine: f.line,
        startColumn: f.col,
        title: f.rule,
      });
    core.setOutput('path', r.out);
    core.setOutput('pages', r.pages);
    const line = `Dashboard of ${r.models.length} models at ${r.commit.slice(0, 7)}: ${r.pages} pages in ${r.out}`;
    core.info(line);
    // @actions/core writes the summary to the file process.env names, as in every action
    if (process.env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(`${line}\n`).write();
  } catch (e) {
    core.setFailed((e as Error).message);
  }
}
