#!/usr/bin/env node
// Monte Carlo estimates of P(B > A) for Beta(1 + s, 1 + f) posteriors over a grid of counts
// from 10 to 10^7 trials, the reference src/rollout/bayes/probability.test.ts checks the exact
// function against (to 1e-3; 10^7 draws give a standard error of at most 1.6e-4).
//
//   node scripts/ab-montecarlo.mjs            # writes src/rollout/bayes/montecarlo.fixture.json
//   node scripts/ab-montecarlo.mjs --draws N  # fewer draws, for a quick look (not for the fixture)
//
// How the fixture was produced: this script, unchanged, with its defaults (10^7 draws per grid
// point, seed 20261126), on Node 20 with one worker thread per core. Every grid point has its
// own PRNG stream (xoshiro128** seeded through splitmix32 from the seed and the point's
// index), so the output does not depend on the number of workers or their order. A Beta draw
// is X/(X+Y) of two Gamma draws (Marsaglia & Tsang 2000, "A simple method for generating
// gamma variables", for shape >= 1, which Beta(1 + s, 1 + f) always has), the normal draws
// by the polar method. No code of the library under test is used.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const SEED = 20261126;
const DRAWS = 10_000_000;
const OUT = fileURLToPath(new URL('../src/rollout/bayes/montecarlo.fixture.json', import.meta.url));

/** The grid: control and treatment counts, from 10 to 10^7 trials. */
export function grid() {
  const points = [];
  const add = (s1, n1, s2, n2) =>
    points.push({
      control: { successes: s1, trials: n1 },
      treatment: { successes: s2, trials: n2 },
    });
  for (const n of [10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]) {
    for (const p of [0.5, 0.1, 0.01]) {
      const s1 = Math.round(p * n);
      const sd = Math.sqrt((2 * p * (1 - p)) / n) * n; // of the difference, in successes
      for (const k of [0, 1, 2.5]) {
        const s2 = Math.min(n, Math.round(s1 + k * sd));
        if (k > 0 && s2 === s1) continue;
        add(s1, n, s2, n);
      }
    }
    // unequal arms: the treatment with a tenth of the traffic and a slightly higher rate
    if (n >= 100) add(Math.round(0.2 * n), n, Math.round(0.21 * (n / 10)), n / 10);
  }
  // the edges: no successes, all successes, a handful in ten million
  add(0, 10, 1, 10);
  add(10, 10, 9, 10);
  add(0, 10, 0, 10);
  add(0, 10_000_000, 3, 10_000_000);
  add(12, 10_000_000, 25, 10_000_000);
  add(9_999_990, 10_000_000, 9_999_995, 10_000_000);
  add(3, 20, 2, 10_000);
  return points;
}

function splitmix32(a) {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** (Blackman & Vigna): uniform doubles in (0, 1) with 53 random bits. */
function xoshiro128(seed) {
  const sm = splitmix32(seed);
  let a = sm(),
    b = sm(),
    c = sm(),
    d = sm();
  const next = () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6) + 0.5) / 9007199254740992;
}
const rotl = (x, k) => (x << k) | (x >>> (32 - k));

function gammaSampler(uniform) {
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        spare = v * m;
        return u * m;
      }
    }
  };
  /** Marsaglia–Tsang for shape >= 1. */
  return (shape) => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };
}

function estimate(point, index, draws) {
  const gamma = gammaSampler(xoshiro128((SEED ^ Math.imul(index + 1, 0x27d4eb2d)) | 0));
  const a1 = 1 + point.control.successes;
  const b1 = 1 + point.control.trials - point.control.successes;
  const a2 = 1 + point.treatment.successes;
  const b2 = 1 + point.treatment.trials - point.treatment.successes;
  let wins = 0;
  for (let i = 0; i < draws; i++) {
    const x = gamma(a1);
    const pa = x / (x + gamma(b1));
    const y = gamma(a2);
    const pb = y / (y + gamma(b2));
    if (pb > pa) wins++;
  }
  const p = wins / draws;
  return { ...point, estimate: p, stderr: Math.sqrt(Math.max(p * (1 - p), 1 / draws) / draws) };
}

if (isMainThread) {
  const at = process.argv.indexOf('--draws');
  const draws = at > 0 ? Number(process.argv[at + 1]) : DRAWS;
  const points = grid();
  const workers = Math.min(availableParallelism(), points.length);
  const started = Date.now();
  const results = new Array(points.length);
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const mine = points.map((_, i) => i).filter((i) => i % workers === w);
      return new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { mine, draws } });
        worker.on('message', ({ index, result }) => {
          results[index] = result;
          process.stderr.write(`${index}: ${JSON.stringify(result)}\n`);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code ? reject(new Error(`worker exit ${code}`)) : resolve()));
      });
    }),
  );
  const fixture = {
    generator: 'node scripts/ab-montecarlo.mjs',
    method: 'Beta via two Marsaglia-Tsang Gamma draws; xoshiro128** seeded per point',
    seed: SEED,
    draws,
    points: results,
  };
  if (draws === DRAWS) writeFileSync(OUT, JSON.stringify(fixture, null, 2) + '\n');
  else console.log(JSON.stringify(fixture, null, 2));
  process.stderr.write(
    `${points.length} points in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
} else {
  const { mine, draws } = workerData;
  const points = grid();
  for (const index of mine)
    parentPort.postMessage({ index, result: estimate(points[index], index, draws) });
}
