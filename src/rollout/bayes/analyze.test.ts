import { describe, expect, it } from 'vitest';
import { analyzeAB, formatProbability, type AnalysisPolicy } from './analyze.js';

const policy: AnalysisPolicy = {
  promote_probability: 0.95,
  keep_control_probability: 0.05,
  min_samples_per_arm: 1000,
};
const c = (successes: number, trials: number) => ({ successes, trials });

describe('analyzeAB', () => {
  it('promotes at P >= promote_probability, with every figure', () => {
    const r = analyzeAB(c(480, 1000), c(520, 1000), policy);
    expect(r.decision).toBe('promote');
    expect(r.probability).toBeCloseTo(0.963121993962445, 12);
    expect(r.method).toBe('exact');
    expect(r.expectedLoss.control).toBeGreaterThan(r.expectedLoss.treatment);
    expect(r.samplesNeeded).toEqual({ perArm: 2450, control: 1450, treatment: 1450 });
    expect(r.reason).toBe('P(treatment > control) = 0.9631 >= 0.95');
  });

  it('keeps the control at P <= keep_control_probability', () => {
    const r = analyzeAB(c(520, 1000), c(480, 1000), policy);
    expect(r.decision).toBe('keep-control');
    expect(r.reason).toBe('P(treatment > control) = 0.0369 <= 0.05');
  });

  it('continues in between', () => {
    const r = analyzeAB(c(500, 1000), c(510, 1000), policy);
    expect(r.decision).toBe('continue');
    expect(r.reason).toMatch(/^P\(treatment > control\) = 0\.67\d\d is between 0.05 and 0.95$/);
  });

  it('waits for data until both arms have min_samples_per_arm, but still reports figures', () => {
    const r = analyzeAB(c(0, 999), c(900, 1000), policy);
    expect(r.decision).toBe('wait-for-data');
    expect(r.probability).toBe(1);
    expect(r.reason).toBe(
      'control has 999 of the 1000 trials per arm needed before deciding (P(treatment > control) = 1.0000 so far)',
    );
    expect(analyzeAB(c(0, 0), c(0, 0), policy).reason).toMatch(
      /^control has 0 and treatment has 0 of the 1000/,
    );
  });

  it('the thresholds are inclusive', () => {
    const p = analyzeAB(c(480, 1000), c(520, 1000), policy).probability;
    expect(
      analyzeAB(c(480, 1000), c(520, 1000), { ...policy, promote_probability: p }).decision,
    ).toBe('promote');
    expect(
      analyzeAB(c(480, 1000), c(520, 1000), {
        ...policy,
        promote_probability: 1,
        keep_control_probability: p,
      }).decision,
    ).toBe('keep-control');
  });

  it('rejects bad counts', () => {
    expect(() => analyzeAB(c(5, 3), c(1, 10), policy)).toThrow(/control must be whole numbers/);
  });
});

describe('formatProbability', () => {
  it('reads four decimals, and never rounds a tail to 0 or 1', () => {
    expect(formatProbability(0.963121993)).toBe('0.9631');
    expect(formatProbability(1.4e-6)).toBe('1.40e-6');
    expect(formatProbability(1 - 1e-9)).toBe('1 - 1.00e-9');
    expect(formatProbability(0)).toBe('0.0000');
    expect(formatProbability(1)).toBe('1.0000');
  });
});
