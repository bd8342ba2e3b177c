/**
 * P(B > A) for the Beta posteriors of two arms, exactly for any counts a test can reach in
 * reasonable time and by a skew-corrected normal approximation beyond.
 */
import { betaMoments, lbeta, posterior, type BetaParams, type Counts } from './beta.js';
import { normalCdf, normalPdf } from './normal.js';

/**
 * Past this many terms the exact sum gives way to the normal approximation: it is then
 * reached only when every shape parameter exceeds it (≥ 1e5 successes and failures on both
 * sides), where the two agree to ~1e-6 and an exact sum would cost milliseconds.
 */
export const MAX_EXACT_TERMS = 100_000;

/** How a probability was computed. */
export type Method = 'exact' | 'normal';

/**
 * Evan Miller's sum, P(Y > X) for X ~ Beta(a, b), Y ~ Beta(c, d) with c a whole number:
 * Σ_{i<c} B(a+i, b+d) / ((d+i) B(1+i, d) B(a, b)), as its natural log. The first term comes
 * from log-betas; each next one from the ratio (a+i)(d+i) / ((a+b+d+i)(1+i)), accumulated
 * against a running power-of-two scale: a log-sum-exp whose reference moves only when the
 * partial sum would overflow. Terms rise then fall; the loop stops once the rest cannot
 * change the sum.
 * @example
 * Math.exp(logMillerSum(1, 1, 1, 1)); // 0.5
 */
export function logMillerSum(a: number, b: number, c: number, d: number): number {
  const logFirst = lbeta(a, b + d) - lbeta(a, b);
  const abd = a + b + d;
  let term = 1;
  let sum = 0;
  let logScale = 0;
  for (let i = 0; i < c; i++) {
    sum += term;
    const ratio = ((a + i) * (d + i)) / ((abd + i) * (1 + i));
    term *= ratio;
    if (sum > 1e280) {
      sum *= 1e-280;
      term *= 1e-280;
      logScale += 280 * Math.LN10;
    }
    // decreasing from here on (the ratio only falls), and the rest is below an ulp of the sum
    if (ratio < 1 && term * (c - i - 1) < sum * 1e-17) break;
  }
  return logFirst + logScale + Math.log(sum);
}

/**
 * P(Y > X) by the cheapest exact sum that yields the smaller tail directly, or undefined when
 * every sum is longer than `maxTerms`.
 * @example
 * exactProbability({ alpha: 1, beta: 1 }, { alpha: 2, beta: 1 }, 1e5); // 0.666…
 */
export function exactProbability(
  x: BetaParams,
  y: BetaParams,
  maxTerms: number,
): number | undefined {
  const { alpha: a, beta: b } = x;
  const { alpha: c, beta: d } = y;
  // P(Y > X) directly: sum over Y's alpha, or (1-Y < 1-X) over X's beta
  const direct = c <= b ? () => logMillerSum(a, b, c, d) : () => logMillerSum(d, c, b, a);
  const directCost = Math.min(c, b);
  // P(X > Y) = 1 − P(Y > X): over X's alpha, or over Y's beta
  const other = a <= d ? () => logMillerSum(c, d, a, b) : () => logMillerSum(b, a, d, c);
  const otherCost = Math.min(a, d);
  // sum the smaller tail directly; the larger one is 1 − it, never a difference of near-ones
  const yLikelyLarger = c / (c + d) > a / (a + b);
  const [first, firstCost, second, secondCost, firstIsDirect] = yLikelyLarger
    ? [other, otherCost, direct, directCost, false]
    : [direct, directCost, other, otherCost, true];
  if (firstCost <= maxTerms) {
    const p = clamp(Math.exp(first()));
    return firstIsDirect ? p : 1 - p;
  }
  if (secondCost <= maxTerms) {
    const p = clamp(Math.exp(second()));
    return firstIsDirect ? 1 - p : p;
  }
  return undefined;
}

/**
 * The difference D = Y − X of two Betas by its first three cumulants: mean, sd and skewness.
 * @example
 * difference({ alpha: 2, beta: 2 }, { alpha: 2, beta: 2 }); // { mean: 0, sd: 0.316…, skew: 0 }
 */
export function difference(
  x: BetaParams,
  y: BetaParams,
): { mean: number; sd: number; skew: number } {
  const mx = betaMoments(x);
  const my = betaMoments(y);
  const variance = mx.variance + my.variance;
  const sd = Math.sqrt(variance);
  return { mean: my.mean - mx.mean, sd, skew: (my.third - mx.third) / (variance * sd) };
}

/**
 * P(Y > X) by the normal approximation of Y − X with its first Edgeworth (skewness) term:
 * Φ(m) + φ(m)·γ/6·(m² − 1), m = mean/sd. The correction keeps the error near 1e-6 where both
 * arms have ≥ 1e5 successes and failures but very different rates or sizes.
 * @example
 * normalProbability({ alpha: 500_124, beta: 499_878 }, { alpha: 501_988, beta: 498_014 }); // 0.99581 (exact: 0.99581)
 */
export function normalProbability(x: BetaParams, y: BetaParams): number {
  const { mean, sd, skew } = difference(x, y);
  const m = mean / sd;
  return clamp(normalCdf(m) + (normalPdf(m) * skew * (m * m - 1)) / 6);
}

/**
 * P(Y > X) for X ~ Beta(x), Y ~ Beta(y) with whole-number shape parameters, and the method
 * used: exact when some sum has at most `maxTerms` terms, else normal.
 * @example
 * betaProbability({ alpha: 1, beta: 1 }, { alpha: 2, beta: 1 }); // { p: 0.666…, method: 'exact' }
 */
export function betaProbability(
  x: BetaParams,
  y: BetaParams,
  maxTerms = MAX_EXACT_TERMS,
): { p: number; method: Method } {
  const p = exactProbability(x, y, maxTerms);
  return p === undefined
    ? { p: normalProbability(x, y), method: 'normal' }
    : { p, method: 'exact' };
}

/**
 * P(rate of B > rate of A) for the posteriors Beta(1 + successes, 1 + failures) of two arms.
 * Always finite and within [0, 1].
 * @throws RangeError unless both counts are whole numbers with 0 ≤ successes ≤ trials.
 * @example
 * probabilityBBeatsA({ successes: 480, trials: 1000 }, { successes: 520, trials: 1000 }); // 0.96312…
 * probabilityBBeatsA({ successes: 5, trials: 10 }, { successes: 5, trials: 10 }); // 0.5
 */
export function probabilityBBeatsA(a: Counts, b: Counts): number {
  return betaProbability(posterior(a), posterior(b)).p;
}

/** Into [0, 1]: rounding can leave a sum of probabilities an ulp above 1. */
export function clamp(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
