/**
 * What the rollout action touches of the outside world, behind one interface so tests can run
 * it in-process: the forge, the clock, and the three `git` commands that move the branch
 * between this checkout and `origin` (push, fetch, reset).
 */
import { execFile } from 'node:child_process';
import * as core from '@actions/core';
import type { Env } from '../../../src/action-context/index.js';
import { createGitHubForge, type Forge } from '../../../src/forge/index.js';

/** How a push ended: on origin, or refused because origin's branch moved meanwhile. */
export type PushOutcome = { pushed: true } | { pushed: false; why: string };

export interface Deps {
  /** The forge approvals are verified on and refusals are reported to. */
  forge: (token: string) => Promise<Forge>;
  /** The clock: each pass reads it once, so a pass's commits all carry the same time. */
  now: () => Date;
  /**
   * `git push origin <branch>` as a fast-forward, never forced. Resolves `pushed: false` when
   * origin refused because its branch moved (the caller fetches and redoes its pass); rejects
   * on any other failure (no access, a protected branch).
   */
  push: (root: string, branch: string, token: string) => Promise<PushOutcome>;
  /** `git fetch origin <branch>` into `refs/remotes/origin/<branch>`. */
  fetch: (root: string, branch: string, token: string) => Promise<void>;
  /**
   * Puts the local branch where `origin/<branch>` is, dropping this run's unpushed commits:
   * `git reset --hard` when it is checked out, else the branch ref alone.
   */
  reset: (root: string, branch: string) => Promise<void>;
}

/**
 * The real adapters, over the given environment.
 * @example
 * await main(process.env, defaultDeps(process.env));
 */
export function defaultDeps(env: Env): Deps {
  return {
    forge: (token) =>
      Promise.resolve(
        createGitHubForge({
          token: token || env['GITHUB_TOKEN'] || '',
          repository: env['GITHUB_REPOSITORY'] ?? '',
          ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
        }),
      ),
    now: () => new Date(),
    push: gitPush(env),
    fetch: gitFetch(env),
    reset: gitReset(env),
  };
}

/**
 * Origin's refusals that mean "someone else pushed first": a non-fast-forward, or a ref that
 * changed between the server's read and its write. A protected branch's or a hook's refusal
 * is not one of them: fetching again would not help.
 */
const MOVED =
  /\[rejected\][^\n]*\((fetch first|non-fast-forward)\)|cannot lock ref|incorrect old value/;

/**
 * `git push origin refs/heads/<branch>` (no `+`: main is never forced), authenticated as
 * the train action pushes (see {@link authEnv}).
 * @example
 * await gitPush(process.env)('/repo', 'main', token); // { pushed: true }
 */
export function gitPush(env: Env): Deps['push'] {
  return async (root, branch, token) => {
    const refspec = `refs/heads/${branch}:refs/heads/${branch}`;
    try {
      await git(root, ['push', '--porcelain', 'origin', refspec], authEnv(env, token));
      return { pushed: true };
    } catch (e) {
      const why = (e as Error).message;
      if (MOVED.test(why)) return { pushed: false, why };
      throw new Error(`git push origin ${branch} failed: ${why}`, { cause: e });
    }
  };
}

/** `git fetch origin +refs/heads/<branch>:refs/remotes/origin/<branch>`, authenticated. */
export function gitFetch(env: Env): Deps['fetch'] {
  return async (root, branch, token) => {
    const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
    try {
      await git(root, ['fetch', '--quiet', 'origin', refspec], authEnv(env, token));
    } catch (e) {
      throw new Error(`git fetch origin ${branch} failed: ${(e as Error).message}`, { cause: e });
    }
  };
}

/** Resets the local branch to `origin/<branch>` (see {@link Deps.reset}). */
export function gitReset(env: Env): Deps['reset'] {
  return async (root, branch) => {
    const upstream = `refs/remotes/origin/${branch}`;
    const extra = { GIT_TERMINAL_PROMPT: '0' };
    const head = await git(root, ['symbolic-ref', '--quiet', 'HEAD'], { ...env, ...extra }).catch(
      () => '', // a detached HEAD: the branch is checked out nowhere
    );
    if (head === `refs/heads/${branch}`) {
      await git(root, ['reset', '--quiet', '--hard', upstream], { ...env, ...extra });
    } else {
      await git(root, ['update-ref', `refs/heads/${branch}`, upstream], { ...env, ...extra });
    }
  };
}

/**
 * The token as GitHub's checkout passes it: an `extraheader`, through `GIT_CONFIG_*` so it
 * shows in no process list, after an empty value that drops any header the checkout
 * persisted. Without a token, the checkout's own credentials are used.
 */
function authEnv(env: Env, token: string): Env {
  const extra: Env = { ...env, GIT_TERMINAL_PROMPT: '0' };
  if (!token) return extra;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  core.setSecret(basic);
  const key = `http.${(env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/$/, '')}/.extraheader`;
  return {
    ...extra,
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: key,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Runs git; resolves its trimmed stdout, rejects with its stderr as the message. */
function git(cwd: string, args: string[], env: Env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout.trim());
      // --porcelain puts a push's per-ref verdict on stdout, the rest on stderr
      const why = [stderr.trim(), stdout.trim()].filter(Boolean).join('\n');
      reject(new Error(why || `git ${args[0]} exited ${String(err.code)}`));
    });
  });
}
