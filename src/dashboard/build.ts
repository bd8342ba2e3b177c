/**
 * One call from a repository folder to a written site: what `mlops dashboard` and the
 * dashboard Action both run.
 */
import { join, resolve } from 'node:path';
import type { Forge } from '../forge/index.js';
import type { Finding } from '../records/index.js';
import { openRepo, remoteUrl } from '../repo/index.js';
import { collectSite } from './collect.js';
import { siteLinks, webUrlOfRemote } from './links.js';
import { renderSite } from './site.js';
import { writeSite } from './write.js';

export interface BuildOptions {
  /** A folder inside the repository. */
  dir: string;
  /** Where the site goes (relative to `dir`); `site/` at the top of the repository by default. */
  out?: string;
  ref?: string;
  /** Audit trail commits at most. */
  limit?: number;
  /** The repository's web address; see {@link BuildOptions.env} for the fallbacks. */
  repoUrl?: string;
  /** `GITHUB_SERVER_URL` and `GITHUB_REPOSITORY` name the repository in an Actions run. */
  env?: Record<string, string | undefined>;
  /**
   * Confirm pull requests with this forge (the dashboard Action's token, the CLI's local
   * forge); without one the site is built from git alone and says so of every pull request.
   */
  forge?: Forge;
  /** The branch pull requests must have merged into; `main` by default. */
  branch?: string;
}

export interface BuildResult {
  /** The site's folder and its front page, absolute. */
  out: string;
  index: string;
  commit: string;
  pages: number;
  models: string[];
  /** Where links to commits and pull requests go; null when they stay in the site. */
  repoUrl: string | null;
  /** The problems of the records left out (files that do not load). */
  skipped: Finding[];
}

/**
 * Builds the dashboard of the repository containing `dir` and writes it to `out`, replacing
 * the previous one whole. Links go to `repoUrl`, else the Actions run's repository, else
 * `origin` when it is on GitHub, else stay in the site.
 * @example
 * const r = await buildDashboard({ dir: '.', out: 'site' }); // r.index: '/…/site/index.html'
 */
export async function buildDashboard(o: BuildOptions): Promise<BuildResult> {
  const repo = await openRepo(o.dir);
  const env = o.env ?? {};
  let repoUrl = o.repoUrl;
  if (repoUrl === undefined && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY)
    repoUrl = `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`;
  if (repoUrl === undefined) {
    const origin = await remoteUrl(repo);
    repoUrl = origin ? webUrlOfRemote(origin) : undefined;
  }
  const links = siteLinks(repoUrl);
  const site = await collectSite(repo, {
    ...(o.ref ? { ref: o.ref } : {}),
    ...(o.limit ? { limit: o.limit } : {}),
    ...(o.forge ? { forge: o.forge } : {}),
    ...(o.branch ? { branch: o.branch } : {}),
  });
  const files = renderSite(site, links);
  const out = o.out === undefined ? join(repo.dir, 'site') : resolve(o.dir, o.out);
  await writeSite(out, files, o.out ?? 'site');
  return {
    out,
    index: resolve(out, 'index.html'),
    commit: site.commit,
    pages: [...files.keys()].filter((p) => p.endsWith('.html')).length,
    models: site.models.map((m) => m.model.name),
    repoUrl: links.repoUrl ?? null,
    skipped: site.skipped,
  };
}
