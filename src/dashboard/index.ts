/**
 * `dashboard/` — the registry as a static site, from the repository alone: every model with
 * its stages and versions, metric charts across versions, each version's card, rollout
 * timelines, drift, and the audit trail. `collectSite` reads git; `renderSite` is pure;
 * `writeSite` replaces the output folder whole.
 * @example
 * const site = await collectSite(await openRepo('.'));
 * await writeSite('site', renderSite(site, siteLinks('https://github.com/acme/models')));
 */
export { collectSite, AUDITED } from './collect.js';
export type { CollectOptions } from './collect.js';
export { renderSite } from './site.js';
export { writeSite, DashboardError } from './write.js';
export { siteLinks, webUrlOfRemote } from './links.js';
export type { Links } from './links.js';
export type * from './types.js';
export { buildDashboard } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
