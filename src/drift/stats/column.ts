/**
 * One column's drift, Evidently-style: count and clean both samples, choose the test Evidently
 * would (unless the policy overrides it), compute PSI with the policy's binning, and fill the
 * histogram and the PSI level. Every result is a number: degenerate inputs get a `note`.
 */
import type {
  ColumnDrift,
  ColumnKind,
  DriftLevel,
  DriftTest,
  Histogram,
  SampleSummary,
} from '../types.js';
import {
  binCounts,
  countsAt,
  distinctSorted,
  distinctUnion,
  quantileEdges,
  range2,
  runs,
  sturgesEdges,
} from './binning.js';
import { jensenShannon, meanStd, psi, wassersteinNormedSorted } from './distances.js';
import { ks2Sorted } from './ks.js';
import { chiSquare, zTestProportions } from './tests.js';
import { levelOf } from '../levels.js';

export type NumericSample = Float64Array | ArrayLike<number | null | undefined>;
export type CategoricalSample = ArrayLike<string | null | undefined>;

export interface PsiLevels {
  monitor: number;
  warning: number;
  critical: number;
}

export interface ColumnDriftOptions {
  /** Numerical or categorical; by default numerical for numbers, categorical for strings. */
  kind?: ColumnKind;
  /** The policy's test, instead of Evidently's choice. */
  test?: DriftTest;
  /** The policy's threshold, instead of the test's default. */
  threshold?: number;
  /** PSI binning of a continuous column: Sturges over both samples (Evidently) or reference quantiles. */
  bins?: 'sturges' | 'quantiles';
  /** Bins for `bins: 'quantiles'` (10). */
  quantiles?: number;
  psiLevels?: PsiLevels;
}

export const DEFAULT_PSI_LEVELS: PsiLevels = { monitor: 0.1, warning: 0.2, critical: 0.3 };
/** Evidently's default thresholds: p-values for ks/chisquare/z, distances for the rest. */
export const DEFAULT_THRESHOLDS: Record<DriftTest, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};
/** Evidently bins a numerical column by value, not by width, when its reference has at most this many values. */
export const VALUE_BINS_MAX_DISTINCT = 20;
/** Beyond this many values in both samples together, value bins fall back to Sturges (a readable histogram). */
export const VALUE_BINS_CAP = 100;

const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set(['ks', 'chisquare', 'z']);

/** The level of a PSI by the policy's thresholds (see `levelOf`: 0.3 exactly is a warning). */
export function psiLevel(value: number, levels: PsiLevels = DEFAULT_PSI_LEVELS): DriftLevel {
  return levelOf(value, levels);
}

/** Evidently's default test for a column (`get_default_stattest`). */
export function defaultTest(kind: ColumnKind, referenceRows: number, distinct: number): DriftTest {
  if (referenceRows <= 1000) {
    if (kind === 'numerical') return distinct > 5 ? 'ks' : distinct > 2 ? 'chisquare' : 'z';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  if (kind === 'numerical') return distinct > 5 ? 'wasserstein' : 'jensenshannon';
  return 'jensenshannon';
}

/** Finite values kept, everything else counted missing. */
function cleanNumeric(xs: NumericSample): { values: Float64Array; missing: number } {
  const out = new Float64Array(xs.length);
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v === 'number' && Number.isFinite(v)) out[n++] = v;
  }
  return { values: n === out.length ? out : out.slice(0, n), missing: xs.length - n };
}

function isNumeric(xs: NumericSample | CategoricalSample): xs is NumericSample {
  if (ArrayBuffer.isView(xs)) return true;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (v !== null && v !== undefined) return typeof v === 'number';
  }
  return true;
}

/** Bins of both samples: value bins (labels) or edges, and the count arrays. */
interface Binned {
  histogram: Histogram;
  ref: Float64Array;
  cur: Float64Array;
}

