/**
 * The two-sample Kolmogorov–Smirnov test as SciPy's `ks_2samp(ref, cur)` computes it
 * (two-sided, `method='auto'`): the exact distribution when both samples have at most 10,000
 * values, else `kstwo.sf(D, round(m·n/(m+n)))` (see kolmogorov.ts).
 */
import { kstwoSf } from './kolmogorov.js';

export interface KsResult {
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymp';
}

/** SciPy's `MAX_AUTO_N`: 'auto' is exact when max(n1, n2) is at most this. */
export const KS_MAX_EXACT_N = 10_000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Sorts a copy (NaN must already be gone: the caller leaves missing values out). */
export function sorted(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The largest gap between the empirical CDFs of two sorted samples: a merge walk, the same
 * value as SciPy's searchsorted(side='right') over the concatenation, taking each tied run whole.
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const neg = Math.min(Math.max(-minS, 0), 1);
  return neg > maxS ? neg : maxS;
}

/**
 * Two-sided two-sample KS test of sorted samples (each non-empty, no NaN).
 * @example
 * ks2(sorted(ref), sorted(cur)); // { statistic: 0.12, pvalue: 0.03, method: 'exact' }
 */
export function ks2Sorted(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2: both samples must be non-empty');
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pvalue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pvalue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pvalue: kstwoSf(roundHalfEven(en), d), method: 'asymp' };
}

/** Two-sided two-sample KS test of unsorted samples (each non-empty, no NaN). */
export function ks2(ref: Float64Array, cur: Float64Array): KsResult {
  return ks2Sorted(sorted(ref), sorted(cur));
}

/** NumPy's `np.round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** P(D_{n,n} ≥ h/n), SciPy's `_compute_prob_outside_square`: a Horner form without cancellation. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * The share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm,
 * SciPy's `_compute_outer_prob_inside_method` (Hodges' inside method, computed as 1 − p
 * directly after Viehmann 2021 so small p-values keep their precision).
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1]!;
}
