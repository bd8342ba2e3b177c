import { describe, expect, it } from 'vitest';
import { percent, rollbackTriggers, times, type ArmWindow } from './triggers.js';

const limits = { max_error_rate_ratio: 2, max_latency_ratio: 1.5, max_accuracy_drop: 0.05 };
const MIN = 1000;
const base: ArmWindow = { requests: 19000, errors: 228, latencyP95Ms: 100 };
const cand: ArmWindow = { requests: 1000, errors: 12, latencyP95Ms: 105 };
const fire = (b: Partial<ArmWindow>, c: Partial<ArmWindow>, min = MIN) =>
  rollbackTriggers({ ...base, ...b }, { ...cand, ...c }, limits, min);

describe('rollbackTriggers', () => {
  it('fires nothing for a candidate like its baseline', () => {
    expect(fire({}, {})).toEqual([]);
  });

  it('fires on an error rate over 2× the baseline, naming its figures', () => {
    const [t, ...rest] = fire({}, { errors: 31 });
    expect(rest).toEqual([]);
    expect(t?.id).toBe('error_rate');
    expect(t?.message).toBe(
      "error rate 3.1 % (31 of 1000) is 2.6× the baseline's 1.2 % (228 of 19000) (limit 2×)",
    );
    expect(t?.figures).toMatchObject({
      error_rate_candidate: 0.031,
      error_rate_baseline: 0.012,
      error_rate_limit: 2,
    });
    expect(t?.figures.error_rate_ratio).toBeCloseTo(2.583, 3);
  });

  it('does not fire at exactly the limit (the limit is "more than")', () => {
    expect(fire({ requests: 10000, errors: 100 }, { errors: 20 })).toEqual([]);
    expect(fire({ requests: 10000, errors: 100 }, { errors: 21 }).map((t) => t.id)).toEqual([
      'error_rate',
    ]);
  });

  it("floors a clean baseline's error rate at one error in the candidate's requests", () => {
    // 0 errors in the baseline: the limit is 2 errors in the candidate's 1000, not 0.
    expect(fire({ errors: 0 }, { errors: 2 })).toEqual([]);
    const [t] = fire({ errors: 0 }, { errors: 3 });
    expect(t?.message).toBe(
      "error rate 0.3 % (3 of 1000) is 3× the baseline's 0 % (0 of 19000; floored at 0.1 %, one in 1000) (limit 2×)",
    );
    expect(t?.figures.error_rate_baseline).toBe(0);
    // A baseline below the floor but not 0 is floored too: one candidate error is never 2×.
    expect(fire({ errors: 1 }, { errors: 1 })).toEqual([]);
  });

  it('fires on a latency p95 over 1.5× the baseline', () => {
    const [t] = fire({}, { latencyP95Ms: 180 });
    expect(t).toEqual({
      id: 'latency',
      message: "latency p95 180 ms is 1.8× the baseline's 100 ms (limit 1.5×)",
      figures: {
        latency_p95_candidate_ms: 180,
        latency_p95_baseline_ms: 100,
        latency_ratio: 1.8,
        latency_limit: 1.5,
      },
    });
    expect(fire({}, { latencyP95Ms: 150 })).toEqual([]);
  });

  it('skips latency when either p95 is unknown, and floors a 0 ms baseline at 1 ms', () => {
    expect(fire({ latencyP95Ms: null }, { latencyP95Ms: 500 })).toEqual([]);
    expect(fire({}, { latencyP95Ms: null })).toEqual([]);
    expect(fire({ latencyP95Ms: 0 }, { latencyP95Ms: 1.4 })).toEqual([]);
    expect(fire({ latencyP95Ms: 0 }, { latencyP95Ms: 2 })[0]?.figures.latency_ratio).toBe(2);
  });

  it('fires on an accuracy drop over 5 % relative to the baseline, when both are labelled', () => {
    const labelled = { labelled: 2000, correct: 1900 }; // 95 %
    expect(fire(labelled, { labelled: 1000, correct: 903 })).toEqual([]); // 4.9 % below
    const [t] = fire(labelled, { labelled: 1000, correct: 850 });
    expect(t?.id).toBe('accuracy');
    expect(t?.message).toBe(
      "accuracy 85 % (850 of 1000 labelled) is 10.5 % below the baseline's 95 % (1900 of 2000) (relative drop; limit 5 %)",
    );
    expect(t?.figures.accuracy_drop).toBeCloseTo(0.10526, 5);
    // Only one arm labelled: no accuracy judgement.
    expect(fire({}, { labelled: 1000, correct: 500 })).toEqual([]);
    expect(fire(labelled, {})).toEqual([]);
  });

  it('fires nothing on an arm with fewer than the minimum of requests or labels', () => {
    expect(fire({}, { requests: 999, errors: 300, latencyP95Ms: 900 })).toEqual([]);
    expect(fire({ requests: 999 }, { errors: 300 })).toEqual([]);
    expect(fire({ labelled: 999, correct: 999 }, { labelled: 1000, correct: 10 })).toEqual([]);
    expect(fire({ labelled: 5000, correct: 5000 }, { labelled: 999, correct: 10 })).toEqual([]);
    // The minimum is the caller's: at 100 every figure counts.
    expect(fire({}, { requests: 999, errors: 300 }, 100).map((t) => t.id)).toEqual(['error_rate']);
  });

  it('names every trigger that fires, in a fixed order', () => {
    const all = fire(
      { labelled: 2000, correct: 1900 },
      { errors: 100, latencyP95Ms: 400, labelled: 1000, correct: 500 },
    );
    expect(all.map((t) => t.id)).toEqual(['error_rate', 'latency', 'accuracy']);
  });
});

describe('percent and times', () => {
  it('reads as people read them', () => {
    expect([percent(0), percent(0.031), percent(0.0025), percent(1)]).toEqual([
      '0 %',
      '3.1 %',
      '0.25 %',
      '100 %',
    ]);
    expect([times(2), times(2.583), times(12.4)]).toEqual(['2×', '2.6×', '12×']);
  });
});