function numericBins(
  ref: Float64Array,
  cur: Float64Array,
  refDistinct: number,
  unionDistinct: number,
  options: ColumnDriftOptions,
  forPsi: boolean,
): Binned {
  if (refDistinct <= VALUE_BINS_MAX_DISTINCT && unionDistinct <= VALUE_BINS_CAP) {
    const all = Float64Array.from([...runs(ref).values, ...runs(cur).values]).sort();
    const values = runs(all).values;
    const r = countsAt(ref, values);
    const c = countsAt(cur, values);
    const labels = Array.from(values, (v) => String(v));
    return {
      histogram: { labels, reference: Array.from(r), current: Array.from(c) },
      ref: r,
      cur: c,
    };
  }
  const edges =
    forPsi && options.bins === 'quantiles'
      ? quantileEdges(ref, options.quantiles ?? 10, ...range2(ref, cur))
      : sturgesEdges(ref, cur);
  const r = binCounts(ref, edges);
  const c = binCounts(cur, edges);
  return { histogram: { edges, reference: Array.from(r), current: Array.from(c) }, ref: r, cur: c };
}

function categoricalCounts(
  xs: CategoricalSample,
  index: Map<string, number>,
  counts: number[],
): number {
  let missing = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (v === null || v === undefined) {
      missing++;
      continue;
    }
    const key = String(v);
    let k = index.get(key);
    if (k === undefined) {
      k = index.size;
      index.set(key, k);
    }
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return missing;
}

function testValue(
  test: DriftTest,
  b: Binned,
  sref: Float64Array,
  scur: Float64Array,
  refStd: number,
  psiValue: number,
): number {
  switch (test) {
    case 'ks':
      return ks2Sorted(sref, scur).pvalue;
    case 'wasserstein':
      return wassersteinNormedSorted(sref, scur, refStd);
    case 'chisquare':
      return chiSquare(b.ref, b.cur).pvalue;
    case 'jensenshannon':
      return jensenShannon(b.ref, b.cur);
    case 'psi':
      return psiValue;
    case 'z': {
      if (b.ref.length > 2) throw new RangeError('z-test: the column has more than two values');
      const rt = b.ref.reduce((s, x) => s + x, 0);
      const ct = b.cur.reduce((s, x) => s + x, 0);
      // Evidently counts the values that are not the smallest (first sorted) one
      const rh = b.ref.length === 2 ? b.ref[1]! : 0;
      const ch = b.cur.length === 2 ? b.cur[1]! : 0;
      return zTestProportions(rh, rt, ch, ct).pvalue;
    }
  }
}

/**
 * The drift of one column between a reference and a current sample.
 * @throws RangeError when either sample has no rows at all (an empty window is the caller's
 *   error, not "no drift"), or when the policy's test does not fit the column.
 * @example
 * columnDrift('age', refAges, curAges, { bins: 'sturges' });
 * // { column: 'age', kind: 'numerical', test: 'ks', value: 0.31, threshold: 0.05, drifted: false, psi: 0.02, level: 'ok', … }
 */
