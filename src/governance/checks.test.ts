import { describe, expect, it } from 'vitest';
import { runChecks, thresholdsFor } from './checks.js';
import { candidate, model, policy, production } from './testing.js';
import type { ModelVersion } from '../records/index.js';

const primary = { metric: 'accuracy', direction: 'maximize' as const };
const run = (c: ModelVersion, opts: { production?: ModelVersion | null } = {}) =>
  runChecks({
    candidate: c,
    production: opts.production === null ? undefined : (opts.production ?? production),
    thresholds: thresholdsFor(policy),
    primary,
  });
const byId = (c: ModelVersion, opts?: { production?: ModelVersion | null }) =>
  Object.fromEntries(run(c, opts).map((x) => [x.id, x]));

describe('thresholdsFor', () => {
  it("takes the policy's numbers, and the model's overrides where it has them", () => {
    expect(thresholdsFor(policy)).toEqual({
      min_accuracy: 0.9,
      max_latency_p95_ms: 100,
      min_improvement: 0.02,
      max_slice_gap: 0.05,
      overridden: [],
    });
    const strict = { ...model, governance: { min_accuracy: 0.95, max_slice_gap: 0.02 } };
    expect(thresholdsFor(policy, strict)).toMatchObject({
      min_accuracy: 0.95,
      max_latency_p95_ms: 100,
      max_slice_gap: 0.02,
      overridden: ['min_accuracy', 'max_slice_gap'],
    });
  });
});

describe('runChecks', () => {
  it('passes a candidate that beats production, with each figure in its detail', () => {
    const checks = run(candidate());
    const round = (v: number | null) => (v === null ? null : Number(v.toFixed(5)));
    expect(checks.map((c) => [c.id, round(c.value), c.threshold, c.op, c.passed])).toEqual([
      ['accuracy', 0.955, 0.9, '>=', true],
      ['latency_p95_ms', 3, 100, '<', true],
      ['improvement', 0.02578, 0.02, '>=', true],
      ['slice_gap', 0.015, 0.05, '<=', true],
    ]);
    expect(checks[2]!.detail).toBe(
      'accuracy improves 2.58 % over production 1.0.0 (0.931 → 0.955); at least 2 % required',
    );
    expect(checks[3]!.detail).toBe(
      'worst slice ui: accuracy 0.94 against 0.955 overall, a gap of 0.015 (at most 0.05)',
    );
  });

  it('fails accuracy below the minimum, and a missing accuracy metric', () => {
    expect(
      byId(candidate({ metrics: { ...candidate().metrics, accuracy: 0.85 } })).accuracy,
    ).toMatchObject({ passed: false, detail: 'accuracy 0.85 is below the minimum 0.9' });
    const rest = candidate().metrics;
    delete rest.accuracy;
    expect(byId(candidate({ metrics: rest })).accuracy).toMatchObject({
      value: null,
      passed: false,
      detail: 'no accuracy metric',
    });
  });

  it('fails latency at the limit (strictly under passes) and when missing', () => {
    const at = (ms: number) =>
      byId(candidate({ metrics: { ...candidate().metrics, latency_p95_ms: ms } })).latency_p95_ms!;
    expect(at(99.9).passed).toBe(true);
    expect(at(100)).toMatchObject({
      passed: false,
      detail: 'latency p95 100 ms is not under the 100 ms limit',
    });
    const rest = candidate().metrics;
    delete rest.latency_p95_ms;
    expect(byId(candidate({ metrics: rest })).latency_p95_ms).toMatchObject({
      passed: false,
      detail: 'no latency_p95_ms metric',
    });
  });

  it('measures improvement relative to production, and says when it is worse', () => {
    const at = (accuracy: number) =>
      byId(candidate({ metrics: { ...candidate().metrics, accuracy } })).improvement!;
    expect(at(0.94)).toMatchObject({
      passed: false,
      detail:
        'accuracy improves only 0.97 % over production 1.0.0 (0.931 → 0.94); at least 2 % required',
    });
    expect(at(0.92).detail).toMatch(/^accuracy is 1\.18 % worse than production 1\.0\.0/);
    expect(at(0.931).detail).toMatch(/^accuracy is unchanged from production 1\.0\.0/);
  });

  it('is direction-aware: for a metric to minimize, lower is the improvement', () => {
    const loss = (v: number) => ({ ...candidate().metrics, log_loss: v });
    const checks = runChecks({
      candidate: candidate({ metrics: loss(0.18) }),
      production: { ...production, metrics: loss(0.2) },
      thresholds: thresholdsFor(policy),
      primary: { metric: 'log_loss', direction: 'minimize' },
    });
    expect(checks[2]!.passed).toBe(true);
    expect(checks[2]!.value).toBeCloseTo(0.1, 9);
  });

  it('has nothing to improve on without production, or when the version is production', () => {
    expect(byId(candidate(), { production: null }).improvement).toMatchObject({
      passed: true,
      value: null,
      detail: 'n/a: no production to compare',
    });
    expect(byId(production).improvement!.detail).toBe('n/a: 1.0.0 is the production version');
  });

  it('fails when production lacks the primary metric, or the candidate does', () => {
    const bare = { ...production, metrics: { latency_p95_ms: 3 } };
    expect(byId(candidate(), { production: bare }).improvement).toMatchObject({
      passed: false,
      detail: 'production 1.0.0 has no accuracy metric to compare',
    });
  });

  it('names the worst slice when one trails the overall by more than the gap', () => {
    const c = candidate({
      slices: { api: { accuracy: 0.95 }, ui: { accuracy: 0.88 }, mobile: { accuracy: 0.89 } },
    });
    expect(byId(c).slice_gap).toMatchObject({
      value: 0.075,
      passed: false,
      detail:
        'slice ui trails the overall accuracy by 0.075 (accuracy 0.88 against 0.955 overall), more than 0.05',
    });
  });

  it('passes the slice gap as n/a without slices, and is direction-aware', () => {
    expect(byId(candidate({ slices: {} })).slice_gap).toMatchObject({
      passed: true,
      detail: 'n/a: no slices report accuracy',
    });
    const checks = runChecks({
      candidate: candidate({
        metrics: { ...candidate().metrics, mae: 1 },
        slices: { a: { mae: 1.04 }, b: { mae: 0.5 } },
      }),
      thresholds: thresholdsFor(policy),
      primary: { metric: 'mae', direction: 'minimize' },
    });
    expect(checks[3]).toMatchObject({ value: 0.04, passed: true });
    expect(checks[3]!.detail).toMatch(/^worst slice a:/);
  });
});
