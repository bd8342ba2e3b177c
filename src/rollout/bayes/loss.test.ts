import { describe, expect, it } from 'vitest';
import { posterior, type Counts } from './beta.js';
import { betaExpectedLoss, expectedLoss } from './loss.js';

const c = (successes: number, trials: number): Counts => ({ successes, trials });
const mean = (x: Counts) => (1 + x.successes) / (2 + x.trials);

describe('expectedLoss', () => {
  it('matches closed forms and numerical integration', () => {
    // two uniforms: E[max(U − V, 0)] = 1/6
    const flat = expectedLoss(c(0, 0), c(0, 0));
    expect(flat.chooseA).toBeCloseTo(1 / 6, 14);
    expect(flat.chooseB).toBeCloseTo(1 / 6, 14);
    // scipy.integrate.quad of the Beta(481, 521), Beta(521, 481) integrals
    const l = expectedLoss(c(480, 1000), c(520, 1000));
    expect(l.method).toBe('exact');
    expect(Math.abs(l.chooseB - 0.00032850620796266505) / 0.00032850620796266505).toBeLessThan(
      1e-10,
    );
  });

  it('chooseA − chooseB = mean(B) − mean(A), and both are >= 0, for either method', () => {
    const pairs: [Counts, Counts][] = [
      [c(480, 1000), c(520, 1000)],
      [c(0, 10), c(10, 10)],
      [c(3, 20), c(2, 10_000)],
      [c(12, 10_000_000), c(25, 10_000_000)],
      [c(500_123, 1_000_000), c(501_987, 1_000_000)],
      [c(5_000_000, 10_000_000), c(5_000_000, 10_000_000)],
    ];
    for (const [a, b] of pairs) {
      const l = expectedLoss(a, b);
      expect(l.chooseA).toBeGreaterThanOrEqual(0);
      expect(l.chooseB).toBeGreaterThanOrEqual(0);
      expect(l.chooseA - l.chooseB).toBeCloseTo(mean(b) - mean(a), 12);
    }
  });

  it('the normal form agrees with the exact one where both apply (~1e5 successes)', () => {
    const a = posterior(c(100_000, 1_000_000));
    const b = posterior(c(100_600, 1_000_000));
    const exact = betaExpectedLoss(a, b, Infinity);
    const normal = betaExpectedLoss(a, b, 0);
    expect(exact.method).toBe('exact');
    expect(normal.method).toBe('normal');
    for (const k of ['chooseA', 'chooseB'] as const) {
      expect(Math.abs(normal[k] - exact[k]) / exact[k], k).toBeLessThan(1e-5);
    }
  });

  it('rejects bad counts', () => {
    expect(() => expectedLoss(c(11, 10), c(1, 10))).toThrow(RangeError);
  });
});
