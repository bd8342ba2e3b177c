import type { RolloutMetrics } from '../../records/index.js';
import type { ArmWindow } from '../triggers.js';
import type { RolloutWindow } from '../window.js';
import type { Arm } from './file-format.js';
import type { MetricsProvider } from './provider.js';
import type { WindowRange } from './window.js';

/** A rollout policy's PromQL templates (`metrics.queries` of the `prometheus` provider). */
export type PrometheusQueries = Extract<RolloutMetrics, { provider: 'prometheus' }>['queries'];
type Figure = keyof PrometheusQueries;

/**
 * Templates for a serving layer that exports, per `model` and `version` label, the counters
 * `model_requests_total`, `model_request_errors_total`, `model_predictions_labelled_total`,
 * `model_predictions_correct_total` and the histogram `model_request_duration_ms`. The arms are
 * told apart by version, so `{arm}` is not needed; `sum` folds replicas into one series.
 */
export const PROMETHEUS_DEFAULT_QUERIES: Required<PrometheusQueries> = {
  requests: 'sum(increase(model_requests_total{model="{model}",version="{version}"}[{window}]))',
  errors:
    'sum(increase(model_request_errors_total{model="{model}",version="{version}"}[{window}]))',
  latency_p95_ms:
    'histogram_quantile(0.95, sum by (le) (increase(' +
    'model_request_duration_ms_bucket{model="{model}",version="{version}"}[{window}])))',
  labelled:
    'sum(increase(model_predictions_labelled_total{model="{model}",version="{version}"}[{window}]))',
  correct:
    'sum(increase(model_predictions_correct_total{model="{model}",version="{version}"}[{window}]))',
};

/** A query a person must fix: rejected by Prometheus, or answering something not a count. */
export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
}

/** Prometheus could not be reached or answered 5xx/429: no metrics this tick, not a bug. */
class Unreachable extends Error {}

/** Outside a string literal only a plain word may go in, so a value cannot rewrite the query. */
const PLAIN = /^[A-Za-z0-9_.:]+$/;

/**
 * Fills `{name}` placeholders with `values`. A value inside a PromQL string literal is escaped
 * for that literal (`\` and the quote; a backtick raw string cannot hold a backtick, so that
 * throws); outside one it must be a plain word (`3600s`, `fraud`) or this throws, since it
 * would become PromQL. Label matchers' own braces are left alone: only `{word}` is a
 * placeholder. Throws naming the template for a placeholder not in `values`.
 * @example
 * promqlTemplate('sum(x{model="{model}"}[{window}])', { model: 'a"b', window: '60s' })
 * // 'sum(x{model="a\\"b"}[60s])'
 */
export function promqlTemplate(template: string, values: Record<string, string>): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (quote !== null && c === '\\' && quote !== '`') {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    const m = c === '{' ? /^\{(\w+)\}/.exec(template.slice(i)) : null;
    if (!m) {
      if (quote === null && (c === '"' || c === "'" || c === '`')) quote = c;
      else if (c === quote) quote = null;
      out += c;
      continue;
    }
    const name = m[1]!;
    const value = values[name];
    if (value === undefined) {
      const known = Object.keys(values).map((k) => `{${k}}`);
      throw new PrometheusQueryError(
        `unknown placeholder {${name}} in PromQL template ${JSON.stringify(template)} ` +
          `(known: ${known.join(', ')})`,
      );
    }
    out += escapeIn(quote, value, name, template);
    i += m[0].length - 1;
  }
  return out;
}

