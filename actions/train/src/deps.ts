/**
 * What the train action touches of the outside world, behind one interface so tests can run
 * it in-process: the machine (GPUs, toolchain), the clock, signals and `git push`.
 */
import { execFile } from 'node:child_process';
import * as core from '@actions/core';
import {
  hostFacts,
  processSignals,
  systemExec,
  type Exec,
  type HostFacts,
  type TrainDeps,
} from '../../../src/tracking/index.js';
import { createGitHubForge, type Forge } from '../../../src/forge/index.js';
import type { Env } from './inputs.js';

export interface Deps {
  /** Runs `nvidia-smi` and `python --version` for the Run's environment. */
  exec: Exec;
  host: HostFacts;
  now: () => Date;
  /**
   * Pushes a local branch to `origin` (authenticated with `token` when given); `force` for a
   * branch the tool rebuilds (`promote/...`).
   */
  push: (
    root: string,
    branch: string,
    token: string | undefined,
    opts?: { force?: boolean },
  ) => Promise<void>;
  /** The forge promotions are opened on: GitHub, from the workflow's environment. */
  forge: (token: string | undefined) => Promise<Forge>;
  /** How often a progress line goes to the log (10 s). */
  progressEveryMs: number;
  /** Forwards a cancelled job's SIGINT/SIGTERM to the command, so its Run says `killed`. */
  onSignal?: TrainDeps['onSignal'];
}

/**
 * The real adapters, over the given environment.
 * @example
 * await main(process.env, defaultDeps(process.env));
 */
export function defaultDeps(env: Env): Deps {
  return {
    exec: systemExec(env),
    host: hostFacts(env),
    now: () => new Date(),
    push: gitPush(env),
    forge: (token) =>
      Promise.resolve(
        createGitHubForge({
          token: token || env['GITHUB_TOKEN'] || '',
          repository: env['GITHUB_REPOSITORY'] ?? '',
          ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
        }),
      ),
    progressEveryMs: 10_000,
    onSignal: processSignals,
  };
}

/**
 * `git push origin <branch>`, authenticated with the token as GitHub's checkout does (an
 * `extraheader`, passed through `GIT_CONFIG_*` so it shows in no process list, after an empty
 * value that drops any header the checkout persisted). Without a token, the checkout's own
 * credentials are used.
 * @example
 * await gitPush(process.env)('/repo', 'register/m/20260120-000000-m', token);
 */
export function gitPush(env: Env): Deps['push'] {
  return (root, branch, token, opts = {}) => {
    const extra: Env = { GIT_TERMINAL_PROMPT: '0' };
    if (token) {
      const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
      core.setSecret(basic);
      const key = `http.${(env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/$/, '')}/.extraheader`;
      Object.assign(extra, {
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: key,
        GIT_CONFIG_VALUE_0: '',
        GIT_CONFIG_KEY_1: key,
        GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`,
      });
    }
    const refspec = `${opts.force ? '+' : ''}refs/heads/${branch}:refs/heads/${branch}`;
    const args = ['push', 'origin', refspec];
    return new Promise((resolve, reject) => {
      execFile('git', args, { cwd: root, env: { ...env, ...extra } }, (err, _out, stderr) => {
        if (!err) return resolve();
        const why = stderr.trim() || `exit ${String(err.code)}`;
        reject(new Error(`git push origin ${branch} failed: ${why}`));
      });
    });
  };
}
