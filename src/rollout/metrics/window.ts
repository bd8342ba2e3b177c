import type { ArmWindow } from '../triggers.js';
import type { RolloutWindow } from '../window.js';
import type { Arm, LatencyHistogram, MetricsBucket } from './file-format.js';

/** The half-open interval `[from, to)` a window covers. */
export interface WindowRange {
  from: Date;
  to: Date;
}

/** Histograms of one arm must share their bounds to be merged (as Prometheus requires). */
export class MetricsWindowError extends Error {
  override name = 'MetricsWindowError';
}

/**
 * Both arms over `[from, to)`: counters summed over the buckets with `from <= ts < to`;
 * `latencyP95Ms` from the merged histogram (see {@link histogramQuantile}), null when the arm
 * had no requests or no histogram; `labelled`/`correct` only when a bucket of the arm had them.
 * With `versions`, an arm's buckets from another version are left out.
 * Throws {@link MetricsWindowError} when one arm's histograms have different bounds.
 * @example
 * aggregateWindow(buckets, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-01T01:00:00Z') })
 * // { baseline: { requests: 9500, errors: 95, latencyP95Ms: 80.5 }, candidate: { requests: 500, errors: 4, latencyP95Ms: 82 } }
 */
export function aggregateWindow(
  buckets: Iterable<MetricsBucket>,
  range: WindowRange,
  versions: Partial<Record<Arm, string>> = {},
): RolloutWindow {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const arms: Record<Arm, MetricsBucket[]> = { baseline: [], candidate: [] };
  for (const b of buckets) {
    const t = b.ts.getTime();
    const want = versions[b.arm];
    if (t >= from && t < to && (want === undefined || b.version === want)) arms[b.arm].push(b);
  }
  return {
    baseline: armWindow('baseline', arms.baseline),
    candidate: armWindow('candidate', arms.candidate),
  };
}

function armWindow(arm: Arm, buckets: MetricsBucket[]): ArmWindow {
  let requests = 0;
  let errors = 0;
  let labelled: number | undefined;
  let correct: number | undefined;
  let merged: LatencyHistogram | undefined;
  for (const b of buckets) {
    requests += b.requests;
    errors += b.errors;
    if (b.labelled !== undefined) {
      labelled = (labelled ?? 0) + b.labelled;
      correct = (correct ?? 0) + (b.correct ?? 0);
    }
    if (b.latency) merged = mergeInto(arm, b, merged);
  }
  const p95 = requests > 0 && merged ? histogramQuantile(0.95, merged) : null;
  const out: ArmWindow = { requests, errors, latencyP95Ms: p95 };
  if (labelled !== undefined) {
    out.labelled = labelled;
    out.correct = correct;
  }
  return out;
}

function mergeInto(
  arm: Arm,
  b: MetricsBucket,
  into: LatencyHistogram | undefined,
): LatencyHistogram {
  const h = b.latency!;
  if (!into) return { bounds: [...h.bounds], counts: [...h.counts] };
  const same =
    h.bounds.length === into.bounds.length && h.bounds.every((x, i) => x === into.bounds[i]);
  if (!same) {
    throw new MetricsWindowError(
      `the ${arm} bucket at ${b.ts.toISOString()} has latency bounds [${h.bounds.join(', ')}], ` +
        `others [${into.bounds.join(', ')}]: one arm's histograms must share their bounds`,
    );
  }
  h.counts.forEach((c, i) => (into.counts[i]! += c));
  return into;
}

/**
 * The `q`-quantile of a per-bucket histogram, as Prometheus's `histogram_quantile` computes
 * it: the rank `q × total` is found in the cumulative counts and interpolated linearly within
 * its bucket (the first bucket's lower bound is 0); a rank in the `+Inf` bucket gives the last
 * finite bound. Null when the histogram is empty, or when it has no finite bound.
 * @example
 * histogramQuantile(0.95, { bounds: [10, 50, 100], counts: [50, 30, 20, 0] }) // 87.5
 */
export function histogramQuantile(q: number, h: LatencyHistogram): number | null {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0 || h.bounds.length === 0) return null;
  const rank = q * total;
  let below = 0;
  for (const [i, upper] of h.bounds.entries()) {
    const count = h.counts[i] ?? 0;
    if (below + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : h.bounds[i - 1]!;
      if (i === 0 && upper <= 0) return upper;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return h.bounds[h.bounds.length - 1]!;
}
