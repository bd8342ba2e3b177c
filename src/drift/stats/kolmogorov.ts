/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, survival
 * function only: `kstwoSf(n, d)` = P(D_n ≥ d), as SciPy's `scipy.stats.kstwo.sf(d, n)`.
 *
 * SciPy's `ks_2samp(method='auto')` falls back to it for large samples ("asymp"): it evaluates
 * `kstwo.sf(D, round(m·n/(m+n)))`, not the limiting Kolmogorov distribution, so to agree with it
 * to 1e-6 we follow SciPy's `_kolmogn` (Simard & L'Ecuyer 2011) branch for branch: Ruben–Gambino
 * at the ends, Durbin's matrix (Marsaglia–Tsang–Wang), Pomeranz' recursion for n ≤ 140, the
 * Pelz–Good expansion for large n, and twice the one-sided Smirnov tail where that is exact to
 * double precision. The branches are SciPy's (scipy/stats/_ksstats.py, cephes kolmogorov.c);
 * the arithmetic is plain doubles, which moves results by far less than 1e-9 relative.
 */

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const MIN_LOG = -708;
// cephes' MINLOG, log(2^-1075): below it even a subnormal is 0
const CEPHES_MINLOG = -745.1332191019412;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT3 = Math.sqrt(3);
// SciPy's Stirling-series coefficients, as the doubles its 20-digit literals round to
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

const clip = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

function logFactorialOverNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** log C(n, j) from a table of log-factorials (exact sums of logs, no Stirling error). */
function logChoose(logFact: Float64Array, n: number, j: number): number {
  return logFact[n]! - logFact[j]! - logFact[n - j]!;
}

let logFactCache = new Float64Array([0]);
function logFactorials(n: number): Float64Array {
  if (logFactCache.length > n) return logFactCache;
  const t = new Float64Array(n + 1);
  t.set(logFactCache);
  for (let i = logFactCache.length; i <= n; i++) t[i] = t[i - 1]! + Math.log(i);
  logFactCache = t;
  return t;
}

/**
 * P(D⁺_n ≥ x), the one-sided Smirnov tail (SciPy's `scipy.special.smirnov`), by the
 * Birnbaum–Tingey sum x·Σ_{j ≤ n(1−x)} C(n,j)(1−x−j/n)^(n−j)(x+j/n)^(j−1) in logs: every term
 * is positive, so the sum has no cancellation.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  let nxfl = Math.floor(nx);
  let alpha = nx - nxfl;
  if (alpha === 1) {
    nxfl += 1;
    alpha = 0;
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return 1 - x * Math.pow(1 + x, n - 1);
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxfl >= n - 1) return Math.pow(1 - x, n);
  if (n > 1_000_000) {
    // cephes' approximation beyond its compute limit, kept so that results agree
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // cephes' lower sum stops before j = n(1 − x), whose term is zero
  const jmax = n - nxfl - 1;
  const lf = logFactorials(n);
  // the terms rise to a peak then fall; sum them scaled by the largest log seen so far
  let sum = 0;
  let scale = -Infinity;
  for (let j = 0; j <= jmax; j++) {
    const a = 1 - x - j / n;
    if (!(a > 0)) break;
    const t = logChoose(lf, n, j) + (n - j) * Math.log(a) + (j - 1) * Math.log(x + j / n);
    if (t > scale) {
      sum = sum * Math.exp(scale - t) + 1;
      scale = t;
    } else {
      const e = Math.exp(t - scale);
      sum += e;
      if (e < 1e-17 * sum && j > nx) break;
    }
  }
  return clip(x * sum * Math.exp(scale));
}

/** Durbin's matrix method, Marsaglia–Tsang–Wang's form: P(D_n < d). */
function kolmogDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  let P: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let expnt = 0;
  let hExpnt = 0;
  let nn = n;
  const tmp = new Float64Array(m * m);
  const mul = (a: Float64Array, b: Float64Array): Float64Array => {
    tmp.fill(0);
    for (let i = 0; i < m; i++)
      for (let l = 0; l < m; l++) {
        const ail = a[i * m + l]!;
        if (ail === 0) continue;
        for (let j = 0; j < m; j++) tmp[i * m + j] = tmp[i * m + j]! + ail * b[l * m + j]!;
      }
    return Float64Array.from(tmp);
  };
  while (nn > 0) {
    if (nn % 2) {
      P = mul(P, H);
      expnt += hExpnt;
    }
    H = mul(H, H);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + k - 1]!) > E128) {
      for (let i = 0; i < H.length; i++) H[i]! /= E128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + k - 1]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  return clip(p * Math.pow(2, expnt));
}

function pomeranzBounds(
  i: number,
  n: number,
  ll: number,
  ceilf: number,
  roundf: number,
): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pomeranz' recursion (1974): P(D_n < x), for n ≤ 140. */
function kolmogPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const np = 2 * (ll + 1);
  const gp = new Float64Array(np);
  const g2p = new Float64Array(np);
  const g12p = new Float64Array(np);
  gp[0] = g2p[0] = g12p[0] = 1;
  for (let m = 1; m < np; m++) {
    gp[m] = (gp[m - 1]! * (g / n)) / m;
    g2p[m] = (g2p[m - 1]! * ((2 * g) / n)) / m;
    g12p[m] = (g12p[m - 1]! * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(np);
  let V1 = new Float64Array(np);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const pw = i === 1 || i === 2 * n + 1 ? gp : i % 2 ? g2p : g12p;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const start = j1 - k1;
      const len = j2 - j1 + 1;
      let max = 0;
      // full convolution of V0[k1-V0s ..][:ln2] with pw[:ln2], entries start .. start+len-1
      for (let c = 0; c < len; c++) {
        const idx = start + c;
        let s = 0;
        for (let a = Math.max(0, idx - ln2 + 1); a <= Math.min(idx, ln2 - 1); a++)
          s += V0[k1 - V0s + a]! * pw[idx - a]!;
        V1[c] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < EM128) {
        for (let c = 0; c < len; c++) V1[c]! *= E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  return clip(ans * Math.pow(2, expnt));
}

/** The Pelz–Good asymptotic expansion (1976): P(D_n ≤ x). */
function kolmogPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    K[0] = K[0]! * qp + 1;
    K[1] = K[1]! * qp + (k1a + k1b * m2);
    K[2] = K[2]! * qp + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3]! * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const den = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / den[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const s3z = SQRT3 * z;
  for (let k = maxk; k > 0; k--) {
    const qk = Math.pow(q, k * k);
    k2extra += k * k * qk;
    k3extra += (s3z + Math.PI * k) * (s3z - Math.PI * k) * k * k * qk;
  }
  K[2]! += (k2extra * PI2 * SQRT2PI) / (-36 * z ** 3);
  K[3]! += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / Math.pow(n, i / 2);
  return sum;
}

/** P(D_n ≥ x) for the two-sided one-sample statistic, SciPy's `kstwo.sf(x, n)`. */
export function kstwoSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf =
      n <= 140
        ? prodRubenGambino(n, t)
        : Math.exp(logFactorialOverNPowN(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip(1 - kolmogDMTW(n, x));
    if (nx2 <= 4) return clip(1 - kolmogPomeranz(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  let cdf: number;
  if (nx2 >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmogDMTW(n, x);
  else cdf = kolmogPelzGood(n, x);
  return clip(1 - clip(cdf));
}

function prodRubenGambino(n: number, t: number): number {
  let p = 1;
  for (let i = 1; i <= n; i++) p *= i * (1 / n) * (2 * t - 1);
  return p;
}
