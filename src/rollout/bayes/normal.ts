/**
 * The standard normal distribution, to near double precision in both tails (`Math` has no
 * `erf`). Used by the normal approximation of P(B > A) for very large counts.
 */

const SQRT_PI = Math.sqrt(Math.PI);
/** Below this |x|, erf's all-positive series; above, erfc's continued fraction. */
const SWITCH = 2.5;

/**
 * The complementary error function, erfc(x) = 1 − erf(x), with a small relative error in the
 * upper tail (no `1 − erf` cancellation there): a positive-term series for |x| < 2.5 and a
 * continued fraction beyond, evaluated backwards.
 * @example
 * erfc(0); // 1
 * erfc(3); // 2.209049699858544e-5
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SWITCH) return 1 - erfSeries(x);
  if (x > 27) return 0; // below the smallest double
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (2n+1)!!, every term positive. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/**
 * The standard normal CDF Φ(z), accurate relative to its value in the lower tail.
 * @example
 * normalCdf(1.959963984540054); // 0.975
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * The standard normal density φ(z).
 * @example
 * normalPdf(0); // 0.3989422804014327
 */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
