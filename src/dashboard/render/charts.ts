/**
 * The dashboard's charts as inline SVG: a metric across a model's versions, a rollout's
 * traffic steps over time, and a drift status's PSI per column. Attributes carry the look,
 * every mark has a `<title>` tooltip, and every chart an aria-label saying what it shows.
 */
import { num, plain } from '../../report/format.js';
import { escapeHtml as h, tickStep } from '../../report/svg.js';
import type { Stage } from '../../registry/index.js';
import type { DriftStatus } from '../../records/index.js';
import type { RolloutEvent } from '../types.js';

export const STAGE_COLORS: Record<Stage, string> = {
  Production: '#15803d',
  Staging: '#2563eb',
  Archived: '#94a3b8',
  Rejected: '#dc2626',
  None: '#475569',
};

export const DECISION_COLORS: Record<string, string> = {
  start: '#2563eb',
  continue: '#94a3b8',
  'wait-for-data': '#64748b',
  advance: '#16a34a',
  promote: '#15803d',
  rollback: '#dc2626',
  abort: '#ea580c',
};

export const LEVEL_COLORS: Record<DriftStatus['level'], string> = {
  ok: '#15803d',
  monitor: '#1d4ed8',
  warning: '#b45309',
  critical: '#b91c1c',
};

/** Coordinates to one decimal. */
const n = (v: number) => plain(v, 1);

function svg(w: number, hgt: number, aria: string, cls: string, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${cls}" role="img" aria-label="${h(aria)}" viewBox="0 0 ${w} ${hgt}" width="${w}" height="${hgt}" font-family="system-ui, sans-serif" font-size="11" fill="#1e293b">` +
    body.join('') +
    '</svg>'
  );
}

