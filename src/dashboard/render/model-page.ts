/**
 * A model's page: its stages at a glance, each metric across its versions as a chart, the
 * versions with their cards, every rollout as a timeline with its decisions, the latest drift
 * status with its PSI chart and level history, and the model's audit trail.
 */
import { num } from '../../report/format.js';
import { escapeHtml as h } from '../../report/svg.js';
import { DEFAULT_PSI_LEVELS } from '../../report/index.js';
import type { Links } from '../links.js';
import type { ModelPage, RolloutEvent, SiteData } from '../types.js';
import { auditTable } from './audit.js';
import { metricChart, psiChart, rolloutChart } from './charts.js';
import { levelBadge, page, stageBadge, versionHref, when } from './layout.js';

const ROOT = '../../';
/** Charts at most: the primary metric first, then the others by name. */
const MAX_CHARTS = 9;
/** The model's own audit rows shown; the audit page has them all. */
const MAX_AUDIT = 40;

const card = (k: string, v: string) =>
  `<div class="card"><div class="k">${k}</div><div class="v">${v}</div></div>`;

function summary(m: ModelPage): string {
  const d = m.deployment;
  const cards = [
    card('Production', d?.production ? h(d.production) : '–'),
    card(
      'Candidate',
      d?.candidate ? `${h(d.candidate)}${d.rollout ? ` at ${num(d.rollout.weight)} %` : ''}` : '–',
    ),
    card('Versions', String(m.versions.length)),
    card('Drift', m.drift ? levelBadge(m.drift.level) : '<span class="muted">not checked</span>'),
  ];
  return `<div class="cards">${cards.join('')}</div>`;
}

function metrics(m: ModelPage): string {
  const primary = m.model.evaluation.primary_metric;
  // a metric is charted when some version has a finite value of it (.nan and .inf are valid)
  const names = [
    ...new Set(
      m.versions.flatMap((v) =>
        Object.entries(v.record.metrics)
          .filter(([, x]) => Number.isFinite(x))
          .map(([k]) => k),
      ),
    ),
  ].sort((a, b) => Number(b === primary) - Number(a === primary) || a.localeCompare(b));
  if (!names.length) return '<p class="muted">No versions with metrics yet.</p>';
  const figures = names.slice(0, MAX_CHARTS).map((name) => {
    const points = m.versions.flatMap((v) => {
      const value = v.record.metrics[name];
      return value === undefined || !Number.isFinite(value)
        ? []
        : [{ version: v.record.version, value, stage: v.stage }];
    });
    return `<figure>${metricChart(name, points)}<figcaption>${h(name)}${name === primary ? ' (primary metric)' : ''}: dots coloured by stage</figcaption></figure>`;
  });
  const left = names.length - MAX_CHARTS;
  return (
    `<div class="charts">${figures.join('')}</div>` +
    (left > 0
      ? `<p class="muted">${left} more metric${left === 1 ? '' : 's'} in the versions' cards.</p>`
      : '')
  );
}

function versions(m: ModelPage): string {
  if (!m.versions.length) return '<p class="muted">No versions registered.</p>';
  const primary = m.model.evaluation.primary_metric;
  const rows = [...m.versions].reverse().map((v) => {
    const r = v.record;
    const value = r.metrics[primary];
    return (
      `<tr><td><a href="${h(ROOT + versionHref(m.model.name, r.version))}">${h(r.version)}</a></td>` +
      `<td>${stageBadge(v.stage)}${v.rejected ? `<div class="muted">${h(v.rejected.reason)}</div>` : ''}</td>` +
      `<td class="n">${when(r.created_at)}</td>` +
      `<td>${h(r.change.level)}: ${h(r.change.reason)}</td>` +
      `<td class="n">${value === undefined ? '–' : h(num(value))}</td>` +
      `<td><code>${h(r.run)}</code></td></tr>`
    );
  });
  return `<table><thead><tr><th>Version</th><th>Stage</th><th>Registered (UTC)</th><th>Change</th><th>${h(primary)}</th><th>Run</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function rollouts(m: ModelPage, links: Links): string {
  if (!m.rollouts.length)
    return '<p class="muted">No rollouts yet: merging a promotion pull request starts one.</p>';
  const byId = new Map<string, RolloutEvent[]>();
  for (const e of m.rollouts) byId.set(e.rollout, [e, ...(byId.get(e.rollout) ?? [])]);
  return [...byId.values()]
    .map((events) => {
      const last = events.at(-1)!;
      const rows = events.map(
        (e) =>
          `<tr><td class="n">${when(e.date)}</td><td><span class="badge decision decision-${h(e.decision)}">${h(e.decision)}</span></td><td class="n">${h(num(e.weight))} %</td>` +
          `<td>${h(e.reason)}${e.figures ? `<details><summary>the figures</summary><pre>${h(e.figures)}</pre></details>` : ''}</td>` +
          `<td><a class="commit" href="${h(links.commit(e.oid, ROOT))}">${h(e.oid.slice(0, 7))}</a></td></tr>`,
      );
      return (
        `<h3>${h(last.version)}: ${h(last.decision)} <span class="muted">(${h(last.rollout)})</span></h3>` +
        `<figure class="wide">${rolloutChart(events)}<figcaption>Each dot is a decision committed by the rollout controller; hover for its reason.</figcaption></figure>` +
        `<table><thead><tr><th>When (UTC)</th><th>Decision</th><th>Share</th><th>Why</th><th>Commit</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
      );
    })
    .join('');
}

