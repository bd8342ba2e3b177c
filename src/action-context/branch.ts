/**
 * Moving a branch between an action's checkout and `origin`, for the actions that commit on
 * `main` (rollout steps, drift statuses): a push that is never forced, and when origin moved
 * meanwhile, a fetch and a reset so the action can decide again on top of what landed.
 */
import { execFile } from 'node:child_process';
import * as core from '@actions/core';
import { createGitHubForge, type Forge } from '../forge/index.js';
import { branchNameProblem } from '../repo/branch-name.js';
import type { Env } from './index.js';

/** How a push ended: on origin, or refused because origin's branch moved meanwhile. */
export type PushOutcome = { pushed: true } | { pushed: false; why: string };

/** The three git commands, injectable so tests run actions in-process against a real origin. */
export interface BranchGit {
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
 * What an action that commits on the branch touches of the outside world, behind one
 * interface so tests run it in-process: the forge, the clock (each pass reads it once, so a
 * pass's commits carry the same time), and the three git commands.
 */
export interface CommitterDeps extends BranchGit {
  forge: (token: string) => Promise<Forge>;
  now: () => Date;
}

/** The inputs every action that commits on a branch reads, and the forge it talks to. */
export interface CommitterInputs {
  /** The `token` input, masked in the log; '' when not given. */
  token: string;
  /** The `branch` input; `main` by default. */
  branch: string;
  /** The `models` input (space- or comma-separated), or null for every model. */
  models: string[] | null;
  /** The forge, made on first use: a run with nothing to do there needs no API, nor a token. */
  forge: () => Promise<Forge>;
}

/**
 * Reads the inputs shared by the actions that commit on a branch (rollout, drift). A `branch`
 * that is not a branch name (`HEAD`, `refs/tags/x`, a commit id) throws, naming the input.
 * @example
 * const { token, branch, models, forge } = committerInputs(env, deps.forge);
 */
export function committerInputs(
  env: Env,
  makeForge: (token: string) => Promise<Forge>,
): CommitterInputs {
  const token = (env['INPUT_TOKEN'] ?? '').trim();
  if (token) core.setSecret(token);
  const names = (env['INPUT_MODELS'] ?? '').split(/[\s,]+/).filter(Boolean);
  const branch = (env['INPUT_BRANCH'] ?? '').trim() || 'main';
  const problem = branchNameProblem(branch);
  if (problem) throw new Error(`the branch input must name a branch: ${problem}`);
  let made: Promise<Forge> | undefined;
  return {
    token,
    branch: branch.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch,
    models: names.length ? names : null,
    forge: () => (made ??= makeForge(token)),
  };
}

/**
 * The real adapters, over the given environment.
 * @example
 * await main(process.env, defaultCommitterDeps(process.env));
 */
export function defaultCommitterDeps(env: Env): CommitterDeps {
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
 * Runs `pass` (which commits on the local branch) and pushes what it committed; when origin
 * moved meanwhile, fetches, resets and runs it again, so every commit is decided on the commit
 * it lands on. Never forces. The error says why nothing (more) was pushed: origin kept moving
 * past `maxPasses`, or refused for another reason (then the commits are on the local branch
 * only, and `what` names them).
 * @example
 * const { result, error } = await passUntilPushed({ git, root, branch: 'main', token, maxPasses: 5,
 *   what: 'rollout steps', pass: () => rolloutPass(input) });
 */
export async function passUntilPushed<R extends { committed: boolean }>(o: {
  git: BranchGit;
  root: string;
  branch: string;
  token: string;
  maxPasses: number;
  /** What the commits are, for the messages: `rollout steps`, `drift statuses`. */
  what: string;
  pass: () => Promise<R>;
}): Promise<{ result: R; error?: Error }> {
  for (let n = 1; ; n++) {
    const result = await o.pass();
    if (!result.committed) return { result };
    let outcome: PushOutcome;
    try {
      outcome = await o.git.push(o.root, o.branch, o.token);
    } catch (e) {
      const error = new Error(
        `${(e as Error).message}\nThe ${o.what} are committed on the local ${o.branch} only, and the next run decides them again. The token input needs contents: write, and may bypass the protection of ${o.branch} (a GitHub App token).`,
        { cause: e },
      );
      return { result, error };
    }
    if (outcome.pushed) {
      core.info(`pushed ${o.branch} to origin`);
      return { result };
    }
    const why = outcome.why.split('\n')[0]!;
    if (n >= o.maxPasses) {
      const error = new Error(
        `origin/${o.branch} kept moving: gave up after ${o.maxPasses} passes, nothing was pushed (${why})`,
      );
      return { result, error };
    }
    core.info(
      `origin/${o.branch} moved since this pass read it: fetching it and deciding again (pass ${n + 1} of ${o.maxPasses})`,
    );
    await o.git.fetch(o.root, o.branch, o.token);
    await o.git.reset(o.root, o.branch);
  }
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
export function gitPush(env: Env): BranchGit['push'] {
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
export function gitFetch(env: Env): BranchGit['fetch'] {
  return async (root, branch, token) => {
    const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
    try {
      await git(root, ['fetch', '--quiet', 'origin', refspec], authEnv(env, token));
    } catch (e) {
      throw new Error(`git fetch origin ${branch} failed: ${(e as Error).message}`, { cause: e });
    }
  };
}

/** Resets the local branch to `origin/<branch>` (see {@link BranchGit.reset}). */
export function gitReset(env: Env): BranchGit['reset'] {
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
