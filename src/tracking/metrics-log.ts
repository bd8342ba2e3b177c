/**
 * The metric side of the tracking protocol. A trainer appends one JSON object per line to
 * `$MLOPS_RUN_DIR/metrics.jsonl` (`{"step": 3, "loss": 0.41}`) and writes its final metrics to
 * `metrics.json`. Both are read strictly: a malformed line or a non-finite value fails the
 * run by name, because a NaN that slips into a record poisons every comparison after it.
 */

/** The first thing wrong with a metrics file, with its line (1-based). */
export interface MetricsProblem {
  file: string;
  line: number;
  message: string;
}

const NAME = /^[a-z][a-z0-9_]*$/;
const MAX_STEP = 0xffffffff;

/**
 * Parses `metrics.jsonl` as it grows: feed it the text appended since the last read. It keeps
 * the history as columns (a step per row and one float64 column per metric, NaN where a line
 * did not carry it) because a trainer may log millions of lines and an object per line costs
 * more than the parse; it also keeps the latest value of each metric (for the progress line)
 * and the first problem, after which it ignores the rest.
 * @example
 * const log = new MetricsLog();
 * log.feed('{"step":1,"loss":0.5}\n{"step":2,');
 * log.feed('"loss":0.4}\n');
 * log.latestStep; // 2
 * log.column('loss')?.[1]; // 0.4
 */
export class MetricsLog {
  /** Metric names in the order they first appeared. */
  readonly names: string[] = [];
  readonly latest: Record<string, number> = {};
  latestStep: number | undefined;
  problem: MetricsProblem | undefined;
  /** Rows (metric lines) taken so far. */
  count = 0;
  private steps = new Uint32Array(1024);
  private readonly columns = new Map<string, Float64Array>();
  private rest = '';
  private line = 0;

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
    if (this.rest && !this.problem) this.take(this.rest);
    this.rest = '';
  }

  /** The step of each row. */
  stepColumn(): Uint32Array {
    return this.steps.subarray(0, this.count);
  }

  /** A metric's value in each row, NaN where the row did not carry it. */
  column(name: string): Float64Array | undefined {
    return this.columns.get(name)?.subarray(0, this.count);
  }

  private take(raw: string): void {
    this.line++;
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      return this.fail(raw);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(raw);
    const obj = v as Record<string, unknown>;
    const step = obj.step;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > MAX_STEP) {
      return this.fail(raw);
    }
    // check the whole line before writing any of it: a bad line leaves no half row
    for (const k in obj) {
      if (k === 'step') continue;
      const x = obj[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) return this.fail(raw);
      if (!this.columns.has(k) && !NAME.test(k)) return this.fail(raw);
    }
    const row = this.count;
    if (row === this.steps.length) this.grow();
    this.steps[row] = step;
    for (const k in obj) {
      if (k === 'step') continue;
      const x = obj[k] as number;
      (this.columns.get(k) ?? this.addColumn(k))[row] = x;
      this.latest[k] = x;
    }
    this.count = row + 1;
    this.latestStep = step;
  }

  /** Words the problem of a line the fast path refused (the slow path says exactly what). */
  private fail(raw: string): void {
    const parsed = parseMetricObject(raw.trim(), { step: true });
    const message = typeof parsed === 'string' ? parsed : 'not a metrics line';
    this.problem = { file: this.file, line: this.line, message };
  }

  private addColumn(name: string): Float64Array {
    const col = new Float64Array(this.steps.length).fill(NaN);
    this.columns.set(name, col);
    this.names.push(name);
    return col;
  }

  private grow(): void {
    const size = this.steps.length * 2;
    const steps = new Uint32Array(size);
    steps.set(this.steps);
    this.steps = steps;
    for (const [name, col] of this.columns) {
      const bigger = new Float64Array(size).fill(NaN);
      bigger.set(col);
      this.columns.set(name, bigger);
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
