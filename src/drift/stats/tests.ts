/**
 * The count-based tests Evidently uses for discrete columns: Pearson's chi-square goodness of
 * fit of the current counts against the reference's proportions, and the two-proportion
 * Z-test for binary columns.
 */
import { erfc } from '../../rollout/bayes/normal.js';
import { chi2Sf } from './special.js';

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  df: number;
}

/**
 * Evidently's chi-square: `scipy.stats.chisquare(cur, ref · (Σcur/Σref))` over the union of
 * categories. A category seen only in the current sample expects zero, so the statistic is
 * Infinity and the p-value 0 (as SciPy gives); a single category (df = 0) has nothing to test
 * and gives statistic 0, p-value 1.
 * @example
 * chiSquare([50, 30, 20], [40, 40, 20]); // { statistic: 5.33…, pvalue: 0.0695…, df: 2 }
 */
export function chiSquare(
  refCounts: ArrayLike<number>,
  curCounts: ArrayLike<number>,
): ChiSquareResult {
  const k = refCounts.length;
  if (curCounts.length !== k) throw new RangeError('chiSquare: count arrays differ in length');
  let refTotal = 0;
  let curTotal = 0;
  for (let i = 0; i < k; i++) {
    refTotal += refCounts[i]!;
    curTotal += curCounts[i]!;
  }
  if (refTotal === 0 || curTotal === 0) throw new RangeError('chiSquare: an empty sample');
  const df = k - 1;
  if (df <= 0) return { statistic: 0, pvalue: 1, df: 0 };
  const scale = curTotal / refTotal;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const expected = refCounts[i]! * scale;
    const diff = curCounts[i]! - expected;
    stat += expected === 0 ? (diff === 0 ? 0 : Infinity) : (diff * diff) / expected;
  }
  return { statistic: stat, pvalue: stat === Infinity ? 0 : chi2Sf(stat, df), df };
}

export interface ZTestResult {
  statistic: number;
  pvalue: number;
}

/**
 * Evidently's two-proportion Z-test: `refHits` of `refTotal` against `curHits` of `curTotal`
 * with the pooled variance; two-sided p-value 2·Φ(−|z|) (Evidently writes 2·(1 − Φ(|z|)),
 * the same number where it does not cancel to 0). When the pooled proportion is 0 or 1 both
 * samples are the same constant: z = 0, p = 1, as Evidently's special case.
 * @example
 * zTestProportions(30, 100, 45, 100); // { statistic: -2.19…, pvalue: 0.0285… }
 */
export function zTestProportions(
  refHits: number,
  refTotal: number,
  curHits: number,
  curTotal: number,
): ZTestResult {
  if (refTotal <= 0 || curTotal <= 0) throw new RangeError('zTestProportions: an empty sample');
  const p1 = refHits / refTotal;
  const p2 = curHits / curTotal;
  const P = (p1 * refTotal + p2 * curTotal) / (refTotal + curTotal);
  const v = P * (1 - P) * (1 / refTotal + 1 / curTotal);
  if (!(v > 0)) return { statistic: 0, pvalue: 1 };
  const z = (p1 - p2) / Math.sqrt(v);
  return { statistic: z, pvalue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}
