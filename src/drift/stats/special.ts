/**
 * The chi-square survival function through the regularized upper incomplete gamma function
 * Q(a, x) = Γ(a, x)/Γ(a): the series for P when x < a + 1, Lentz's continued fraction for Q
 * otherwise, so each side is computed where it converges fast and without cancellation.
 */
import { lgamma } from '../../rollout/bayes/lgamma.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Regularized upper incomplete gamma Q(a, x), a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - gammaPSeries(a, x);
  return gammaQFraction(a, x);
}

function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

function gammaQFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/**
 * P(χ²_df ≥ x), SciPy's `chi2.sf(x, df)`.
 * @example
 * chi2Sf(3.841458820694124, 1); // 0.05
 */
export function chi2Sf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}
