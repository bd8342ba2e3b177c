/**
 * The metric side of the tracking protocol. A trainer appends one JSON object per line to
 * `$MLOPS_RUN_DIR/metrics.jsonl` (`{"step": 3, "loss": 0.41}`) and writes its final metrics to
 * `metrics.json`. Both are read strictly: a malformed line or a non-finite value fails the
 * run by name, because a NaN that slips into a record poisons every comparison after it.
 */

/** One logged line: its step and the metrics it carried. */
export interface MetricRow {
  step: number;
  values: Record<string, number>;
}

/** The first thing wrong with a metrics file, with its line (1-based). */
export interface MetricsProblem {
  file: string;
  line: number;
  message: string;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Parses `metrics.jsonl` as it grows: feed it the bytes appended since the last read; it
 * keeps every row (for the history), the latest value of each metric (for the progress line)
 * and the first problem, after which it ignores the rest.
 * @example
 * const log = new MetricsLog();
 * log.feed('{"step":1,"loss":0.5}\n{"step":2,');
 * log.feed('"loss":0.4}\n');
 * log.latestStep; // 2
 */
export class MetricsLog {
  readonly rows: MetricRow[] = [];
  /** Metric names in the order they first appeared. */
  readonly names: string[] = [];
  readonly latest: Record<string, number> = {};
  latestStep: number | undefined;
  problem: MetricsProblem | undefined;
  private rest = '';
  private line = 0;
  private readonly seen = new Set<string>();

  constructor(readonly file = 'metrics.jsonl') {}

  feed(text: string): void {
    if (this.problem) return;
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop()!;
    for (const l of lines) {
      this.take(l);
      if (this.problem) return;
    }
  }

  /** The file is complete: a last line without a newline counts too. */
  end(): void {
    if (this.rest) this.take(this.rest);
    this.rest = '';
  }

  private take(raw: string): void {
    this.line++;
    const text = raw.trim();
    if (!text) return;
    const parsed = parseMetricObject(text, { step: true });
    if (typeof parsed === 'string') {
      this.problem = { file: this.file, line: this.line, message: parsed };
      return;
    }
    const { step, values } = parsed;
    this.rows.push({ step: step!, values });
    this.latestStep = step;
    for (const [k, v] of Object.entries(values)) {
      this.latest[k] = v;
      if (!this.seen.has(k)) {
        this.seen.add(k);
        this.names.push(k);
      }
    }
  }
}

/** Final metrics as `metrics.json` gives them. */
export interface FinalMetrics {
  metrics: Record<string, number>;
  slices?: Record<string, Record<string, number>>;
}

/**
 * Reads `metrics.json`: `{"accuracy": 0.93, ..., "slices": {"api": {"accuracy": 0.92}}}`.
 * @returns the metrics, or a message naming what is wrong.
 * @example
 * parseFinalMetrics('{"accuracy": 1e999}') // 'metric "accuracy" is not finite (Infinity)'
 */
export function parseFinalMetrics(text: string): FinalMetrics | string {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed.message;
  const top = parsed.value;
  if (!isPlainObject(top)) return 'expected a JSON object of metric name → number';
  const { slices, ...flat } = top;
  const metrics = checkValues(flat, '');
  if (typeof metrics === 'string') return metrics;
  if (slices === undefined) return { metrics };
  if (!isPlainObject(slices)) return '"slices" must be an object of slice name → metrics';
  const out: Record<string, Record<string, number>> = {};
  for (const [name, m] of Object.entries(slices)) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(name)) return `slice name ${JSON.stringify(name)} is not valid`;
    if (!isPlainObject(m)) return `slice "${name}" must be an object of metric name → number`;
    const checked = checkValues(m, `slice "${name}": `);
    if (typeof checked === 'string') return checked;
    out[name] = checked;
  }
  return { metrics, slices: out };
}

/** One metrics line: its numbers, or why it is not one. */
export function parseMetricObject(
  text: string,
  opts: { step: boolean },
): { step?: number; values: Record<string, number> } | string {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed.message;
  const v = parsed.value;
  if (!isPlainObject(v)) return 'expected a JSON object such as {"step": 1, "loss": 0.5}';
  const { step, ...rest } = v;
  if (
    opts.step &&
    (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > 0xffffffff)
  ) {
    return `"step" must be a whole number from 0 to 4294967295; got ${JSON.stringify(step) ?? 'nothing'}`;
  }
  const values = checkValues(rest, '');
  if (typeof values === 'string') return values;
  return { step: step as number | undefined, values };
}

function checkValues(obj: Record<string, unknown>, where: string): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!NAME.test(k)) {
      return `${where}metric name ${JSON.stringify(k)} must be lower snake_case ([a-z][a-z0-9_]*)`;
    }
    if (typeof v !== 'number')
      return `${where}metric "${k}" must be a number; got ${JSON.stringify(v)}`;
    if (!Number.isFinite(v)) return `${where}metric "${k}" is not finite (${v})`;
    out[k] = v;
  }
  return out;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Python's json module writes NaN and Infinity bare, which is not JSON: name the metric
    const bare = /"([^"\\]+)"\s*:\s*(-?Infinity|NaN)\b/.exec(text);
    if (bare) return { ok: false, message: `metric "${bare[1]}" is not finite (${bare[2]})` };
    const shown = text.length > 80 ? text.slice(0, 77) + '...' : text;
    return { ok: false, message: `not valid JSON: ${shown}` };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
