import type { GovernancePolicy, Model, ModelVersion } from '../records/index.js';
import { num, pct, relativeGain, type Direction } from './numbers.js';
import type { GovernanceCheck, Thresholds } from './types.js';

const CHECK_KEYS = [
  'min_accuracy',
  'max_latency_p95_ms',
  'min_improvement',
  'max_slice_gap',
] as const;

/**
 * The thresholds that apply: the policy's, replaced by the model's overrides where it has them.
 * Pass the model as it is at the base: overrides are reviewed like policy.
 * @example
 * thresholdsFor(policy, baseModel).min_accuracy // 0.9, or the model's own
 */
export function thresholdsFor(policy: GovernancePolicy, model?: Model): Thresholds {
  const out: Thresholds = { ...policy.checks, overridden: [] };
  for (const key of CHECK_KEYS) {
    const own = model?.governance?.[key];
    if (own !== undefined) {
      out[key] = own;
      out.overridden.push(key);
    }
  }
  return out;
}

export interface CheckContext {
  candidate: ModelVersion;
  production?: ModelVersion;
  thresholds: Thresholds;
  primary: { metric: string; direction: Direction };
}

/**
 * The four automatic checks, in order: accuracy, latency p95, improvement over production on
 * the primary metric, slice gap. A value that cannot be measured fails, except where there is
 * nothing to compare with (no production, no slices).
 * @example
 * runChecks({ candidate, production, thresholds, primary: { metric: 'accuracy', direction: 'maximize' } })
 */
export function runChecks(ctx: CheckContext): GovernanceCheck[] {
  return [accuracy(ctx), latency(ctx), improvement(ctx), sliceGap(ctx)];
}

function accuracy({ candidate, thresholds: t }: CheckContext): GovernanceCheck {
  const value = candidate.metrics.accuracy;
  const base = {
    id: 'accuracy' as const,
    title: 'accuracy',
    threshold: t.min_accuracy,
    op: '>=' as const,
    unit: 'score' as const,
    overridden: t.overridden.includes('min_accuracy'),
  };
  if (value === undefined)
    return { ...base, value: null, passed: false, detail: 'no accuracy metric' };
  const passed = value >= t.min_accuracy;
  const detail = passed
    ? `accuracy ${num(value)} meets the minimum ${num(t.min_accuracy)}`
    : `accuracy ${num(value)} is below the minimum ${num(t.min_accuracy)}`;
  return { ...base, value, passed, detail };
}

function latency({ candidate, thresholds: t }: CheckContext): GovernanceCheck {
  const value = candidate.metrics.latency_p95_ms;
  const limit = t.max_latency_p95_ms;
  const base = {
    id: 'latency_p95_ms' as const,
    title: 'latency p95',
    threshold: limit,
    op: '<' as const,
    unit: 'ms' as const,
    overridden: t.overridden.includes('max_latency_p95_ms'),
  };
  if (value === undefined)
    return { ...base, value: null, passed: false, detail: 'no latency_p95_ms metric' };
  const passed = value < limit;
  const detail = passed
    ? `latency p95 ${num(value)} ms is under the ${num(limit)} ms limit`
    : `latency p95 ${num(value)} ms is not under the ${num(limit)} ms limit`;
  return { ...base, value, passed, detail };
}

function improvement({ candidate, production, thresholds: t, primary }: CheckContext) {
  const min = t.min_improvement;
  const m = primary.metric;
  const base = {
    id: 'improvement' as const,
    title: `improvement (${m})`,
    threshold: min,
    op: '>=' as const,
    unit: 'percent' as const,
    overridden: t.overridden.includes('min_improvement'),
  };
  const fail = (detail: string): GovernanceCheck => ({
    ...base,
    value: null,
    passed: false,
    detail,
  });
  if (!production)
    return { ...base, value: null, passed: true, detail: 'n/a: no production to compare' };
  if (production.version === candidate.version)
    return {
      ...base,
      value: null,
      passed: true,
      detail: `n/a: ${production.version} is the production version`,
    };
  const now = candidate.metrics[m];
  const was = production.metrics[m];
  if (now === undefined) return fail(`no ${m} metric (the primary metric)`);
  if (was === undefined)
    return fail(`production ${production.version} has no ${m} metric to compare`);
  const gain = relativeGain(was, now, primary.direction);
  const figures = `(${num(was)} → ${num(now)})`;
  const need = `at least ${pct(min)} required`;
  if (gain === null) {
    // production at exactly 0: a relative change cannot be said, only better or not
    const better = primary.direction === 'maximize' ? now > was : now < was;
    const detail = `${m} is ${better ? 'better' : 'worse'} than production ${production.version} ${figures}, which is 0: no relative improvement to measure`;
    return { ...base, value: null, passed: better, detail };
  }
  const passed = gain >= min;
  const how =
    gain === 0
      ? `${m} is unchanged from production ${production.version}`
      : gain < 0
        ? `${m} is ${pct(-gain)} worse than production ${production.version}`
        : passed
          ? `${m} improves ${pct(gain)} over production ${production.version}`
          : `${m} improves only ${pct(gain)} over production ${production.version}`;
  return { ...base, value: gain, passed, detail: `${how} ${figures}; ${need}` };
}

function sliceGap({ candidate, thresholds: t, primary }: CheckContext): GovernanceCheck {
  const m = primary.metric;
  const max = t.max_slice_gap;
  const base = {
    id: 'slice_gap' as const,
    title: `slice gap (${m})`,
    threshold: max,
    op: '<=' as const,
    unit: 'score' as const,
    overridden: t.overridden.includes('max_slice_gap'),
  };
  const slices = Object.entries(candidate.slices ?? {}).flatMap(([name, metrics]) =>
    metrics[m] === undefined ? [] : [{ name, value: metrics[m] }],
  );
  if (!slices.length)
    return { ...base, value: null, passed: true, detail: `n/a: no slices report ${m}` };
  const overall = candidate.metrics[m];
  if (overall === undefined)
    return {
      ...base,
      value: null,
      passed: false,
      detail: `no overall ${m} to compare slices with`,
    };
  const gapOf = (v: number) => (primary.direction === 'maximize' ? overall - v : v - overall);
  // the worst slice; ties go to the first name, so the report is stable
  const worst = slices
    .map((s) => ({ ...s, gap: gapOf(s.value) }))
    .sort((a, b) => b.gap - a.gap || (a.name < b.name ? -1 : 1))[0]!;
  const gap = Number(worst.gap.toPrecision(12));
  const passed = gap <= max;
  const figures = `${m} ${num(worst.value)} against ${num(overall)} overall`;
  const detail = passed
    ? `worst slice ${worst.name}: ${figures}, a gap of ${num(gap)} (at most ${num(max)})`
    : `slice ${worst.name} trails the overall ${m} by ${num(gap)} (${figures}), more than ${num(max)}`;
  return { ...base, value: gap, passed, detail };
}
