/**
 * Distances between two samples as Evidently computes them: PSI over binned proportions with
 * its zero replacement, the Jensen–Shannon distance (SciPy's `jensenshannon`, natural log), and
 * the first Wasserstein distance normed by the reference's standard deviation.
 */

function proportionsWithFloor(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (!(total > 0)) throw new RangeError('psi: an empty sample');
  const p = new Float64Array(counts.length);
  let minNonZero = Infinity;
  for (let i = 0; i < p.length; i++) {
    p[i] = counts[i]! / total;
    if (p[i]! > 0 && p[i]! < minNonZero) minNonZero = p[i]!;
  }
  // Evidently's get_binned_data(feel_zeroes=True): empty bins become 0.0001, or a millionth of
  // the smallest non-empty share when that is itself at most 0.0001, so the floor stays below it
  const floor = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = floor;
  return p;
}

/**
 * Population Stability Index of two binnings of the same bins: Σ (r − c)·ln(r / c) over the
 * proportions, empty bins floored as Evidently does.
 * @example
 * psi([50, 30, 20], [40, 40, 20]); // 0.0510…
 */
export function psi(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  if (refCounts.length !== curCounts.length) throw new RangeError('psi: bins differ in number');
  const r = proportionsWithFloor(refCounts);
  const c = proportionsWithFloor(curCounts);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return s;
}

function relEntr(x: number, y: number): number {
  return x > 0 && y > 0 ? x * Math.log(x / y) : 0;
}

/**
 * Jensen–Shannon distance, SciPy's `jensenshannon(p, q)` with its default base (e): the square
 * root of the mean KL divergence of each distribution from their midpoint; 0 ≤ d ≤ √ln 2.
 * @example
 * jensenShannon([1, 0], [0, 1]); // 0.8325546111576977 = √ln 2
 */
export function jensenShannon(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  if (refCounts.length !== curCounts.length) throw new RangeError('jensenShannon: bins differ');
  let rt = 0;
  let ct = 0;
  for (let i = 0; i < refCounts.length; i++) {
    rt += refCounts[i]!;
    ct += curCounts[i]!;
  }
  if (!(rt > 0 && ct > 0)) throw new RangeError('jensenShannon: an empty sample');
  let js = 0;
  for (let i = 0; i < refCounts.length; i++) {
    const p = refCounts[i]! / rt;
    const q = curCounts[i]! / ct;
    const m = (p + q) / 2;
    js += relEntr(p, m) + relEntr(q, m);
  }
  // rounding can leave a tiny negative sum for equal distributions; the distance is then 0
  return Math.sqrt(Math.max(js, 0) / 2);
}

/** Mean and population standard deviation (NumPy's ddof = 0), two passes. */
export function meanStd(xs: Float64Array): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

/** SciPy's `wasserstein_distance(u, v)` of two sorted samples: ∫|F_u − F_v| by a merge walk. */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('wasserstein: an empty sample');
  let i = 0;
  let j = 0;
  let sum = 0;
  let prev = NaN;
  let gap = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    if (i + j > 0) sum += gap * (v - prev);
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    gap = Math.abs(i / n1 - j / n2);
    prev = v;
  }
  return sum;
}

/**
 * Evidently's normed Wasserstein distance of sorted samples: W₁(ref, cur) / max(std(ref), 0.001).
 * The 0.001 floor is Evidently's: a constant reference is divided by it, never by 0, so a shift
 * away from a constant reads as a large distance and no shift as 0.
 */
export function wassersteinNormedSorted(a: Float64Array, b: Float64Array, refStd?: number): number {
  const std = refStd ?? meanStd(a).std;
  return wassersteinSorted(a, b) / Math.max(std, 0.001);
}

/** Unsorted form of {@link wassersteinNormedSorted}. */
export function wassersteinNormed(ref: Float64Array, cur: Float64Array): number {
  return wassersteinNormedSorted(Float64Array.from(ref).sort(), Float64Array.from(cur).sort());
}
