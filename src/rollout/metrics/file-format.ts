/**
 * The `file` metrics format: JSONL, one JSON object per line, each a **bucket** — the counters
 * of one arm over one interval, as a serving replica or a simulator flushes them:
 *
 * ```json
 * {"ts": "2026-03-01T00:00:00Z", "arm": "candidate", "version": "1.3.0",
 *  "requests": 120, "errors": 2, "labelled": 40, "correct": 37,
 *  "latency_ms": {"le": [5, 10, 25, 50, 100, 250, 500, 1000, "+Inf"],
 *                 "counts": [0, 10, 40, 50, 15, 4, 1, 0, 0]}}
 * ```
 *
 * - `ts`: the interval's start, ISO 8601 with a zone (`Z` or `±hh:mm`); a window takes a
 *   bucket when `from <= ts < to`.
 * - `arm`: `baseline` or `candidate`; `version`: the version that served it (non-empty).
 * - `requests`, `errors`: non-negative integers, `errors <= requests`.
 * - `labelled`, `correct` (optional, both or neither): outcomes with a ground-truth label and
 *   those the model got right, `correct <= labelled`.
 * - `latency_ms` (optional): a histogram in milliseconds. `le` holds the buckets' upper bounds,
 *   finite, non-negative and strictly increasing, ending with the string `"+Inf"`. `counts` is
 *   **per bucket** (not cumulative, unlike Prometheus): `counts[i]` requests took longer than
 *   `le[i-1]` and at most `le[i]`; there is one count per bound and they sum to `requests`.
 * - No other keys. Blank lines are ignored; every other line that breaks a rule is a problem
 *   named `file:line: message` — never skipped in silence.
 *
 * Several buckets for the same arm and `ts` (one per replica, say) add up.
 */

export type Arm = 'baseline' | 'candidate';

/** A latency histogram: finite upper bounds (the last bucket, `+Inf`, is implied) and counts. */
export interface LatencyHistogram {
  /** Finite upper bounds in ms, strictly increasing; `counts` has one more entry (`+Inf`). */
  bounds: number[];
  /** Per-bucket counts: `counts[i]` for `(bounds[i-1], bounds[i]]`, the last for `+Inf`. */
  counts: number[];
}

/** One arm's counters over one interval. */
export interface MetricsBucket {
  ts: Date;
  arm: Arm;
  version: string;
  requests: number;
  errors: number;
  labelled?: number;
  correct?: number;
  latency?: LatencyHistogram;
}

/** The bounds a simulator or an exporter should use unless it has reason not to. */
export const DEFAULT_LATENCY_BOUNDS_MS: readonly number[] = [5, 10, 25, 50, 100, 250, 500, 1000];

const KEYS = new Set([
  'ts',
  'arm',
  'version',
  'requests',
  'errors',
  'labelled',
  'correct',
  'latency_ms',
]);
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a metrics file's text strictly: every bucket that keeps the rules, and a problem
 * (`file:line: message`) for every line that does not.
 * @example
 * parseMetricsLines('{"ts":"2026-03-01T00:00:00Z","arm":"baseline","version":"1.2.0","requests":3,"errors":4}\n', 'm.jsonl')
 * // { buckets: [], problems: ['m.jsonl:1: errors (4) exceeds requests (3)'] }
 */
export function parseMetricsLines(
  text: string,
  file: string,
): { buckets: MetricsBucket[]; problems: string[] } {
  const buckets: MetricsBucket[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const r = parseLine(line);
    if (typeof r === 'string') problems.push(`${file}:${i + 1}: ${r}`);
    else buckets.push(r);
  });
  return { buckets, problems };
}