export function columnDrift(
  name: string,
  reference: NumericSample | CategoricalSample,
  current: NumericSample | CategoricalSample,
  options: ColumnDriftOptions = {},
): ColumnDrift {
  if (reference.length === 0)
    throw new RangeError(`columnDrift: ${name}: the reference has no rows`);
  if (current.length === 0)
    throw new RangeError(`columnDrift: ${name}: the current sample has no rows`);
  const kind: ColumnKind =
    options.kind ?? (isNumeric(reference) && isNumeric(current) ? 'numerical' : 'categorical');
  const levels = options.psiLevels ?? DEFAULT_PSI_LEVELS;
  const notes: string[] = [];
  let refSummary: SampleSummary;
  let curSummary: SampleSummary;
  let binned: Binned;
  let jsBins: Binned | undefined;
  let sref: Float64Array = new Float64Array(0);
  let scur: Float64Array = new Float64Array(0);
  let refStd = 0;
  let distinct: number;
  if (kind === 'numerical') {
    const r = cleanNumeric(reference as NumericSample);
    const c = cleanNumeric(current as NumericSample);
    sref = r.values.sort();
    scur = c.values.sort();
    const rm = meanStd(sref);
    const cm = meanStd(scur);
    refStd = rm.std;
    refSummary = summary(sref.length, r.missing, rm, distinctSorted(sref));
    curSummary = summary(scur.length, c.missing, cm, distinctSorted(scur));
    distinct = distinctUnion(sref, scur);
    if (sref.length && scur.length) {
      binned = numericBins(sref, scur, refSummary.distinct!, distinct, options, true);
      jsBins =
        options.bins === 'quantiles' && binned.histogram.edges
          ? numericBins(sref, scur, refSummary.distinct!, distinct, options, false)
          : binned;
    } else
      binned = {
        histogram: { reference: [], current: [] },
        ref: new Float64Array(0),
        cur: new Float64Array(0),
      };
  } else {
    const index = new Map<string, number>();
    const rc: number[] = [];
    const cc: number[] = [];
    const rmiss = categoricalCounts(reference as CategoricalSample, index, rc);
    const refLabels = index.size;
    const cmiss = categoricalCounts(current as CategoricalSample, index, cc);
    const labels = [...index.keys()];
    const r = Float64Array.from(labels, (_, i) => rc[i] ?? 0);
    const c = Float64Array.from(labels, (_, i) => cc[i] ?? 0);
    distinct = labels.length;
    refSummary = { count: reference.length - rmiss, missing: rmiss, distinct: refLabels };
    curSummary = {
      count: current.length - cmiss,
      missing: cmiss,
      distinct: c.reduce((s, x) => s + (x > 0 ? 1 : 0), 0),
    };
    // z-test's "smallest value" is the sorted-first label, so keep labels sorted for two values
    if (labels.length === 2 && labels[0]! > labels[1]!) {
      labels.reverse();
      r.reverse();
      c.reverse();
    }
    if (labels.length > refLabels)
      notes.push(
        `only in current: ${labels
          .filter((l) => !rc[index.get(l)!])
          .slice(0, 5)
          .join(', ')}`,
      );
    binned = jsBins = {
      histogram: { labels, reference: Array.from(r), current: Array.from(c) },
      ref: r,
      cur: c,
    };
  }
  const test = options.test ?? defaultTest(kind, refSummary.count, distinct);
  if (kind === 'categorical' && (test === 'ks' || test === 'wasserstein'))
    throw new RangeError(`columnDrift: ${name}: ${test} needs a numerical column`);
  const threshold = options.threshold ?? DEFAULT_THRESHOLDS[test];
  const isP = P_VALUE_TESTS.has(test);
  const base = {
    column: name,
    kind,
    test,
    threshold,
    reference: refSummary,
    current: curSummary,
    histogram: binned.histogram,
  };
  if (refSummary.count === 0 || curSummary.count === 0) {
    const which =
      refSummary.count === 0 && curSummary.count === 0
        ? 'both samples are'
        : refSummary.count === 0
          ? 'the reference is'
          : 'the current sample is';
    return {
      ...base,
      value: isP ? 1 : 0,
      drifted: false,
      psi: 0,
      level: 'ok',
      note: `${which} all missing: nothing to compare, test skipped`,
    };
  }
  if (refSummary.distinct === 1 && curSummary.distinct === 1)
    notes.push(
      distinct === 1
        ? 'constant column, equal in both samples'
        : 'constant in both samples, with different values',
    );
  else if (refSummary.distinct === 1) notes.push('constant reference');
  const psiValue = psi(binned.ref, binned.cur);
  const value = testValue(
    test,
    test === 'jensenshannon' ? jsBins! : binned,
    sref,
    scur,
    refStd,
    psiValue,
  );
  return {
    ...base,
    value,
    drifted: isP ? value <= threshold : value >= threshold,
    psi: psiValue,
    level: psiLevel(psiValue, levels),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

function summary(
  count: number,
  missing: number,
  m: { mean: number; std: number },
  distinct: number,
): SampleSummary {
  return count
    ? { count, missing, mean: m.mean, std: m.std, distinct }
    : { count, missing, distinct: 0 };
}

/**
 * Share of drifted columns and whether it reaches the policy's `dataset_drift_share`
 * (Evidently: dataset drift when share ≥ threshold). No columns: share 0, no drift.
 */
export function datasetDriftShare(
  columns: readonly Pick<ColumnDrift, 'drifted'>[],
  threshold: number,
): { share: number; threshold: number; drifted: boolean } {
  const drifted = columns.reduce((n, c) => n + (c.drifted ? 1 : 0), 0);
  const share = columns.length ? drifted / columns.length : 0;
  return { share, threshold, drifted: columns.length > 0 && share >= threshold };
}