/** Ticks covering [lo, hi] at a round step, with the range widened to them. */
function ticks(lo: number, hi: number): number[] {
  if (hi - lo < 1e-12) {
    const pad = Math.abs(hi) * 0.05 || 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = tickStep(hi - lo);
  const first = Math.floor(lo / step + 1e-9) * step;
  const out: number[] = [];
  for (let t = first; t < hi + step - 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

export interface MetricPoint {
  version: string;
  value: number;
  stage: Stage;
}

/**
 * One metric across a model's versions, in version order: a line through one dot per version
 * that has the metric, coloured by the version's stage.
 * @example
 * metricChart('accuracy', [{ version: '1.0.0', value: 0.94, stage: 'Production' }])
 */
export function metricChart(metric: string, points: MetricPoint[]): string {
  const W = 360;
  const H = 210;
  const M = { left: 48, right: 14, top: 26, bottom: 46 };
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const values = points.map((p) => p.value);
  const ts = ticks(Math.min(...values), Math.max(...values));
  const lo = ts[0]!;
  const hi = ts.at(-1)!;
  const y = (v: number) => M.top + ph - ((v - lo) / (hi - lo)) * ph;
  const band = pw / Math.max(points.length, 1);
  const x = (i: number) => M.left + (i + 0.5) * band;
  const parts = [`<text x="${M.left}" y="14" font-weight="600">${h(metric)}</text>`];
  for (const t of ts) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="#e2e8f0"/>`,
      `<text x="${M.left - 6}" y="${n(y(t))}" text-anchor="end" dominant-baseline="middle">${h(num(t))}</text>`,
    );
  }
  if (points.length > 1) {
    const line = points.map((p, i) => `${n(x(i))},${n(y(p.value))}`).join(' ');
    parts.push(`<polyline points="${line}" fill="none" stroke="#64748b" stroke-width="1.5"/>`);
  }
  const slant = points.length > 5;
  const every = Math.ceil(points.length / 12);
  points.forEach((p, i) => {
    parts.push(
      `<circle class="point" cx="${n(x(i))}" cy="${n(y(p.value))}" r="4.5" fill="${STAGE_COLORS[p.stage]}">` +
        `<title>${h(`${p.version}: ${metric} ${num(p.value)} (${p.stage})`)}</title></circle>`,
    );
    if (i % every) return;
    const base = M.top + ph + 14;
    parts.push(
      slant
        ? `<text transform="translate(${n(x(i))} ${base}) rotate(-30)" text-anchor="end">${h(p.version)}</text>`
        : `<text x="${n(x(i))}" y="${base}" text-anchor="middle">${h(p.version)}</text>`,
    );
  });
  parts.push(
    `<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#334155"/>`,
  );
  return svg(
    W,
    H,
    `${metric} of ${points.length} version${points.length === 1 ? '' : 's'}, from ${num(Math.min(...values))} to ${num(Math.max(...values))}`,
    'metric-chart',
    parts,
  );
}

/** `11-19 13:11`: a step's time on the axis (UTC; the table beside it has the full time). */
const shortTime = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

/**
 * One rollout's candidate share over time: a step line from its start to its last decision,
 * one dot per decision coloured by what it decided. `events` oldest first.
 */
export function rolloutChart(events: RolloutEvent[]): string {
  const W = 640;
  const H = 200;
  const M = { left: 44, right: 20, top: 16, bottom: 40 };
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const times = events.map((e) => Date.parse(e.date));
  const t0 = Math.min(...times);
  const span = Math.max(Math.max(...times) - t0, 3_600_000);
  const x = (t: number) => M.left + ((t - t0) / span) * pw;
  const y = (w: number) => M.top + ph - (w / 100) * ph;
  const parts: string[] = [];
  for (const w of [0, 25, 50, 75, 100]) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${n(y(w))}" y2="${n(y(w))}" stroke="#e2e8f0"/>`,
      `<text x="${M.left - 6}" y="${n(y(w))}" text-anchor="end" dominant-baseline="middle">${w} %</text>`,
    );
  }
  let d = '';
  let weight = 0;
  events.forEach((e, i) => {
    const xx = n(x(times[i]!));
    d += i === 0 ? `M${xx},${n(y(weight))}` : ` H${xx}`;
    weight = e.weight;
    d += ` V${n(y(weight))}`;
  });
  parts.push(`<path class="steps" d="${d}" fill="none" stroke="#334155" stroke-width="2"/>`);
  events.forEach((e, i) => {
    parts.push(
      `<circle class="decision decision-${h(e.decision)}" cx="${n(x(times[i]!))}" cy="${n(y(e.weight))}" r="5" fill="${DECISION_COLORS[e.decision] ?? '#475569'}">` +
        `<title>${h(`${e.date.slice(0, 16).replace('T', ' ')} ${e.decision}: ${e.reason}`)}</title></circle>`,
    );
  });
  for (const { at, anchor, text } of timeLabels(
    times.map(x),
    events.map((e) => e.date),
  ))
    parts.push(
      `<text x="${n(at)}" y="${M.top + ph + 16}" text-anchor="${anchor}">${h(text)}</text>`,
    );
  parts.push(
    `<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#334155"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 4}" text-anchor="middle" font-weight="600">candidate share of traffic (UTC)</text>`,
  );
  const last = events.at(-1)!;
  return svg(
    W,
    H,
    `Rollout of ${last.version}: ${events.length} decision${events.length === 1 ? '' : 's'}, last ${last.decision} at ${last.weight} %`,
    'rollout-chart',
    parts,
  );
}

/** Width of one time label (`11-19 13:11` at 11px), in user units, with a gap. */
const LABEL_WIDTH = 70;

/**
 * Which decisions get a time under the axis: the first and the last (anchored inward, so they
 * stay inside the chart), then the others from the left wherever they overlap no label taken.
 */
