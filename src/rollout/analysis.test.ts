import { describe, expect, it } from 'vitest';
import { analyzeAB } from './bayes/index.js';
import { decide } from './decide.js';
import { at, policy, start } from './testing.js';

// The state machine with the real Bayesian analysis plugged in, as the rollout will run it.
const analyze = (
  c: { successes: number; trials: number },
  t: { successes: number; trials: number },
) => analyzeAB(c, t, policy.analysis);

describe('decide with the Bayesian analysis', () => {
  it('advances a clearly better candidate at the end of the 5 % hold', () => {
    const window = {
      baseline: { requests: 40_000, errors: 1_200, latencyP95Ms: 40 },
      candidate: { requests: 2_000, errors: 30, latencyP95Ms: 38 },
    };
    const d = decide(start(), window, policy, at(6), analyze);
    expect(d.action).toBe('advance');
    expect(d.next).toMatchObject({ step: 1, weight: 20 });
    expect(d.changed).toBe(true);
  });

  it('rolls back a clearly worse one, with its probability in the reason', () => {
    const window = {
      baseline: { requests: 40_000, errors: 400, latencyP95Ms: 40 },
      candidate: { requests: 2_000, errors: 36, latencyP95Ms: 41 },
    };
    const d = decide(start(), window, policy, at(6), analyze);
    expect(d.action).toBe('rollback');
    expect(d.reason).toMatch(/P\(treatment > control\) = 0\.0\d+/);
    expect(d.next).toBeNull();
  });
});
