/**
 * `forge/` — pull requests, reviews, statuses, issues and dispatches behind one port
 * (`Forge`), with the embedded `local` adapter (branches plus records under `.git/mlops/`,
 * real merge commits) and the `github` one (Octokit).
 *
 * @example
 * import { LocalForge } from './forge/index.js';
 * const forge = new LocalForge(await openRepo('.'), { login: 'ana' });
 * for (const pr of await forge.listPullRequests('open')) console.log(pr.number, pr.title);
 */
export type {
  CommitStatus,
  Forge,
  ForgeCommit,
  ForgeIdentity,
  Issue,
  PullRequest,
  PullState,
  Review,
  ReviewState,
  StatusState,
} from './port.js';
export { ForgeError } from './errors.js';
export type { ForgeErrorCode } from './errors.js';
export { LocalForge, readStatuses } from './local.js';
export { localLogin } from './local-commits.js';
export type { LocalForgeOptions } from './local.js';
export type { DispatchRecord } from './local-store.js';
export { createGitHubForge, GitHubForge } from './github.js';
export type { GitHubForgeOptions, GitHubTiming } from './github.js';
