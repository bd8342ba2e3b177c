/**
 * The drift report as one self-contained HTML page, for a workflow artifact or a browser: the
 * summary, the columns worst first, and an inline SVG histogram per column. No scripts, fonts
 * or style sheets from anywhere: its own Content-Security-Policy forbids them, so a page that
 * renders without console errors is also proof that it needs nothing else.
 */
import type { ColumnDrift, DriftReport } from '../drift/types.js';
import {
  DEFAULT_PSI_LEVELS,
  byPsi,
  count,
  datasetDriftText,
  levelReasons,
  num,
  pct,
  shift,
  testLabel,
  thresholdText,
  type DriftRenderOptions,
} from './format.js';
import { COLORS, escapeHtml as h, histogramSvg } from './svg.js';

const LEVEL_COLORS = {
  ok: '#15803d',
  monitor: '#1d4ed8',
  warning: '#b45309',
  critical: '#b91c1c',
} as const;

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1e293b;background:#f8fafc}
main{max-width:1340px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 10px}
.headline{font-size:16px;margin:0 0 16px}
.badge{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600;font-size:13px}
${Object.entries(LEVEL_COLORS)
  .map(([l, c]) => `.level-${l}{background:${c}}`)
  .join('')}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.drifted{font-weight:600;color:#b91c1c}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:16px}
figure{margin:0;padding:8px;background:#fff;border:1px solid #e2e8f0;border-radius:6px}
figure svg{width:100%;max-width:720px;height:auto;display:block}
figcaption{font-size:13px;padding-top:4px}
code{font-family:ui-monospace,monospace;font-size:12.5px;background:#f1f5f9;padding:0 3px;border-radius:3px}
.note{color:#64748b}
.axis-title{font-weight:600}
.sw-ref{color:${COLORS.reference}}.sw-cur{color:${COLORS.current}}
`;

/**
 * The report as a self-contained HTML page: title, level and why, samples, dataset drift,
 * prediction drift and accuracy when present, a table of the columns (highest PSI first,
 * each linking to its figure), and one `<figure id="hist-<column>">` per column holding its
 * histogram. Every piece of text from the report is escaped. Deterministic.
 * @example
 * await writeFile('drift.html', driftHtml(report, { psi: policy.psi }));
 */
export function driftHtml(report: DriftReport, options: DriftRenderOptions = {}): string {
  const levels = options.psi ?? DEFAULT_PSI_LEVELS;
  const sorted = byPsi(report.columns);
  const ids = figureIds(sorted);
  const name = `${report.model}${report.version ? ` ${report.version}` : ''}`;
  const why = levelReasons(report, levels, (s) => `<code>${h(s)}</code>`).join('; ');
  const samples = { reference: report.reference, current: report.current };

  const body = [
    `<header>`,
    `<h1>Drift report: ${h(name)}</h1>`,
    `<p class="headline">${badge(report.level)} ${why}</p>`,
    `<dl class="facts">${facts(report)}</dl>`,
    `</header>`,
    `<section aria-labelledby="columns-h"><h2 id="columns-h">Columns by PSI</h2>`,
    sorted.length ? table(sorted, ids) : `<p class="note">No columns were compared.</p>`,
    `</section>`,
  ];
  if (report.prediction) {
    const p = report.prediction;
    body.push(
      `<section aria-labelledby="prediction-h"><h2 id="prediction-h">Predictions</h2>`,
      `<div class="figures">${figure('prediction', p, samples)}</div>`,
      `</section>`,
    );
  }
  if (sorted.length) {
    body.push(
      `<section aria-labelledby="hist-h"><h2 id="hist-h">Histograms: reference <span class="sw-ref" aria-hidden="true">■</span> vs current <span class="sw-cur" aria-hidden="true">■</span></h2>`,
      `<div class="figures">`,
      ...sorted.map((c, i) => figure(ids[i]!, c, samples)),
      `</div></section>`,
    );
  }

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere; the empty icon stops the browser asking for /favicon.ico.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<link rel="icon" href="data:,">',
    `<title>Drift report: ${h(name)} (${report.level})</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    ...body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * `hist-<column>` per column, characters other than letters, digits, `_`, `.` and `-` as `_`
 * (an id from a data file must stay a plain fragment), `-2`, `-3` … on a clash.
 */
export function figureIds(columns: readonly ColumnDrift[]): string[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    const base = `hist-${c.column.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    let id = base;
    for (let i = 2; seen.has(id); i++) id = `${base}-${i}`;
    seen.add(id);
    return id;
  });
}

function badge(level: DriftReport['level']): string {
  // Colour, not the Markdown's emoji: a machine without an emoji font would show boxes.
  return `<span class="badge level-${level}">${level}</span>`;
}

function facts(r: DriftReport): string {
  const w = r.current.window;
  const rows: [string, string][] = [
    ['Reference', `${h(r.reference.name)} (${count(r.reference.rows)} rows)`],
    [
      'Current',
      `${h(r.current.name)} (${count(r.current.rows)} rows${w ? `, ${h(w.from)} → ${h(w.to)}` : ''})`,
    ],
    ['Checked', `<time datetime="${h(r.at)}">${h(r.at)}</time>`],
    ['Dataset drift', h(datasetDriftText(r))],
  ];
  const p = r.prediction;
  if (p) {
    rows.push([
      'Prediction drift',
      `<a href="#prediction"><code>${h(p.column)}</code></a>: ${h(verdict(p))}`,
    ]);
  }
  const a = r.accuracy;
  if (a) {
    rows.push([
      'Accuracy',
      `${num(a.reference)} → ${num(a.current)} (${pct(a.drop)} drop) ${badge(a.level)}`,
    ]);
  }
  return rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('');
}

/** `K-S p-value 0.0031 (drift ≤ 0.05): drifted; PSI 0.41` */
function verdict(c: ColumnDrift): string {
  return `${testLabel(c.test)} ${num(c.value)} (drift ${thresholdText(c)}): ${c.drifted ? 'drifted' : 'not drifted'}; PSI ${num(c.psi)}`;
}

function table(columns: ColumnDrift[], ids: string[]): string {
  const head =
    '<thead><tr><th scope="col">column</th><th scope="col">kind</th><th scope="col">test</th><th scope="col">value</th><th scope="col">drift at</th><th scope="col">drifted</th><th scope="col">PSI</th><th scope="col">level</th><th scope="col">reference → current</th></tr></thead>';
  const rows = columns.map((c, i) =>
    [
      `<tr><th scope="row"><a href="#${ids[i]}"><code>${h(c.column)}</code></a>${c.note ? `<br><span class="note">${h(c.note)}</span>` : ''}</th>`,
      `<td>${c.kind}</td>`,
      `<td>${h(testLabel(c.test))}</td>`,
      `<td class="n">${num(c.value)}</td>`,
      `<td class="n">${h(thresholdText(c))}</td>`,
      `<td${c.drifted ? ' class="drifted">yes' : '>no'}</td>`,
      `<td class="n">${num(c.psi)}</td>`,
      `<td>${badge(c.level)}</td>`,
      `<td>${h(shift(c, 3))}</td></tr>`,
    ].join(''),
  );
  return `<table>${head}<tbody>${rows.join('\n')}</tbody></table>`;
}

function figure(id: string, c: ColumnDrift, samples: Parameters<typeof histogramSvg>[1]): string {
  const note = c.note ? ` <span class="note">(${h(c.note)})</span>` : '';
  return (
    `<figure id="${h(id)}">${histogramSvg(c, samples)}` +
    `<figcaption><code>${h(c.column)}</code> (${c.kind}): ${h(verdict(c))} ${badge(c.level)}${note}</figcaption></figure>`
  );
}
