/** The whole site as files: path (relative to its root) → HTML. Pure. */
import type { Links } from './links.js';
import { auditPage } from './render/audit.js';
import { indexPage } from './render/index-page.js';
import { CSS, modelHref, versionHref } from './render/layout.js';
import { modelPage } from './render/model-page.js';
import { versionPage } from './render/version-page.js';
import type { SiteData } from './types.js';

/**
 * Every file of the dashboard: `index.html`, `audit.html`, per model `models/<model>/index.html`
 * and `models/<model>/<version>.html`, and the style sheet they share, `style.css`.
 * @example
 * renderSite(await collectSite(repo), siteLinks()).get('index.html') // '<!doctype html>…'
 */
export function renderSite(site: SiteData, links: Links): Map<string, string> {
  const files = new Map<string, string>([
    ['index.html', indexPage(site)],
    ['audit.html', auditPage(site, links)],
  ]);
  for (const m of site.models) {
    files.set(decodeURIComponent(modelHref(m.model.name)), modelPage(m, site, links));
    for (const v of m.versions)
      files.set(
        decodeURIComponent(versionHref(m.model.name, v.record.version)),
        versionPage(m, v, site, links),
      );
  }
  files.set('style.css', CSS);
  // GitHub Pages runs Jekyll on a published folder unless told not to
  files.set('.nojekyll', '');
  return files;
}
