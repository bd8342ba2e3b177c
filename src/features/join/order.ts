/**
 * Rows ordered by (key id, time[, created]): a counting sort by key id, stable, then a sort of
 * each key's run by time. Runs are short (rows per key), so this is O(n + keys) plus
 * O(n log run), and already-sorted runs (sources are usually written in time order) cost
 * one check.
 */

/** Row indices grouped by key: key k's rows are `order[starts[k] .. starts[k + 1])`. */
export interface KeyOrder {
  order: Int32Array;
  starts: Int32Array;
}

/** Below this many rows a run is insertion-sorted; above, merge-sorted. */
const SMALL_RUN = 24;

/**
 * Orders the rows whose id is >= 0 and whose time is not NaN by (id, ts, created, row). Ties
 * on time and created keep source order, so the last of equal rows is the last in the source.
 * A null created time sorts before every other.
 */
export function orderByKeyAndTime(
  ids: Int32Array,
  count: number,
  ts: Float64Array,
  created?: Float64Array,
): KeyOrder {
  const n = ids.length;
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id >= 0 && ts[i] === ts[i]) starts[id + 1]!++;
  }
  for (let k = 0; k < count; k++) starts[k + 1]! += starts[k]!;
  const order = new Int32Array(starts[count]!);
  const next = starts.slice(0, count);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id >= 0 && ts[i] === ts[i]) order[next[id]!++] = i;
  }
  let cr = created;
  if (cr && hasNaN(cr)) cr = cr.map((x) => (x === x ? x : -Infinity));
  sortRuns(order, starts, ts, cr);
  return { order, starts };
}

function hasNaN(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (xs[i] !== xs[i]) return true;
  return false;
}

/**
 * Sorts each key's run. The times are first copied into run order (`t`, moved along with
 * `order`), so comparisons read contiguous memory: on 4M rows, reading `ts[order[p]]` at
 * random was most of the sort's time.
 */
function sortRuns(order: Int32Array, starts: Int32Array, ts: Float64Array, cr?: Float64Array) {
  const t = new Float64Array(order.length);
  for (let p = 0; p < order.length; p++) t[p] = ts[order[p]!]!;
  let tmpO = new Int32Array(0);
  let tmpT = new Float64Array(0);
  for (let k = 0; k + 1 < starts.length; k++) {
    const s = starts[k]!;
    const e = starts[k + 1]!;
    let sorted = true;
    for (let p = s + 1; p < e && sorted; p++) sorted = before(t, order, cr, p - 1, p);
    if (sorted) continue;
    if (e - s <= SMALL_RUN) {
      insertionSort(order, t, s, e, cr);
      continue;
    }
    if (tmpO.length < e - s) {
      tmpO = new Int32Array(e - s);
      tmpT = new Float64Array(e - s);
    }
    mergeSort(order, t, s, e, tmpO, tmpT, cr);
  }
}

/** Whether position p sorts before position q: time, then created, then source row. */
function before(
  t: Float64Array,
  o: Int32Array,
  cr: Float64Array | undefined,
  p: number,
  q: number,
): boolean {
  const tp = t[p]!;
  const tq = t[q]!;
  if (tp !== tq) return tp < tq;
  const a = o[p]!;
  const b = o[q]!;
  if (cr) {
    const ca = cr[a]!;
    const cb = cr[b]!;
    if (ca !== cb) return ca < cb;
  }
  return a < b;
}

function insertionSort(
  o: Int32Array,
  t: Float64Array,
  s: number,
  e: number,
  cr: Float64Array | undefined,
): void {
  for (let i = s + 1; i < e; i++) {
    const x = o[i]!;
    const tx = t[i]!;
    let j = i - 1;
    for (; j >= s; j--) {
      const tj = t[j]!;
      if (tj < tx) break;
      if (tj === tx) {
        // created is read only on a tie: a random read per element was half the sort's time
        const y = o[j]!;
        const cx = cr ? cr[x]! : 0;
        const cy = cr ? cr[y]! : 0;
        if (cy < cx || (cy === cx && y < x)) break;
      }
      o[j + 1] = o[j]!;
      t[j + 1] = tj;
    }
    o[j + 1] = x;
    t[j + 1] = tx;
  }
}

/** Bottom-up merge sort of positions `[s, e)`: insertion-sorted blocks, then merges. */
function mergeSort(
  o: Int32Array,
  t: Float64Array,
  s: number,
  e: number,
  tmpO: Int32Array,
  tmpT: Float64Array,
  cr: Float64Array | undefined,
): void {
  for (let b = s; b < e; b += SMALL_RUN) insertionSort(o, t, b, Math.min(b + SMALL_RUN, e), cr);
  for (let width = SMALL_RUN; width < e - s; width *= 2) {
    for (let lo = s; lo < e - width; lo += 2 * width) {
      const mid = lo + width;
      const hi = Math.min(lo + 2 * width, e);
      if (!before(t, o, cr, mid, mid - 1)) continue; // already in order across the seam
      let i = lo;
      let j = mid;
      let n = 0;
      while (i < mid && j < hi) {
        const k = before(t, o, cr, j, i) ? j++ : i++;
        tmpO[n] = o[k]!;
        tmpT[n++] = t[k]!;
      }
      for (; i < mid; i++, n++) {
        tmpO[n] = o[i]!;
        tmpT[n] = t[i]!;
      }
      for (; j < hi; j++, n++) {
        tmpO[n] = o[j]!;
        tmpT[n] = t[j]!;
      }
      o.set(tmpO.subarray(0, n), lo);
      t.set(tmpT.subarray(0, n), lo);
    }
  }
}
