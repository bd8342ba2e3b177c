/**
 * The audit trail as the site shows it: one row per commit, newest first, with who, when,
 * what it said and decided, the pull request it came through (its decision and approvers),
 * and the files it changed. The audit page anchors every row (`#c-<sha>`): offline, the
 * site's links to commits and pull requests land there.
 */
import { escapeHtml as h } from '../../report/svg.js';
import type { Links } from '../links.js';
import type { AuditCommit, PullRef, SiteData } from '../types.js';
import { page, when } from './layout.js';

/**
 * Files listed per commit at most: an import of a whole registry changes thousands, and the
 * commit itself lists them all.
 */
const MAX_PATHS = 25;

/** The trailers worth a glance in a list; the rest are in the commit. */
const SHOWN = ['Model', 'Version', 'Decision', 'Weight', 'Stage', 'Run', 'Change', 'Approved-by'];

export interface AuditOptions {
  links: Links;
  root: string;
  /** Give each row its anchor (the audit page only, so ids stay unique per page). */
  anchors?: boolean;
}

/** The rows of an audit trail as a table. */
export function auditTable(commits: AuditCommit[], o: AuditOptions): string {
  if (!commits.length) return '<p class="muted">No commits.</p>';
  const rows = commits.map((c) => {
    const id = o.anchors ? ` id="c-${c.oid.slice(0, 12)}"` : '';
    const trailers = SHOWN.flatMap((k) => (c.trailers[k] ?? []).map((v) => `${k}: ${v}`));
    const pull = c.pull
      ? `<div>via <a href="${h(o.links.pull(c.pull, o.root))}">#${c.pull.number}</a> ${h(c.pull.subject)}` +
        (c.pull.decision ? ` — ${h(c.pull.decision)}` : '') +
        (c.pull.approvedBy.length ? ` (approved by ${h(c.pull.approvedBy.join(', '))})` : '') +
        ` ${pullMark(c.pull)}</div>`
      : '';
    const details =
      c.body || c.paths.length
        ? `<details><summary>${c.paths.length} file${c.paths.length === 1 ? '' : 's'}${c.body ? ' and the message' : ''}</summary>` +
          (c.body ? `<pre>${h(c.body)}</pre>` : '') +
          (c.paths.length
            ? `<ul>${c.paths
                .slice(0, MAX_PATHS)
                .map((p) => `<li><code>${h(p)}</code></li>`)
                .join(
                  '',
                )}${c.paths.length > MAX_PATHS ? `<li class="muted">and ${c.paths.length - MAX_PATHS} more</li>` : ''}</ul>`
            : '') +
          '</details>'
        : '';
    return (
      `<tr${id}><td class="n">${when(c.date)}</td>` +
      `<td><a class="commit" href="${h(o.links.commit(c.oid, o.root))}">${h(c.oid.slice(0, 7))}</a></td>` +
      `<td>${h(c.author)}</td>` +
      `<td><div>${h(c.subject)}</div>` +
      (trailers.length ? `<div class="trailers">${h(trailers.join(' · '))}</div>` : '') +
      pull +
      details +
      '</td></tr>'
    );
  });
  return `<table class="audit"><thead><tr><th>When (UTC)</th><th>Commit</th><th>Author</th><th>What</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Whether the forge confirmed a pull request, or git only claims it: a badge with the why.
 * @example
 * pullMark({ ...pull, confirmed: false, note: 'from the commit message (not confirmed)' })
 * // '<span class="badge warn" title="…">from the commit message (not confirmed)</span>'
 */
export function pullMark(p: PullRef): string {
  return p.confirmed
    ? `<span class="badge ok" title="${h(p.note)}">confirmed by the forge</span>`
    : `<span class="badge warn" title="${h(p.note)}">${h(p.note)}</span>`;
}

/** The audit page: every commit to the registry's folders. */
export function auditPage(site: SiteData, links: Links): string {
  const body =
    '<h1>Audit trail</h1>' +
    `<p class="lead">Every commit that changed the registry (<code>registry/</code>, <code>model-cards/</code>, <code>policies/</code>, <code>data/</code>), newest first: git history is the audit trail.` +
    (site.auditCut ? ` The oldest are left out: ${site.audit.length} shown.` : '') +
    '</p>' +
    auditTable(site.audit, { links, root: '', anchors: true }) +
    // merges the trail's rows link to offline must be on the page too
    mergesNotShown(site, links);
  return page({ title: 'Audit trail', root: '', commit: site.commit, date: site.date, body });
}

/**
 * The merge commits of the pull requests the trail mentions: git's history of the
 * registry's folders shows a pull request's own commits, not its merge, so offline links to a
 * pull request need a row to land on.
 */
function mergesNotShown(site: SiteData, links: Links): string {
  if (links.repoUrl) return '';
  const shown = new Set(site.audit.map((c) => c.oid));
  const merges = new Map<string, AuditCommit>();
  for (const c of site.audit) {
    const p = c.pull;
    if (!p || shown.has(p.oid) || merges.has(p.oid)) continue;
    merges.set(p.oid, {
      oid: p.oid,
      date: p.date,
      author: p.author,
      subject: `Merge pull request #${p.number}: ${p.subject} [${p.confirmed ? 'confirmed by the forge' : p.note}]`,
      body: '',
      trailers: {
        ...(p.decision ? { Decision: [p.decision] } : {}),
        ...(p.approvedBy.length ? { 'Approved-by': p.approvedBy } : {}),
      },
      paths: [],
    });
  }
  if (!merges.size) return '';
  return (
    '<h2>Pull request merges</h2>' +
    auditTable([...merges.values()], { links, root: '', anchors: true })
  );
}
