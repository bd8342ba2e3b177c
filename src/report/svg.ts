/**
 * One column's histogram as an inline SVG: reference and current side by side in each bin,
 * as percentages of their own sample (the samples differ in size), with axes, bin edges or
 * category labels, a legend, and each bar's counts in a tooltip. Attributes, not CSS, carry
 * the look, so the SVG stands alone when copied out of the page.
 */
import type { ColumnDrift } from '../drift/types.js';
import { binLabel, bins, clip, count, num, pct, plain } from './format.js';

/** Text or attribute value safe in HTML and SVG: the five characters with meaning escaped. */
export function escapeHtml(s: string): string {
  // most text has none of them: one test instead of five replaces (a dashboard escapes a lot)
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIALS, (c) => ENTITIES[c]!);
}

const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const COLORS = { reference: '#64748b', current: '#ea580c' } as const;

const W = 640;
const H = 292;
const M = { left: 56, right: 16, top: 48, bottom: 64 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
/** Labels shown under the x axis at most; the rest are in the bars' tooltips. */
const MAX_X_LABELS = 10;

export interface Samples {
  reference: { name: string; rows: number };
  current: { name: string; rows: number };
}

/** Coordinates to one decimal: enough for a screen, and never an exponent or NaN. */
const n = (v: number) => plain(v, 1);

/** A step of 1, 2, 2.5 or 5 × 10^k that splits `top` into about four ticks. */
export function tickStep(top: number): number {
  const raw = top / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
}

/**
 * The histogram of one column as an `<svg role="img">` with an aria-label that says what it
 * shows. An empty histogram (no bins) or all-zero counts still draws its axes, and says so.
 * @example
 * histogramSvg(column, { reference: report.reference, current: report.current })
 */
export function histogramSvg(c: ColumnDrift, samples: Samples): string {
  const bs = bins(c.histogram);
  const band = PW / Math.max(bs.length, 1);
  const maxShare = Math.max(0, ...bs.map((b) => Math.max(b.refShare, b.curShare))) * 100;
  const step = maxShare > 0 ? tickStep(maxShare) : 25;
  const top = maxShare > 0 ? Math.ceil(maxShare / step - 1e-9) * step : 100;
  const y = (p: number) => M.top + PH - (p / top) * PH;
  const x0 = M.left;
  const parts: string[] = [];

  // grid and y ticks
  for (let t = 0; t <= top + 1e-9; t += step) {
    const yy = n(y(t));
    parts.push(
      `<line x1="${x0}" x2="${x0 + PW}" y1="${yy}" y2="${yy}" stroke="#e2e8f0"/>`,
      `<text x="${x0 - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${plain(t, 2)} %</text>`,
    );
  }

  // bars: reference left, current right within each bin
  const bar = Math.max(band * 0.4, 0.2);
  bs.forEach((b, i) => {
    const bx = x0 + i * band + band * 0.1;
    const label = escapeHtml(b.label);
    for (const [side, share, rows, name, dx] of [
      ['reference', b.refShare, b.reference, samples.reference.name, 0],
      ['current', b.curShare, b.current, samples.current.name, bar],
    ] as const) {
      const p = share * 100;
      parts.push(
        `<rect class="bar ${side === 'reference' ? 'ref' : 'cur'}" x="${n(bx + dx)}" y="${n(y(p))}" width="${n(bar)}" height="${n(y(0) - y(p))}" fill="${COLORS[side]}" fill-opacity="${side === 'reference' ? 0.75 : 0.9}">` +
          `<title>${side} (${escapeHtml(name)}), ${label}: ${count(rows)} rows, ${pct(share)}</title></rect>`,
      );
    }
  });
  if (!bs.some((b) => b.reference || b.current)) {
    parts.push(
      `<text x="${n(x0 + PW / 2)}" y="${n(M.top + PH / 2)}" text-anchor="middle" fill="#64748b">no values in either sample</text>`,
    );
  }

  // axes
  const base = n(y(0));
  parts.push(
    `<line x1="${x0}" x2="${x0 + PW}" y1="${base}" y2="${base}" stroke="#334155"/>`,
    `<line x1="${x0}" x2="${x0}" y1="${M.top}" y2="${base}" stroke="#334155"/>`,
    ...xLabels(c, bs.length, band),
    `<text x="${n(x0 + PW / 2)}" y="${H - 6}" text-anchor="middle" class="axis-title">${escapeHtml(c.kind === 'numerical' ? `${c.column} (bin edges)` : `${c.column} (categories)`)}</text>`,
    `<text transform="translate(14 ${n(M.top + PH / 2)}) rotate(-90)" text-anchor="middle" class="axis-title">% of rows</text>`,
  );

  // legend: one line per sample, since sample names can be long
  const legend = (i: number, side: 'reference' | 'current', s: { name: string; rows: number }) => {
    const ly = 6 + i * 18;
    return (
      `<rect class="swatch" x="${x0}" y="${ly}" width="12" height="12" fill="${COLORS[side]}"/>` +
      `<text x="${x0 + 18}" y="${ly + 6}" dominant-baseline="middle">${side}: ${escapeHtml(clip(s.name, 60))} (${count(s.rows)} rows)</text>`
    );
  };
  parts.push(legend(0, 'reference', samples.reference), legend(1, 'current', samples.current));

  const aria = `Histogram of ${c.column}: share of rows per ${c.kind === 'numerical' ? 'bin' : 'category'}, reference against current, ${bs.length} ${bs.length === 1 ? 'bin' : 'bins'}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(aria)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12" fill="#1e293b">` +
    parts.join('') +
    `</svg>`
  );
}

/**
 * Under the x axis: a numerical column's edges at the bins' boundaries, a categorical
 * column's labels under its bins (slanted when many), thinned to `MAX_X_LABELS`.
 */
function xLabels(c: ColumnDrift, k: number, band: number): string[] {
  const base = M.top + PH;
  const edges = c.histogram.edges;
  const out: string[] = [];
  if (c.kind === 'numerical' && edges && edges.length === k + 1) {
    const every = Math.ceil(edges.length / MAX_X_LABELS);
    edges.forEach((e, i) => {
      if (i % every && i !== edges.length - 1) return;
      const xx = n(M.left + i * band);
      out.push(
        `<line x1="${xx}" x2="${xx}" y1="${base}" y2="${base + 4}" stroke="#334155"/>`,
        `<text class="edge" x="${xx}" y="${base + 16}" text-anchor="middle">${escapeHtml(num(e))}</text>`,
      );
    });
    return out;
  }
  const every = Math.ceil(k / MAX_X_LABELS);
  const slant = k > 6;
  for (let i = 0; i < k; i += every) {
    const label = escapeHtml(clip(binLabel(c.histogram, i), slant ? 14 : 18));
    const xx = n(M.left + (i + 0.5) * band);
    out.push(
      slant
        ? `<text transform="translate(${xx} ${base + 12}) rotate(-30)" text-anchor="end">${label}</text>`
        : `<text x="${xx}" y="${base + 16}" text-anchor="middle">${label}</text>`,
    );
  }
  return out;
}
