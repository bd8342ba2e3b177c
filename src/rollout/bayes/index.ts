/**
 * Bayesian A/B analysis for rollouts: P(B > A) for Beta posteriors (exact in log space,
 * normal for very large counts), expected loss, samples still needed, and the decision.
 * @example
 * import { analyzeAB } from './rollout/bayes/index.js';
 * analyzeAB({ successes: 480, trials: 1000 }, { successes: 520, trials: 1000 }, policy.analysis);
 */
export { lgamma, stirlingRemainder } from './lgamma.js';
export {
  betaMoments,
  checkCounts,
  lbeta,
  logGammaRatio,
  posterior,
  type BetaParams,
  type Counts,
} from './beta.js';
export { erfc, normalCdf, normalPdf } from './normal.js';
export {
  MAX_EXACT_TERMS,
  betaProbability,
  exactProbability,
  logMillerSum,
  normalProbability,
  probabilityBBeatsA,
  type Method,
} from './probability.js';
export { betaExpectedLoss, expectedLoss, type ExpectedLoss } from './loss.js';
export { POWER_CONSTANT, samplesNeeded, type SamplesNeeded } from './power.js';
export {
  analyzeAB,
  formatProbability,
  type AbAnalysis,
  type AbDecision,
  type AnalysisPolicy,
} from './analyze.js';