function parseLine(line: string): MetricsBucket | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) return `unknown key ${unknown.map((k) => `"${k}"`).join(', ')}`;
  if (typeof o.ts !== 'string' || !TS.test(o.ts) || Number.isNaN(Date.parse(o.ts)))
    return `ts must be an ISO 8601 time with a zone, got ${JSON.stringify(o.ts)}`;
  if (o.arm !== 'baseline' && o.arm !== 'candidate')
    return `arm must be "baseline" or "candidate", got ${JSON.stringify(o.arm)}`;
  if (typeof o.version !== 'string' || o.version === '')
    return `version must be a non-empty string, got ${JSON.stringify(o.version)}`;
  for (const k of ['requests', 'errors', 'labelled', 'correct'] as const) {
    const optional = k === 'labelled' || k === 'correct';
    if (optional && o[k] === undefined) continue;
    if (!isCount(o[k])) return `${k} must be a non-negative integer, got ${JSON.stringify(o[k])}`;
  }
  const requests = o.requests as number;
  const errors = o.errors as number;
  if (errors > requests) return `errors (${errors}) exceeds requests (${requests})`;
  const bucket: MetricsBucket = {
    ts: new Date(o.ts),
    arm: o.arm,
    version: o.version,
    requests,
    errors,
  };
  if ((o.labelled === undefined) !== (o.correct === undefined))
    return 'labelled and correct come together: one is missing';
  if (o.labelled !== undefined) {
    const labelled = o.labelled as number;
    const correct = o.correct as number;
    if (correct > labelled) return `correct (${correct}) exceeds labelled (${labelled})`;
    bucket.labelled = labelled;
    bucket.correct = correct;
  }
  if (o.latency_ms !== undefined) {
    const h = parseHistogram(o.latency_ms, requests);
    if (typeof h === 'string') return `latency_ms: ${h}`;
    bucket.latency = h;
  }
  return bucket;
}

function parseHistogram(v: unknown, requests: number): LatencyHistogram | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return 'must be an object {"le": [...], "counts": [...]}';
  const { le, counts, ...rest } = v as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unknown key "${Object.keys(rest)[0]}"`;
  if (!Array.isArray(le) || le.length < 1 || le[le.length - 1] !== '+Inf')
    return 'le must be an array of bounds ending with "+Inf"';
  const bounds = le.slice(0, -1) as unknown[];
  for (const [i, b] of bounds.entries()) {
    if (typeof b !== 'number' || !Number.isFinite(b) || b < 0)
      return `le[${i}] must be a finite non-negative number, got ${JSON.stringify(b)}`;
    const prev = bounds[i - 1] as number | undefined;
    if (prev !== undefined && b <= prev) return `le must increase: le[${i}] ${b} after ${prev}`;
  }
  if (!Array.isArray(counts) || counts.length !== le.length)
    return `counts must be an array of ${le.length} counts, one per bound`;
  for (const [i, c] of (counts as unknown[]).entries())
    if (!isCount(c)) return `counts[${i}] must be a non-negative integer, got ${JSON.stringify(c)}`;
  const sum = (counts as number[]).reduce((a, b) => a + b, 0);
  if (sum !== requests) return `counts sum to ${sum}, not requests (${requests})`;
  return { bounds: bounds as number[], counts: counts as number[] };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * One bucket as a line of the format (no newline), the inverse of {@link parseMetricsLines}.
 * @example
 * formatMetricsLine({ ts: new Date('2026-03-01T00:00:00Z'), arm: 'baseline', version: '1.2.0', requests: 2, errors: 0,
 *   latency: { bounds: [10, 50], counts: [1, 1, 0] } })
 * // '{"ts":"2026-03-01T00:00:00.000Z","arm":"baseline","version":"1.2.0","requests":2,"errors":0,"latency_ms":{"le":[10,50,"+Inf"],"counts":[1,1,0]}}'
 */
export function formatMetricsLine(bucket: MetricsBucket): string {
  const { ts, arm, version, requests, errors, labelled, correct, latency } = bucket;
  return JSON.stringify({
    ts: ts.toISOString(),
    arm,
    version,
    requests,
    errors,
    ...(labelled !== undefined ? { labelled, correct } : {}),
    ...(latency ? { latency_ms: { le: [...latency.bounds, '+Inf'], counts: latency.counts } } : {}),
  });
}