function escapeIn(quote: string | null, value: string, name: string, template: string): string {
  const where = `{${name}} = ${JSON.stringify(value)} in PromQL template ${JSON.stringify(template)}`;
  if (quote === null) {
    if (PLAIN.test(value)) return value;
    throw new PrometheusQueryError(`${where} is outside quotes and not a plain word; quote it`);
  }
  if (quote === '`') {
    if (!value.includes('`')) return value;
    throw new PrometheusQueryError(`${where} holds a backtick; use "…" quotes`);
  }
  return value
    .replace(/\\/g, '\\\\')
    .replace(quote === '"' ? /"/g : /'/g, `\\${quote}`)
    .replace(/\n/g, '\\n');
}

export interface PrometheusProviderOptions {
  model: string;
  /** The server, e.g. `http://prometheus:9090` (a path prefix is kept). */
  url: string;
  queries: PrometheusQueries;
  fetch?: typeof fetch;
  /** Per request, default 10 s. */
  timeoutMs?: number;
}

const FIGURES: Figure[] = ['requests', 'errors', 'latency_p95_ms', 'labelled', 'correct'];
const RETRY_DELAY_MS = 250;

/**
 * The `prometheus` metrics provider: each of the policy's PromQL templates, for each arm,
 * evaluated as an instant query at the window's end over the window's length, all at once.
 *
 * What a tick gets, and why:
 * - null (a failed tick; 3 in a row roll back) when Prometheus cannot be reached, times out, or
 *   answers 5xx or 429 twice: that is "no metrics this tick", and the state machine already
 *   guards it. {@link unreachable} then says why. An arm without requests has zero counts:
 *   right after a step that is a normal wait, not a failure.
 * - {@link PrometheusQueryError} when a query is wrong and will stay wrong until a person edits
 *   the policy: a 4xx answer (a PromQL syntax error is 400), a result that is not a vector or
 *   scalar, more than one series (wrap the query in `sum`), a count that is not finite or is
 *   negative, a latency that is +Inf (the p95 is past the histogram's last finite bucket).
 * - an empty vector reads as 0 for a count (the series had no increase) and null for latency;
 *   a NaN latency (histogram_quantile over no requests) is null. Counts are rounded (`increase`
 *   extrapolates to fractions) and errors clamped to requests, correct to labelled.
 * @example
 * const metrics = new PrometheusMetricsProvider({ model: 'fraud', url: 'http://prometheus:9090',
 *   queries: PROMETHEUS_DEFAULT_QUERIES });
 * await metrics.window({ from: new Date(state.since), to: now }, { baseline: '1.2.0', candidate: '1.3.0' });
 * // { baseline: { requests: 9500, errors: 95, latencyP95Ms: 80 }, candidate: { … } }, or null
 */
export class PrometheusMetricsProvider implements MetricsProvider {
  /** Why the last {@link window} was null for want of Prometheus; null after one that was not. */
  unreachable: string | null = null;
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: PrometheusProviderOptions) {
    // Checked here: fetch would report a malformed url like a down server, as a null window.
    const parsed = URL.canParse(options.url) ? new URL(options.url) : null;
    if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:')
      throw new PrometheusQueryError(
        `prometheus url ${JSON.stringify(options.url)} is not an http(s) URL (e.g. http://prometheus:9090)`,
      );
    this.base = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  get describe(): string {
    return `prometheus ${this.base}`;
  }

  async window(range: WindowRange, versions: Record<Arm, string>): Promise<RolloutWindow | null> {
    this.unreachable = null;
    const toMs = range.to.getTime();
    const spanMs = toMs - range.from.getTime();
    const nothing = { requests: 0, errors: 0, latencyP95Ms: null };
    // nothing can have been measured in an empty range (a tick at the instant of a step)
    if (!(spanMs > 0)) return { baseline: { ...nothing }, candidate: { ...nothing } };
    // Whole seconds, rounded up so the range covers all of [from, to).
    const window = `${Math.max(1, Math.ceil(spanMs / 1000))}s`;
    const jobs: Promise<[Arm, Figure, number | null]>[] = [];
    for (const arm of ['baseline', 'candidate'] as const) {
      const values = { model: this.options.model, arm, version: versions[arm], window };
      for (const figure of FIGURES) {
        const template = this.options.queries[figure];
        if (template === undefined) continue;
        const query = promqlTemplate(template, values);
        const value = this.value(query, toMs / 1000, figure, `${figure} (${arm})`);
        jobs.push(value.then((v) => [arm, figure, v]));
      }
    }
    const settled = await Promise.allSettled(jobs);
    const broken = settled.find(
      (s): s is PromiseRejectedResult =>
        s.status === 'rejected' && !(s.reason instanceof Unreachable),
    );
    if (broken) throw broken.reason;
    const down = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (down) {
      this.unreachable = (down.reason as Error).message;
      return null;
    }
    const got: Record<Arm, Partial<Record<Figure, number | null>>> = {
      baseline: {},
      candidate: {},
    };
    for (const s of settled) {
      if (s.status === 'fulfilled') got[s.value[0]][s.value[1]] = s.value[2];
    }
    const b = armWindow(got.baseline);
    const c = armWindow(got.candidate);
    return { baseline: b, candidate: c };
  }

  /** One query's single number (null: empty vector or NaN), checked for its figure. */
  private async value(
    query: string,
    time: number,
    figure: Figure,
    what: string,
  ): Promise<number | null> {
    const data = await this.query(query, time, what);
    const bad = (why: string) => new PrometheusQueryError(`${what}: ${query} ${why}`);
    let sample: unknown;
    if (data.resultType === 'scalar') sample = data.result;
    else if (data.resultType === 'vector' && Array.isArray(data.result)) {
      if (data.result.length > 1)
        throw bad(`returned ${data.result.length} series; aggregate it to one (e.g. sum(…))`);
      sample = (data.result[0] as { value?: unknown } | undefined)?.value ?? null;
    } else throw bad(`returned a ${data.resultType}, not a vector or scalar`);
    if (sample === null) return null;
    if (!Array.isArray(sample) || typeof sample[1] !== 'string') throw bad('returned no sample');
    const v = promFloat(sample[1]);
    if (figure === 'latency_p95_ms') {
      if (Number.isNaN(v)) return null;
      if (v === Infinity)
        throw bad('is +Inf: the p95 is past the last finite histogram bucket; add a higher one');
      if (!Number.isFinite(v) || v < 0) throw bad(`is ${sample[1]}, not a latency in ms`);
      return v;
    }
    if (!Number.isFinite(v) || Math.round(v) < 0) throw bad(`is ${sample[1]}, not a count`);
    return v;
  }

  /** The `data` of a successful answer; one retry when Prometheus is down or overloaded. */
  private async query(
    query: string,
    time: number,
    what: string,
  ): Promise<{ resultType: string; result: unknown }> {
    const url = `${this.base}/api/v1/query?${new URLSearchParams({ query, time: String(time) })}`;
    let res: Response | null = null;
    let down = '';
    for (let attempt = 0; attempt < 2 && res === null; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      try {
        const r = await this.fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
        if (r.status >= 500 || r.status === 429) {
          down = `${this.base} answered ${r.status} for ${what}: ${(await r.text()).slice(0, 200)}`;
        } else res = r;
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        down = `${this.base} unreachable for ${what}: ${(e as Error).message}${cause ? ` (${cause})` : ''}`;
      }
    }
    if (res === null) throw new Unreachable(down);
    const text = await res.text();
    let body: { status?: string; data?: { resultType: string; result: unknown }; error?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new PrometheusQueryError(
        `${this.base} answered ${res.status} for ${what} with no Prometheus JSON (is the url ` +
          `the server's root?): ${text.slice(0, 200)}`,
      );
    }
    if (!res.ok || body.status !== 'success' || !body.data) {
      throw new PrometheusQueryError(
        `${what}: Prometheus rejected ${query} (${res.status}): ${body.error ?? text.slice(0, 200)}`,
      );
    }
    return body.data;
  }
}

/** A sample value as Prometheus writes it: `12.5`, `NaN`, `+Inf`, `-Inf` (which Number misreads). */
function promFloat(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return s.trim() === '' ? NaN : Number(s);
}

function armWindow(v: Partial<Record<Figure, number | null>>): ArmWindow {
  // max: a count just below 0 from float error rounds to -0, which reads as 0.
  const count = (x: number | null | undefined) => Math.max(0, Math.round(x ?? 0));
  const requests = count(v.requests);
  const arm: ArmWindow = {
    requests,
    errors: Math.min(count(v.errors), requests),
    latencyP95Ms: v.latency_p95_ms ?? null,
  };
  if ('labelled' in v) arm.labelled = count(v.labelled);
  if ('correct' in v) arm.correct = Math.min(count(v.correct), arm.labelled ?? Infinity);
  return arm;
}