function drift(m: ModelPage, site: SiteData, links: Links): string {
  const s = m.drift;
  if (!s) return '<p class="muted">No drift check has been committed for this model.</p>';
  const facts = [
    ['Level', `${levelBadge(s.level)} since ${when(s.since)}`],
    ['Checked', when(s.checked_at)],
    ['Version', s.version ? h(s.version) : '–'],
    ['Reference', `${h(s.reference.name)} (${s.reference.rows} rows)`],
    ['Current', `${h(s.current.name)} (${s.current.rows} rows)`],
    ['Dataset drift share', `${h(num(s.dataset_drift_share * 100))} %`],
    ...(s.accuracy_drop === undefined
      ? []
      : [['Accuracy drop', `${h(num(s.accuracy_drop * 100))} %`]]),
    ['Action', h(s.action)],
    ['Why', h(s.reason)],
  ];
  const history = m.driftHistory.map(
    (e) =>
      `<tr><td class="n">${when(e.date)}</td><td>${levelBadge(e.level)}</td><td>${h(e.version ?? '–')}</td><td>${h(e.reason)}</td>` +
      `<td><a class="commit" href="${h(links.commit(e.oid, ROOT))}">${h(e.oid.slice(0, 7))}</a></td></tr>`,
  );
  return (
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>` +
    `<figure class="wide">${psiChart(s.drifted, site.psi ?? DEFAULT_PSI_LEVELS)}<figcaption>PSI of each column past the monitor level, worst first.</figcaption></figure>` +
    (history.length
      ? `<h3>Level changes</h3><table><thead><tr><th>When (UTC)</th><th>Level</th><th>Version</th><th>Why</th><th>Commit</th></tr></thead><tbody>${history.join('')}</tbody></table>`
      : '')
  );
}

/** `models/<model>/index.html`. */
export function modelPage(m: ModelPage, site: SiteData, links: Links): string {
  const model = m.model;
  const shown = m.audit.slice(0, MAX_AUDIT);
  const body =
    `<h1>${h(model.name)}</h1>` +
    `<p class="lead">${h(model.description)} · owners ${h(model.owners.join(', '))} · primary metric <code>${h(model.evaluation.primary_metric)}</code></p>` +
    summary(m) +
    '<h2 id="metrics">Metrics across versions</h2>' +
    metrics(m) +
    '<h2 id="versions">Versions</h2>' +
    versions(m) +
    '<h2 id="rollouts">Rollouts</h2>' +
    rollouts(m, links) +
    '<h2 id="drift">Drift</h2>' +
    drift(m, site, links) +
    '<h2 id="audit">Audit trail</h2>' +
    auditTable(shown, { links, root: ROOT }) +
    (m.audit.length > shown.length
      ? `<p class="muted">${m.audit.length - shown.length} older commits on <a href="${ROOT}audit.html">the audit page</a>.</p>`
      : '');
  return page({
    title: `${model.name} · Model registry`,
    root: ROOT,
    commit: site.commit,
    date: site.date,
    body,
  });
}
