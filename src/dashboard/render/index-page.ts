/** The site's front page: every model with its stages, versions, rollout and drift. */
import { formatFinding } from '../../records/index.js';
import { num } from '../../report/format.js';
import { escapeHtml as h } from '../../report/svg.js';
import type { ModelPage, SiteData } from '../types.js';
import { levelBadge, modelHref, page, stageBadge, versionHref, when } from './layout.js';

function row(m: ModelPage): string {
  const name = m.model.name;
  const d = m.deployment;
  const metric = m.model.evaluation.primary_metric;
  const prod = m.versions.find((v) => v.stage === 'Production');
  const value = prod?.record.metrics[metric];
  // a version whose record was left out has no page: named, not linked
  const paged = new Set(m.versions.map((x) => x.record.version));
  const version = (v: string | null | undefined, stage: string) =>
    v && !paged.has(v)
      ? `${h(v)} ${stageBadge(stage)}`
      : v
        ? `<a href="${h(versionHref(name, v))}">${h(v)}</a> ${stageBadge(stage)}`
        : '<span class="muted">–</span>';
  const rollout = d?.rollout
    ? `${h(d.rollout.candidate)} at ${num(d.rollout.weight)} % (step ${d.rollout.step + 1})`
    : '<span class="muted">–</span>';
  const latest = m.versions.at(-1);
  return (
    `<tr><td><a href="${h(modelHref(name))}"><strong>${h(name)}</strong></a><div class="muted">${h(m.model.description)}</div></td>` +
    `<td>${version(d?.production, 'Production')}</td>` +
    `<td>${version(d?.candidate, 'Staging')}</td>` +
    `<td>${rollout}</td>` +
    `<td class="n">${value === undefined ? '–' : `${h(metric)} ${h(num(value))}`}</td>` +
    `<td class="n">${m.versions.length}${latest ? ` <span class="muted">(latest ${h(latest.record.version)}, ${when(latest.record.created_at)})</span>` : ''}</td>` +
    `<td>${m.drift ? levelBadge(m.drift.level) : '<span class="muted">not checked</span>'}</td>` +
    `<td>${h(m.model.owners.join(', '))}</td></tr>`
  );
}

/** `index.html`. */
export function indexPage(site: SiteData): string {
  const models = site.models;
  const live = models.filter((m) => m.deployment?.production).length;
  const rolling = models.filter((m) => m.deployment?.rollout).length;
  const skipped = site.skipped.length
    ? `<div class="warning"><strong>${site.skipped.length} problem${site.skipped.length === 1 ? '' : 's'} in the records at this commit</strong>: the records they are in are left out (<code>mlops validate</code> says the same).<ul>` +
      site.skipped
        .slice(0, 50)
        .map((f) => `<li><code>${h(formatFinding(f))}</code></li>`)
        .join('') +
      (site.skipped.length > 50 ? `<li>and ${site.skipped.length - 50} more</li>` : '') +
      '</ul></div>'
    : '';
  const body =
    '<h1>Models</h1>' +
    skipped +
    `<p class="lead">${models.length} model${models.length === 1 ? '' : 's'}, ${live} in production, ${rolling} rolling out. Built from the repository alone: the records at <span class="commit">${h(site.commit.slice(0, 7))}</span> and their git history.</p>` +
    (models.length
      ? '<table class="models"><thead><tr><th>Model</th><th>Production</th><th>Candidate</th><th>Rollout</th><th>Primary metric</th><th>Versions</th><th>Drift</th><th>Owners</th></tr></thead><tbody>' +
        models.map(row).join('') +
        '</tbody></table>'
      : '<p class="muted">No models yet: a model is <code>registry/models/&lt;name&gt;/model.yaml</code>.</p>') +
    '<h2>Latest changes</h2>' +
    '<ul>' +
    site.audit
      .slice(0, 8)
      .map((c) => `<li>${when(c.date)} — ${h(c.subject)}</li>`)
      .join('') +
    '</ul><p><a href="audit.html">The whole audit trail →</a></p>';
  return page({ title: 'Model registry', root: '', commit: site.commit, date: site.date, body });
}
