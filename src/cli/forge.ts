import { createGitHubForge, LocalForge, type Forge } from '../forge/index.js';
import { configuredIdentity, type Repo } from '../repo/index.js';
import { UsageError, type Io } from './io.js';

/**
 * The forge a command works with: the local one (the embedded default: pull requests as
 * branches and records under `.git/mlops/`), or GitHub with `MLOPS_FORGE=github`, a token in
 * `MLOPS_TOKEN` or `GITHUB_TOKEN` and the repository in `GITHUB_REPOSITORY` (as on a runner).
 * On the local forge, `as` (or your git user name) is who acts.
 */
export async function openForge(repo: Repo, io: Io, as?: string): Promise<Forge> {
  const kind = io.env.MLOPS_FORGE ?? 'local';
  if (kind === 'github') {
    const token = io.env.MLOPS_TOKEN ?? io.env.GITHUB_TOKEN;
    const repository = io.env.GITHUB_REPOSITORY;
    if (!token || !repository) {
      throw new UsageError(
        'MLOPS_FORGE=github needs a token (MLOPS_TOKEN or GITHUB_TOKEN) and GITHUB_REPOSITORY=owner/repo',
      );
    }
    return createGitHubForge({
      token,
      repository,
      ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}),
    });
  }
  if (kind !== 'local') throw new UsageError(`MLOPS_FORGE must be local or github; got ${kind}`);
  const login = as ?? io.env.GIT_AUTHOR_NAME ?? (await configuredIdentity(repo)).name ?? 'local';
  return new LocalForge(repo, {
    login: login.toLowerCase().replace(/\s+/g, '-'),
    now: () => io.now(),
  });
}
