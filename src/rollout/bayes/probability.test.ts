import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lgamma } from './lgamma.js';
import { posterior, type Counts } from './beta.js';
import {
  MAX_EXACT_TERMS,
  betaProbability,
  normalProbability,
  probabilityBBeatsA,
} from './probability.js';

const c = (successes: number, trials: number): Counts => ({ successes, trials });

/** A seeded stream of uniforms (mulberry32), so the fuzz below is the same every run. */
function uniforms(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random counts whose trials range over 0 … 10⁷ on a log scale, rates over the whole range. */
function randomCounts(next: () => number): Counts {
  const trials = Math.floor(10 ** (next() * 7));
  const rate = [0, 1, next(), next() ** 4, 1 - next() ** 4][Math.floor(next() * 5)]!;
  return c(Math.round(rate * trials), trials);
}

describe('probabilityBBeatsA', () => {
  it('matches closed forms and high-precision references', () => {
    // X uniform, Y ~ Beta(2, 1) with density 2y: P(Y > X) = ∫ 2y·y dy = 2/3
    expect(probabilityBBeatsA(c(0, 0), c(1, 1))).toBeCloseTo(2 / 3, 15);
    // mpmath quadrature, 30 digits
    expect(probabilityBBeatsA(c(480, 1000), c(520, 1000))).toBeCloseTo(0.963121993962445, 13);
    expect(probabilityBBeatsA(c(3, 7), c(11, 20))).toBeCloseTo(0.701615858737298, 13);
    const tail = probabilityBBeatsA(c(10, 10), c(0, 10));
    expect(Math.abs(tail - 1.4175710770138e-6) / 1.4175710770138e-6).toBeLessThan(1e-11);
  });

  it('sums the smaller tail directly: a 1e-31 probability keeps its digits', () => {
    // X ~ Beta(51, 1), Y ~ Beta(1, 51): P(Y > X) = ∫ 51 x^50 (1 - x)^51 dx = 51·B(51, 52)
    const want = Math.exp(Math.log(51) + lgamma(51) + lgamma(52) - lgamma(103));
    expect(want).toBeLessThan(1e-29);
    const got = probabilityBBeatsA(c(50, 50), c(0, 50));
    expect(Math.abs(got - want) / want).toBeLessThan(1e-12);
    expect(1 - probabilityBBeatsA(c(0, 50), c(50, 50))).toBe(0); // its complement, as a double
  });

  it('P(A > B) + P(B > A) = 1, across counts and both methods', () => {
    const next = uniforms(7);
    for (let k = 0; k < 300; k++) {
      const a = randomCounts(next);
      const b = randomCounts(next);
      const sum = probabilityBBeatsA(a, b) + probabilityBBeatsA(b, a);
      expect(
        Math.abs(sum - 1),
        `${a.successes}/${a.trials} vs ${b.successes}/${b.trials}`,
      ).toBeLessThan(1e-9);
    }
  });

  it('identical arms give 0.5', () => {
    for (const [s, n] of [
      [0, 0],
      [0, 10],
      [5, 10],
      [10, 10],
      [7, 1000],
      [500_000, 1_000_000],
      [3, 10_000_000],
      [5_000_000, 10_000_000],
      [10_000_000, 10_000_000],
    ] as const) {
      expect(probabilityBBeatsA(c(s, n), c(s, n)), `${s}/${n}`).toBeCloseTo(0.5, 12);
    }
  });

  it('stays finite and within [0, 1] at the extremes and on random counts', () => {
    const edges = [
      c(0, 0),
      c(0, 1),
      c(1, 1),
      c(0, 10_000_000),
      c(10_000_000, 10_000_000),
      c(1, 10_000_000),
      c(9_999_999, 10_000_000),
      c(5_000_000, 10_000_000),
      c(0, 10),
      c(10, 10),
    ];
    const next = uniforms(11);
    const random = Array.from({ length: 200 }, () => randomCounts(next));
    for (const a of [...edges, ...random.slice(0, 100)]) {
      for (const b of [...edges, ...random.slice(100)]) {
        const p = probabilityBBeatsA(a, b);
        expect(
          Number.isFinite(p) && p >= 0 && p <= 1,
          `${a.successes}/${a.trials} vs ${b.successes}/${b.trials}: ${p}`,
        ).toBe(true);
      }
    }
    expect(probabilityBBeatsA(c(0, 10_000_000), c(10_000_000, 10_000_000))).toBe(1);
    expect(probabilityBBeatsA(c(10_000_000, 10_000_000), c(0, 10_000_000))).toBe(0);
  });

  it('rejects counts that are not whole numbers with 0 <= successes <= trials', () => {
    expect(() => probabilityBBeatsA(c(5, 3), c(1, 10))).toThrow(RangeError);
    expect(() => probabilityBBeatsA(c(1, 10), c(-1, 10))).toThrow(/0 <= successes <= trials/);
    expect(() => probabilityBBeatsA(c(1.5, 10), c(1, 10))).toThrow(RangeError);
    expect(() => probabilityBBeatsA(c(NaN, 10), c(1, 10))).toThrow(RangeError);
  });
});

describe('agreement with a 10⁷-draw Monte Carlo (scripts/ab-montecarlo.mjs)', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('./montecarlo.fixture.json', import.meta.url), 'utf8'),
  ) as {
    draws: number;
    points: { control: Counts; treatment: Counts; estimate: number; stderr: number }[];
  };

  it('covers counts from 10 to 10⁷ with 10⁷ draws each', () => {
    expect(fixture.draws).toBe(10_000_000);
    const trials = fixture.points.flatMap((p) => [p.control.trials, p.treatment.trials]);
    expect(Math.min(...trials.filter((n) => n > 0))).toBe(10);
    expect(Math.max(...trials)).toBe(10_000_000);
    const methods = new Set(
      fixture.points.map(
        (p) => betaProbability(posterior(p.control), posterior(p.treatment)).method,
      ),
    );
    expect([...methods].sort()).toEqual(['exact', 'normal']);
  });

  it('agrees to 1e-3 at every grid point, and within 5 standard errors', () => {
    for (const p of fixture.points) {
      const got = probabilityBBeatsA(p.control, p.treatment);
      const label = `${p.control.successes}/${p.control.trials} vs ${p.treatment.successes}/${p.treatment.trials}: ${got} vs MC ${p.estimate}`;
      expect(Math.abs(got - p.estimate), label).toBeLessThan(1e-3);
      expect(Math.abs(got - p.estimate), label).toBeLessThan(5 * p.stderr + 1e-6);
    }
  });
});

