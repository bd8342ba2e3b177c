/**
 * What both drift renderers share: numbers as people read them, the levels' words and
 * colours, how a test's verdict reads, the columns in the order they are shown, and a
 * histogram as shares of each sample. Pure: no files, no clock, no environment.
 */
import type { ColumnDrift, DriftLevel, DriftReport, DriftTest, Histogram } from '../drift/types.js';
import type { DriftPolicy } from '../records/index.js';

/** The drift policy's PSI levels; the report does not carry them, so the renderers take them. */
export type PsiLevels = DriftPolicy['psi'];

/** The shipped policy's PSI levels (policies/drift.yaml), used when none are given. */
export const DEFAULT_PSI_LEVELS: PsiLevels = { monitor: 0.1, warning: 0.2, critical: 0.3 };

export interface DriftRenderOptions {
  /** The PSI levels the report was judged by, for the charts' threshold lines and the headline. */
  psi?: PsiLevels;
}

export const LEVEL_EMOJI: Record<DriftLevel, string> = {
  ok: '✅',
  monitor: '🔎',
  warning: '⚠️',
  critical: '🚨',
};

/** p-value tests drift when the value is at most the threshold; distances when at least. */
const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set(['ks', 'chisquare', 'z']);

const TEST_NAMES: Record<DriftTest, string> = {
  ks: 'K-S',
  chisquare: 'chi-square',
  z: 'Z',
  wasserstein: 'Wasserstein',
  jensenshannon: 'Jensen-Shannon',
  psi: 'PSI',
};

export function isPValueTest(test: DriftTest): boolean {
  return P_VALUE_TESTS.has(test);
}

/** `K-S p-value`, `Wasserstein distance`: the test and what its value is. */
export function testLabel(test: DriftTest): string {
  return `${TEST_NAMES[test]} ${isPValueTest(test) ? 'p-value' : 'distance'}`;
}

/** The threshold as a condition for drift: `≤ 0.05` for a p-value, `≥ 0.1` for a distance. */
export function thresholdText(c: ColumnDrift): string {
  return `${isPValueTest(c.test) ? '≤' : '≥'} ${num(c.threshold)}`;
}

/**
 * A number as people read it: at most four significant digits, no trailing zeros (as
 * governance/ writes them; not imported from there, which would pull the registry loaders
 * into a pure renderer). `n/a` for NaN, `∞` for infinities.
 */
export function num(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return String(Number(v.toPrecision(4)));
}

/** A ratio as a percent, two decimals at most: 0.0204 → `2.04 %`. */
export function pct(ratio: number): string {
  if (Number.isNaN(ratio)) return 'n/a';
  if (!Number.isFinite(ratio)) return ratio > 0 ? '+∞ %' : '−∞ %';
  return `${Number((ratio * 100).toFixed(2))} %`;
}

/** A count with thousands separators, locale-independent: 12345 → `12,345`. */
export function count(n: number): string {
  return Number.isFinite(n)
    ? Math.round(n)
        .toString()
        .replace(/\B(?=(\d{3})+$)/g, ',')
    : '?';
}

/** Fixed-point without exponent or trailing zeros (Mermaid's and SVG's number syntax). */
export function plain(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return '0';
  const s = v.toFixed(digits);
  const t = s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  return t === '-0' ? '0' : t;
}

/** The columns as shown: highest PSI first (NaN last), ties by name, so output is stable. */
export function byPsi(columns: readonly ColumnDrift[]): ColumnDrift[] {
  const key = (c: ColumnDrift) => (Number.isNaN(c.psi) ? -Infinity : c.psi);
  return [...columns].sort(
    (a, b) => key(b) - key(a) || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0),
  );
}

/** One bin of a histogram, both samples, with its label and each sample's share. */
export interface Bin {
  label: string;
  reference: number;
  current: number;
  /** Shares of each sample's total (0 when the sample is empty). */
  refShare: number;
  curShare: number;
}

/**
 * The histogram as labelled bins with shares: the samples differ in size, so shares, not
 * counts, are what compares. Tolerates mismatched lengths and non-finite counts (as 0).
 */
