/**
 * What the drift action touches of the outside world, behind one interface so tests can run it
 * in-process: the forge (issues and dispatches), the clock, and the three `git` commands that
 * move the branch between this checkout and `origin`. The git adapters are the rollout
 * action's: both actions push status commits to the same main the same way.
 */
import type { Env } from '../../../src/action-context/index.js';
import { createGitHubForge, type Forge } from '../../../src/forge/index.js';
import { gitFetch, gitPush, gitReset, type PushOutcome } from '../../rollout/src/deps.js';

export { gitFetch, gitPush, gitReset, type PushOutcome };

export interface Deps {
  /** The forge the drift issues are opened on and the retrain dispatch is sent to. */
  forge: (token: string) => Promise<Forge>;
  /** The clock: each pass reads it once, so its reports and commits carry the same time. */
  now: () => Date;
  /** `git push origin <branch>`, never forced; `pushed: false` when origin moved meanwhile. */
  push: (root: string, branch: string, token: string) => Promise<PushOutcome>;
  /** `git fetch origin <branch>` into `refs/remotes/origin/<branch>`. */
  fetch: (root: string, branch: string, token: string) => Promise<void>;
  /** Puts the local branch where `origin/<branch>` is, dropping this run's unpushed commits. */
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