describe('the normal approximation near the switch-over', () => {
  const cases = [
    [c(100_000, 200_000), c(100_300, 200_000)],
    [c(100_000, 200_000), c(100_500, 200_000)],
    [c(100_000, 1_000_000), c(100_600, 1_000_000)],
    [c(100_000, 10_000_000), c(100_500, 10_000_000)],
    [c(100_000, 10_000_000), c(1_002_000, 100_000_000)],
    [c(100_000, 1_000_000), c(1_001_500, 10_000_000)],
    [c(900_000, 1_000_000), c(900_500, 1_000_000)],
  ] as const;

  it('agrees with the exact sum to 1e-5 where every shape parameter is ~1e5', () => {
    for (const [a, b] of cases) {
      const exact = betaProbability(posterior(a), posterior(b), Infinity);
      expect(exact.method).toBe('exact');
      const normal = normalProbability(posterior(a), posterior(b));
      expect(
        Math.abs(normal - exact.p),
        `${a.successes}/${a.trials} vs ${b.successes}/${b.trials}`,
      ).toBeLessThan(1e-5);
    }
  });

  it('is used only when every exact sum exceeds MAX_EXACT_TERMS', () => {
    const big = MAX_EXACT_TERMS + 1;
    const at = (x: Counts, y: Counts) => betaProbability(posterior(x), posterior(y)).method;
    expect(at(c(big, 2 * big), c(big, 2 * big))).toBe('normal');
    expect(at(c(big - 2, 2 * big), c(big, 2 * big))).toBe('exact'); // A's alpha is short enough
    expect(at(c(20, 10_000_000), c(25, 10_000_000))).toBe('exact');
    expect(at(c(500_123, 1_000_000), c(501_987, 1_000_000))).toBe('normal');
  });
});