export function bins(h: Histogram): Bin[] {
  const n = Math.max(h.reference.length, h.current.length);
  const at = (xs: number[], i: number) => {
    const v = xs[i] ?? 0;
    return Number.isFinite(v) && v > 0 ? v : 0;
  };
  const refTotal = sum(h.reference.map((_, i) => at(h.reference, i)));
  const curTotal = sum(h.current.map((_, i) => at(h.current, i)));
  const out: Bin[] = [];
  for (let i = 0; i < n; i++) {
    const reference = at(h.reference, i);
    const current = at(h.current, i);
    out.push({
      label: binLabel(h, i),
      reference,
      current,
      refShare: refTotal ? reference / refTotal : 0,
      curShare: curTotal ? current / curTotal : 0,
    });
  }
  return out;
}

/** A bin's label: its category, its edges `lo–hi` (one value when equal), else `bin i`. */
export function binLabel(h: Histogram, i: number): string {
  const label = h.labels?.[i];
  if (label !== undefined) return label;
  const lo = h.edges?.[i];
  const hi = h.edges?.[i + 1];
  if (lo !== undefined && hi !== undefined) return lo === hi ? num(lo) : `${num(lo)}–${num(hi)}`;
  return `bin ${i + 1}`;
}

/** `12.3 → 15.1` (means) or `a 40 %, b 30 % → c 50 %, a 20 %` (top categories by share). */
export function shift(c: ColumnDrift, top = 2): string {
  if (c.kind === 'numerical') {
    const m = (v: number | undefined) => (v === undefined ? 'n/a' : num(v));
    return `mean ${m(c.reference.mean)} → ${m(c.current.mean)}`;
  }
  const bs = bins(c.histogram);
  const tops = (share: (b: Bin) => number) =>
    [...bs]
      .filter((b) => share(b) > 0)
      .sort((a, b) => share(b) - share(a))
      .slice(0, top)
      .map((b) => `${b.label} ${pct(share(b))}`)
      .join(', ') || 'none';
  return `${tops((b) => b.refShare)} → ${tops((b) => b.curShare)}`;
}

/** Why the report has its level: the worst column's PSI and/or the accuracy drop. */
export function levelReasons(
  r: DriftReport,
  psi: PsiLevels,
  code: (s: string) => string,
): string[] {
  const worst = byPsi(r.columns)[0];
  const a = r.accuracy;
  const parts: { text: string; sets: boolean }[] = [];
  if (worst) {
    const why =
      worst.level === 'ok'
        ? `below monitor ${num(psi.monitor)}`
        : `${worst.level} at ≥ ${num(psi[worst.level])}`;
    parts.push({
      text: `${code(worst.column)} PSI ${num(worst.psi)} (${why})`,
      sets: worst.level === r.level,
    });
  }
  if (a) {
    parts.push({
      text: `accuracy ${num(a.reference)} → ${num(a.current)} (${pct(a.drop)} drop, ${a.level})`,
      sets: a.level === r.level,
    });
  }
  if (!parts.length) return ['no columns were compared'];
  // What set the level comes first; sort is stable, so the column leads a tie.
  return parts.sort((x, y) => Number(y.sets) - Number(x.sets)).map((p) => p.text);
}

/** The dataset drift line's words: `3 of 7 columns drifted (42.86 %; dataset drifts at ≥ 50 %)`. */
export function datasetDriftText(r: DriftReport): string {
  const drifted = r.columns.filter((c) => c.drifted).length;
  const d = r.datasetDrift;
  return `${drifted} of ${r.columns.length} column${r.columns.length === 1 ? '' : 's'} drifted (${pct(d.share)}; the dataset drifts at ≥ ${pct(d.threshold)}): ${d.drifted ? 'drifted' : 'not drifted'}`;
}

/** At most `max` characters (code points, so no emoji is cut in half), `…` when cut. */
export function clip(s: string, max: number): string {
  const cps = Array.from(s);
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : s;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
