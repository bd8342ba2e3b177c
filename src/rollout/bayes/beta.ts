/**
 * Log-beta and the Beta posteriors of conversion counts.
 */
import { HALF_LOG_TWO_PI, lgamma, stirlingRemainder } from './lgamma.js';

/** Successes out of trials, as an arm of an A/B test counts them. */
export interface Counts {
  successes: number;
  trials: number;
}

/** A Beta(alpha, beta) distribution. */
export interface BetaParams {
  alpha: number;
  beta: number;
}

/** Where Stirling's series replaces direct log-gammas in `lbeta`. */
const LARGE = 10;

/**
 * log Γ(x + a) − log Γ(x) for x ≥ 10 and a > 0, without subtracting two huge log-gammas.
 * @example
 * logGammaRatio(1e7, 0.5); // ≈ 0.5 · log(1e7) = 8.059047…
 */
export function logGammaRatio(x: number, a: number): number {
  const y = x + a;
  return (
    (x - 0.5) * Math.log1p(a / x) +
    a * Math.log(y) -
    a +
    stirlingRemainder(y) -
    stirlingRemainder(x)
  );
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0, accurate to a few ulps of the
 * result even for arguments of 1e7 and more (where the direct sum loses ~8 digits).
 * @example
 * lbeta(1, 1); // 0
 * lbeta(2, 3); // log(1/12) = -2.4849066497880004
 */
export function lbeta(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (!(lo > 0)) return NaN;
  if (hi < LARGE) return lgamma(lo) + lgamma(hi) - lgamma(lo + hi);
  if (lo < LARGE) return lgamma(lo) - logGammaRatio(hi, lo);
  // both large: Stirling's forms with the big terms folded into log-ratios
  const s = lo + hi;
  return (
    HALF_LOG_TWO_PI -
    0.5 * Math.log(hi) +
    (lo - 0.5) * Math.log(lo / s) +
    hi * Math.log1p(-lo / s) +
    stirlingRemainder(lo) +
    stirlingRemainder(hi) -
    stirlingRemainder(s)
  );
}

/**
 * The posterior of an arm's rate under a uniform Beta(1, 1) prior: Beta(1 + s, 1 + f).
 * @throws RangeError when the counts are not whole numbers with 0 ≤ successes ≤ trials.
 * @example
 * posterior({ successes: 3, trials: 10 }); // { alpha: 4, beta: 8 }
 */
export function posterior(c: Counts): BetaParams {
  checkCounts(c);
  return { alpha: 1 + c.successes, beta: 1 + c.trials - c.successes };
}

/**
 * Throws unless the counts are safe whole numbers with 0 ≤ successes ≤ trials.
 * @example
 * checkCounts({ successes: 5, trials: 3 }); // throws RangeError
 */
export function checkCounts(c: Counts, label = 'counts'): void {
  const { successes: s, trials: n } = c;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(n) || s < 0 || n < 0 || s > n) {
    throw new RangeError(
      `${label} must be whole numbers with 0 <= successes <= trials; got ${s}/${n}`,
    );
  }
}

/**
 * Mean, variance and third central moment of a Beta distribution.
 * @example
 * betaMoments({ alpha: 2, beta: 2 }); // { mean: 0.5, variance: 0.05, third: 0 }
 */
export function betaMoments(p: BetaParams): { mean: number; variance: number; third: number } {
  const { alpha: a, beta: b } = p;
  const s = a + b;
  const mean = a / s;
  const variance = (a * b) / (s * s * (s + 1));
  const third = (2 * a * b * (b - a)) / (s * s * s * (s + 1) * (s + 2));
  return { mean, variance, third };
}