function timeLabels(xs: number[], dates: string[]): { at: number; anchor: string; text: string }[] {
  const last = xs.length - 1;
  const anchor = (i: number) => (i === 0 ? 'start' : i === last ? 'end' : 'middle');
  const span = (i: number): [number, number] => {
    const x = xs[i]!;
    const a = anchor(i);
    return a === 'start'
      ? [x, x + LABEL_WIDTH]
      : a === 'end'
        ? [x - LABEL_WIDTH, x]
        : [x - LABEL_WIDTH / 2, x + LABEL_WIDTH / 2];
  };
  const taken: number[] = [];
  const fits = (i: number) =>
    taken.every((j) => {
      const [a0, a1] = span(i);
      const [b0, b1] = span(j);
      return a1 <= b0 || b1 <= a0;
    });
  for (const i of [0, last, ...xs.keys()]) if (!taken.includes(i) && fits(i)) taken.push(i);
  return taken
    .sort((a, b) => a - b)
    .map((i) => ({ at: xs[i]!, anchor: anchor(i), text: shortTime(dates[i]!) }));
}

export interface PsiLevels {
  monitor: number;
  warning: number;
  critical: number;
}

/**
 * The PSI of each drifted column as horizontal bars on a log scale (PSI runs from 0.01 to
 * tens), with the policy's monitor, warning and critical levels as dashed lines.
 */
export function psiChart(columns: DriftStatus['drifted'], levels: PsiLevels): string {
  const W = 640;
  const row = 24;
  const M = { left: 170, right: 24, top: 22, bottom: 26 };
  const H = M.top + M.bottom + Math.max(columns.length, 1) * row;
  const pw = W - M.left - M.right;
  const floor = 0.01;
  const top =
    10 ** Math.ceil(Math.log10(Math.max(1, levels.critical, ...columns.map((c) => c.psi))));
  const x = (v: number) =>
    M.left + (Math.log10(Math.max(v, floor) / floor) / Math.log10(top / floor)) * pw;
  const parts: string[] = [];
  for (let t = floor; t <= top * 1.0001; t *= 10) {
    parts.push(
      `<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${M.top}" y2="${H - M.bottom}" stroke="#e2e8f0"/>`,
      `<text x="${n(x(t))}" y="${H - M.bottom + 14}" text-anchor="middle">${h(num(t))}</text>`,
    );
  }
  columns.forEach((c, i) => {
    const yy = M.top + i * row + 4;
    parts.push(
      `<text x="${M.left - 8}" y="${yy + 8}" text-anchor="end" dominant-baseline="middle">${h(c.column)}</text>`,
      `<rect class="bar psi-${c.level}" x="${M.left}" y="${yy}" width="${n(Math.max(x(c.psi) - M.left, 1))}" height="16" fill="${LEVEL_COLORS[c.level]}">` +
        `<title>${h(`${c.column}: PSI ${num(c.psi)} (${c.level})`)}</title></rect>`,
    );
  });
  if (!columns.length)
    parts.push(
      `<text x="${M.left + pw / 2}" y="${M.top + 14}" text-anchor="middle" fill="#64748b">no column drifted</text>`,
    );
  // the levels are close on a log scale (0.1, 0.2, 0.3), so their names go in a legend above
  const legend = ['<text x="0" y="12">dashed: the policy\'s levels</text>'];
  (['monitor', 'warning', 'critical'] as const).forEach((level, i) => {
    const xx = n(x(levels[level]));
    parts.push(
      `<line class="level-line" x1="${xx}" x2="${xx}" y1="${M.top - 4}" y2="${H - M.bottom}" stroke="${LEVEL_COLORS[level]}" stroke-dasharray="4 3"><title>${level} at PSI ${h(num(levels[level]))}</title></line>`,
    );
    legend.push(
      `<text x="${M.left + 40 + i * 110}" y="12" fill="${LEVEL_COLORS[level]}">${level} ${h(num(levels[level]))}</text>`,
    );
  });
  parts.push(...legend);
  return svg(
    W,
    H,
    `PSI of ${columns.length} drifted column${columns.length === 1 ? '' : 's'} on a log scale, against the policy's levels`,
    'psi-chart',
    parts,
  );
}
