/**
 * A version's page: its model card (the sections of Mitchell et al.) and what the
 * ModelVersion record says of it: stage, metrics by slice, artifact, lineage, the run that
 * made it and the commit that registered it.
 */
import { num } from '../../report/format.js';
import { escapeHtml as h } from '../../report/svg.js';
import type { ModelCard } from '../../records/index.js';
import type { Links } from '../links.js';
import type { ModelPage, SiteData, VersionPage } from '../types.js';
import { page, stageBadge, when } from './layout.js';

const ROOT = '../../';

const list = (xs: readonly string[] | undefined) =>
  xs?.length
    ? `<ul>${xs.map((x) => `<li>${h(x)}</li>`).join('')}</ul>`
    : '<p class="muted">None given.</p>';

const facts = (rows: [string, string][]) =>
  `<dl class="facts">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;

function cardSections(c: ModelCard): string {
  const d = c.model_details;
  const metricRows = c.metrics.map(
    (x) =>
      `<tr><td><code>${h(x.name)}</code></td><td>${h(x.slice ?? 'all')}</td><td class="n">${h(num(x.value))}</td>` +
      `<td class="n">${x.threshold === undefined ? '–' : `${x.direction === 'max' ? '≤' : '≥'} ${h(num(x.threshold))}`}</td></tr>`,
  );
  const data = (refs: ModelCard['training_data']) =>
    refs.length
      ? `<ul>${refs.map((r) => `<li><code>${h(r.dataset)}</code> <code>${h(r.hash.slice(0, 19))}…</code>${r.description ? ` ${h(r.description)}` : ''}</li>`).join('')}</ul>`
      : '<p class="muted">None given.</p>';
  return (
    '<h2>Model details</h2>' +
    facts([
      ['Description', h(d.description)],
      ['Architecture', h(d.architecture)],
      ['Framework', h(d.framework)],
      ['Owners', h(d.owners.join(', '))],
      ['Date', h(d.date)],
      ...(d.license ? [['License', h(d.license)] as [string, string]] : []),
    ]) +
    (d.references?.length ? `<h3>References</h3>${list(d.references)}` : '') +
    '<h2>Intended use</h2>' +
    `<h3>Primary uses</h3>${list(c.intended_use.primary_uses)}` +
    `<h3>Primary users</h3>${list(c.intended_use.primary_users)}` +
    `<h3>Out of scope</h3>${list(c.intended_use.out_of_scope)}` +
    `<h2>Factors</h2>${list(c.factors)}` +
    '<h2>Metrics</h2>' +
    (metricRows.length
      ? `<table><thead><tr><th>Metric</th><th>Slice</th><th>Value</th><th>Threshold</th></tr></thead><tbody>${metricRows.join('')}</tbody></table>`
      : '<p class="muted">None given.</p>') +
    `<h2>Training data</h2>${data(c.training_data)}` +
    `<h2>Evaluation data</h2>${data(c.evaluation_data)}` +
    `<h2>Limitations</h2>${list(c.limitations)}` +
    `<h2>Ethical considerations</h2>${list(c.ethical_considerations)}` +
    (c.caveats?.length ? `<h2>Caveats</h2>${list(c.caveats)}` : '') +
    '<h2>Retraining</h2>' +
    facts([
      ['Schedule', h(c.retraining.schedule)],
      ['Triggers', h(c.retraining.triggers.join('; '))],
    ])
  );
}

function record(v: VersionPage, links: Links): string {
  const r = v.record;
  const slices = Object.entries(r.slices ?? {});
  const sliceMetrics = [...new Set(slices.flatMap(([, m]) => Object.keys(m)))];
  return (
    '<h2>Registration</h2>' +
    facts([
      ['Stage', stageBadge(v.stage) + (v.rejected ? ` ${h(v.rejected.reason)}` : '')],
      ['Registered', when(r.created_at)],
      ['Change', `${h(r.change.level)}: ${h(r.change.reason)}`],
      ['Run', `<code>${h(r.run)}</code>`],
      [
        'Artifact',
        `<code>${h(r.artifact.uri)}</code> (${h(r.artifact.format)}, ${r.artifact.size} bytes, <code>${h(r.artifact.hash.slice(0, 19))}…</code>)`,
      ],
      ['Architecture', `${h(r.architecture.type)} (${h(r.architecture.framework)})`],
      [
        'Data',
        r.lineage.datasets
          .map((d) => `<code>${h(d.name)}</code> <code>${h(d.hash.slice(0, 19))}…</code>`)
          .join(', ') || '–',
      ],
      ['Features', r.features.map((f) => `<code>${h(f)}</code>`).join(', ') || '–'],
      [
        'Commit',
        v.registeredIn
          ? `<a class="commit" href="${h(links.commit(v.registeredIn.oid, ROOT))}">${h(v.registeredIn.oid.slice(0, 7))}</a> ${h(v.registeredIn.subject)}`
          : '<span class="muted">older than the audit trail shown</span>',
      ],
    ]) +
    '<h3>Metrics</h3>' +
    `<table><thead><tr><th>Metric</th><th>Value</th></tr></thead><tbody>${Object.entries(r.metrics)
      .map(([k, x]) => `<tr><td><code>${h(k)}</code></td><td class="n">${h(num(x))}</td></tr>`)
      .join('')}</tbody></table>` +
    (slices.length
      ? '<h3>By slice</h3>' +
        `<table><thead><tr><th>Slice</th>${sliceMetrics.map((k) => `<th>${h(k)}</th>`).join('')}</tr></thead><tbody>` +
        slices
          .map(
            ([s, m]) =>
              `<tr><td>${h(s)}</td>${sliceMetrics.map((k) => `<td class="n">${m[k] === undefined ? '–' : h(num(m[k]))}</td>`).join('')}</tr>`,
          )
          .join('') +
        '</tbody></table>'
      : '')
  );
}

/** `models/<model>/<version>.html`. */
export function versionPage(m: ModelPage, v: VersionPage, site: SiteData, links: Links): string {
  const name = m.model.name;
  const body =
    `<p><a href="index.html">← ${h(name)}</a></p>` +
    `<h1>${h(name)} ${h(v.record.version)} ${stageBadge(v.stage)}</h1>` +
    `<p class="lead">The model card of this version, and its registration.</p>` +
    record(v, links) +
    (v.card
      ? cardSections(v.card)
      : `<h2>Model card</h2><p class="muted">No card at <code>${h(v.record.card)}</code>.</p>`);
  return page({
    title: `${name} ${v.record.version} · Model registry`,
    root: ROOT,
    commit: site.commit,
    date: site.date,
    body,
  });
}
