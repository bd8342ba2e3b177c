import { describe, expect, it } from 'vitest';
import { lgamma, stirlingRemainder } from './lgamma.js';
import { lbeta, logGammaRatio } from './beta.js';

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

/** log((n-1)!) by summing logs: exact to a few ulps for these n. */
function logFactorial(n: number): number {
  let s = 0;
  for (let k = 2; k <= n; k++) s += Math.log(k);
  return s;
}

describe('lgamma', () => {
  it('is log((n-1)!) at the integers', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    // either side of the zeros, absolute error (relative error means nothing at a zero)
    expect(Math.abs(lgamma(1 + 1e-9) - -5.772156640790658e-10)).toBeLessThan(1e-15);
    expect(Math.abs(lgamma(2 - 1e-9) - -4.22784334776e-10)).toBeLessThan(1e-15);
    for (let n = 3; n <= 171; n++) {
      expect(relErr(lgamma(n), logFactorial(n - 1)), `n = ${n}`).toBeLessThan(1e-13);
    }
  });

  it('is log(Γ(n + ½)) = log((2n)! √π / (4ⁿ n!)) at the half-integers', () => {
    const logSqrtPi = 0.5 * Math.log(Math.PI);
    expect(relErr(lgamma(0.5), logSqrtPi)).toBeLessThan(1e-14);
    for (let n = 1; n <= 100; n++) {
      const want = logFactorial(2 * n) + logSqrtPi - n * Math.log(4) - logFactorial(n);
      expect(relErr(lgamma(n + 0.5), want), `n + 1/2 = ${n + 0.5}`).toBeLessThan(1e-13);
    }
  });

  it('matches published values below ½ (reflection) and near the minimum', () => {
    // Γ(0.1) = 9.513507698668732…, Γ(1/3) = 2.6789385347077475…
    expect(relErr(lgamma(0.1), Math.log(9.513507698668732))).toBeLessThan(1e-14);
    expect(relErr(lgamma(1 / 3), Math.log(2.6789385347077475))).toBeLessThan(1e-14);
    // log Γ(1.5) = log(√π / 2)
    expect(relErr(lgamma(1.5), Math.log(Math.sqrt(Math.PI) / 2))).toBeLessThan(1e-13);
  });

  it('agrees with Stirling’s series for large x', () => {
    for (const x of [50, 1e3, 12345.678, 1e6, 1e8, 1e12]) {
      const stirling =
        (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + stirlingRemainder(x);
      expect(relErr(lgamma(x), stirling), `x = ${x}`).toBeLessThan(1e-13);
    }
  });

  it('is NaN outside its domain and Infinity at Infinity', () => {
    expect(lgamma(0)).toBeNaN();
    expect(lgamma(-1.5)).toBeNaN();
    expect(lgamma(NaN)).toBeNaN();
    expect(lgamma(Infinity)).toBe(Infinity);
  });
});

describe('lbeta', () => {
  it('is log B(a, b) for small arguments', () => {
    expect(lbeta(1, 1)).toBe(0);
    expect(relErr(lbeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14);
    expect(relErr(lbeta(0.5, 0.5), Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(lbeta(3, 12)).toBe(lbeta(12, 3));
  });

  it('keeps its digits for huge arguments (mpmath references, 30 digits)', () => {
    // mpmath: log(beta(1e7, 5e6)) = -9547719.11522532077…
    expect(relErr(lbeta(1e7, 5e6), -9547719.11522532)).toBeLessThan(1e-15);
    // log(beta(100001, 1e7)) = -561024.807884524053…
    expect(relErr(lbeta(100001, 1e7), -561024.807884524)).toBeLessThan(1e-15);
    // log(beta(5, 1e7)) = -77.4124254244435…
    expect(relErr(lbeta(5, 1e7), -77.4124254244435)).toBeLessThan(1e-14);
    // log(beta(9.5, 10.5)) = -13.709925546998463…, either side of the Stirling switch
    expect(relErr(lbeta(9.5, 10.5), -13.709925546998463)).toBeLessThan(1e-14);
  });

  it('logGammaRatio is log Γ(x + a) − log Γ(x)', () => {
    expect(relErr(logGammaRatio(20, 3), Math.log(20 * 21 * 22))).toBeLessThan(1e-14);
    expect(relErr(logGammaRatio(1e7, 1), Math.log(1e7))).toBeLessThan(1e-15);
  });
});
