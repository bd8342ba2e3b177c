/**
 * Expected loss of each choice in an A/B test: how much rate one gives up, on average over the
 * posteriors, by choosing an arm when the other is better.
 */
import { posterior, type BetaParams, type Counts } from './beta.js';
import { normalCdf, normalPdf } from './normal.js';
import { MAX_EXACT_TERMS, difference, exactProbability, type Method } from './probability.js';

/** E[max(B − A, 0)] (the loss of choosing A) and E[max(A − B, 0)] (of choosing B). */
export interface ExpectedLoss {
  /** Rate given up, in expectation, by keeping A. */
  chooseA: number;
  /** Rate given up, in expectation, by choosing B. */
  chooseB: number;
  method: Method;
}

const up = (p: BetaParams): BetaParams => ({ alpha: p.alpha + 1, beta: p.beta });
const mean = (p: BetaParams) => p.alpha / (p.alpha + p.beta);

/**
 * E[max(Y − X, 0)] = E[Y; Y > X] − E[X; Y > X], and p·Beta(α, β) density = mean·Beta(α+1, β)
 * density, so it is mean(Y)·P(Y' > X) − mean(X)·P(Y > X') with one alpha raised by one: two
 * exact probabilities (Chris Stucchio's closed form), or undefined when those sums are too long.
 */
function exactLoss(x: BetaParams, y: BetaParams, maxTerms: number): number | undefined {
  const first = exactProbability(x, up(y), maxTerms);
  const second = exactProbability(up(x), y, maxTerms);
  if (first === undefined || second === undefined) return undefined;
  return Math.max(0, mean(y) * first - mean(x) * second);
}

/**
 * E[max(D, 0)] for D = Y − X by its normal approximation with the same skewness term as
 * `normalProbability` (whose derivative in the mean it is): sd·(mΦ(m) + φ(m)) − sd·γ/6·m·φ(m).
 */
function normalLoss(x: BetaParams, y: BetaParams): number {
  const { mean: mu, sd, skew } = difference(x, y);
  const m = mu / sd;
  const phi = normalPdf(m);
  return Math.max(0, sd * (m * normalCdf(m) + phi) - (sd * skew * m * phi) / 6);
}

/**
 * The expected loss of choosing each arm, for Beta posteriors: exact where P(B > A) is exact,
 * normal where it is normal. chooseA − chooseB = mean(B) − mean(A).
 * @example
 * betaExpectedLoss({ alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }); // { chooseA: 1/6, chooseB: 1/6, method: 'exact' }
 */
export function betaExpectedLoss(
  a: BetaParams,
  b: BetaParams,
  maxTerms = MAX_EXACT_TERMS,
): ExpectedLoss {
  const chooseA = exactLoss(a, b, maxTerms);
  const chooseB = exactLoss(b, a, maxTerms);
  if (chooseA !== undefined && chooseB !== undefined) {
    return { chooseA, chooseB, method: 'exact' };
  }
  return { chooseA: normalLoss(a, b), chooseB: normalLoss(b, a), method: 'normal' };
}

/**
 * Expected loss of choosing A and of choosing B for two arms' counts (uniform priors).
 * @throws RangeError unless both counts are whole numbers with 0 ≤ successes ≤ trials.
 * @example
 * expectedLoss({ successes: 480, trials: 1000 }, { successes: 520, trials: 1000 });
 * // { chooseA: 0.04025…, chooseB: 0.000329…, method: 'exact' }
 */
export function expectedLoss(a: Counts, b: Counts): ExpectedLoss {
  return betaExpectedLoss(posterior(a), posterior(b));
}
