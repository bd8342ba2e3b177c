/**
 * The drift report's charts as Mermaid `xychart-beta` blocks, which GitHub renders in job
 * summaries and PR bodies (as promote/chart.ts does for metrics): PSI per column against the
 * policy's levels, and one column's histogram, reference against current.
 */
import type { ColumnDrift } from '../drift/types.js';
import { bins, clip, plain, type PsiLevels } from './format.js';

/** Longest x-axis label kept: longer names would overlap their neighbours. */
const MAX_LABEL = 20;

/**
 * Text safe inside a Mermaid quoted string: the grammar ends a string at the next `"` and has
 * no escape for it, and reads ``"` `` as the start of a Markdown string, so double quotes and
 * backticks become apostrophes; line breaks and other control characters
 * would break the block (or the Markdown fence around it), so they become spaces; angle
 * brackets become ‹ › so no markup from a data file reaches the page, whatever Mermaid's
 * sanitizer does with labels.
 */
export function mermaidText(s: string, max = 80): string {
  const t = s
    .replace(/["`]/g, "'")
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return clip(t, max);
}

/** A number Mermaid's grammar reads (no exponent), rounded for a chart. */
function value(v: number): string {
  return plain(v, 4);
}

/** An axis top a little above the largest value, rounded to two significant digits. */
function axisTop(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  return Number((max * 1.1).toPrecision(2));
}

function fence(lines: string[]): string {
  return ['```mermaid', 'xychart-beta', ...lines.map((l) => `  ${l}`), '```'].join('\n');
}

/**
 * PSI per column as bars (in the order given), with the policy's three levels as flat lines
 * across the chart; Mermaid draws no legend, so the title names them.
 * @returns the fenced block, or '' when there are no columns
 * @example
 * psiChart(byPsi(report.columns), DEFAULT_PSI_LEVELS) // '```mermaid\nxychart-beta\n  title "PSI ...'
 */
export function psiChart(columns: readonly ColumnDrift[], levels: PsiLevels): string {
  if (!columns.length) return '';
  const top = axisTop(
    Math.max(levels.critical, ...columns.map((c) => (Number.isFinite(c.psi) ? c.psi : 0))),
  );
  // An infinite PSI (an empty bin on one side without smoothing) is drawn at the top.
  const psi = columns.map((c) =>
    value(Number.isNaN(c.psi) ? 0 : Math.min(Math.max(c.psi, 0), top)),
  );
  const flat = (v: number) => `line [${columns.map(() => value(v)).join(', ')}]`;
  return fence([
    `title "PSI per column (lines: monitor ${value(levels.monitor)}, warning ${value(levels.warning)}, critical ${value(levels.critical)})"`,
    `x-axis [${columns.map((c) => `"${mermaidText(c.column, MAX_LABEL)}"`).join(', ')}]`,
    `y-axis "PSI" 0 --> ${value(top)}`,
    `bar [${psi.join(', ')}]`,
    flat(levels.monitor),
    flat(levels.warning),
    flat(levels.critical),
  ]);
}

/**
 * One column's histogram as percentages of each sample: the reference's bars, the current's
 * bars drawn over them (xychart overlays bar series; it cannot group them), and a line that
 * traces the reference so its shape stays visible where the current's bars cover it.
 * @returns the fenced block, or '' when the histogram has no bins
 */
export function histogramChart(c: ColumnDrift): string {
  const bs = bins(c.histogram);
  if (!bs.length) return '';
  const ref = bs.map((b) => b.refShare * 100);
  const cur = bs.map((b) => b.curShare * 100);
  const top = axisTop(Math.max(...ref, ...cur));
  const series = (xs: number[]) => `[${xs.map(value).join(', ')}]`;
  return fence([
    `title "${mermaidText(c.column, 40)}: reference (first bars, line) vs current (second bars)"`,
    `x-axis [${bs.map((b) => `"${mermaidText(b.label, MAX_LABEL)}"`).join(', ')}]`,
    `y-axis "% of rows" 0 --> ${value(top)}`,
    `bar ${series(ref)}`,
    `bar ${series(cur)}`,
    `line ${series(ref)}`,
  ]);
}
