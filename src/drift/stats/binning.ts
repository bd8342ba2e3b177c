/**
 * Binning both samples the same way, as NumPy does for Evidently: `sturgesEdges` is
 * `np.histogram_bin_edges(concat(ref, cur), bins='sturges')`, `binCounts` is `np.histogram`'s
 * counting (bins half-open [a, b), the last closed), `quantileEdges` the policy's alternative.
 */

/** Minimum and maximum of two samples (finite values only, at least one value in all). */
export function range2(a: Float64Array, b: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const xs of [a, b])
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return [lo, hi];
}

/** NumPy's `linspace(first, last, k + 1)`: i·step + first, the last edge exactly `last`. */
function linspace(first: number, last: number, k: number): number[] {
  const step = (last - first) / k;
  const edges = new Array<number>(k + 1);
  for (let i = 0; i < k; i++) edges[i] = i * step + first;
  edges[k] = last;
  return edges;
}

/**
 * Equal-width edges over both samples combined, Sturges' rule as NumPy applies it: width =
 * range / (log2(n) + 1), bins = ceil(range / width); a constant sample gets one bin [v−½, v+½].
 * @example
 * sturgesEdges(Float64Array.of(0, 1, 2, 3), Float64Array.of(4, 5, 6, 7)); // 5 bins over [0, 7]
 */
export function sturgesEdges(ref: Float64Array, cur: Float64Array): number[] {
  const n = ref.length + cur.length;
  if (n === 0) throw new RangeError('sturgesEdges: no values');
  const [lo, hi] = range2(ref, cur);
  if (lo === hi) return linspace(lo - 0.5, hi + 0.5, 1);
  const width = (hi - lo) / (Math.log2(n) + 1);
  const k = width ? Math.ceil((hi - lo) / width) : 1;
  return linspace(lo, hi, k);
}

/**
 * NumPy's `quantile(sorted, q)` (linear method), its lerp included: a + (b − a)·t, or
 * b − (b − a)·(1 − t) when t ≥ ½.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * Edges at the reference's k-quantiles (duplicates dropped, so a heavy value is one bin), the
 * outer two moved out to the combined minimum and maximum so that no current value falls
 * outside. `sortedRef` is sorted; `lo`/`hi` the combined range.
 */
export function quantileEdges(
  sortedRef: Float64Array,
  k: number,
  lo?: number,
  hi?: number,
): number[] {
  if (sortedRef.length === 0) throw new RangeError('quantileEdges: an empty reference');
  if (!(k >= 1)) throw new RangeError('quantileEdges: k must be at least 1');
  const edges: number[] = [];
  for (let i = 0; i <= k; i++) {
    const e = quantileSorted(sortedRef, i / k);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  if (lo !== undefined && lo < edges[0]!) edges[0] = lo;
  if (hi !== undefined && hi > edges[edges.length - 1]!) edges[edges.length - 1] = hi;
  if (edges.length === 1) return [edges[0]! - 0.5, edges[0]! + 0.5];
  return edges;
}

/**
 * Counts per bin, NumPy's rules: [e_i, e_{i+1}) and the last bin closed; values outside the
 * edges are not counted. A first guess by arithmetic (exact for equal widths, close otherwise),
 * then moved to the bin whose edges really hold the value, as NumPy corrects its own guess.
 */
export function binCounts(values: Float64Array, edges: readonly number[]): Float64Array {
  const k = edges.length - 1;
  const counts = new Float64Array(k);
  const first = edges[0]!;
  const last = edges[k]!;
  const norm = k / (last - first);
  const e = Float64Array.from(edges);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= first && v <= last)) continue;
    let b = Math.floor((v - first) * norm);
    if (b >= k) b = k - 1;
    if (b < 0) b = 0;
    while (b > 0 && v < e[b]!) b--;
    while (b < k - 1 && v >= e[b + 1]!) b++;
    counts[b] = counts[b]! + 1;
  }
  return counts;
}

/** Distinct values of a sorted array and their counts. */
export function runs(sorted: Float64Array): { values: Float64Array; counts: Float64Array } {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length;) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    values.push(v);
    counts.push(j - i);
    i = j;
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

/** Number of distinct values in a sorted array (no allocation). */
export function distinctSorted(sorted: Float64Array): number {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) n++;
  return n;
}

/** Distinct values in the union of two sorted arrays. */
export function distinctUnion(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    n++;
  }
  return n;
}

/** Counts of `sorted` over the given sorted distinct `values` (values absent from it count 0). */
export function countsAt(sorted: Float64Array, values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (values[j]! < sorted[i]!) j++;
    out[j] = out[j]! + 1;
  }
  return out;
}
