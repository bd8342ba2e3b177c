import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalPdf } from './normal.js';

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('erfc and Φ', () => {
  it('match mpmath references in the body and far into the tails', () => {
    const refs: [number, number][] = [
      [0, 1],
      [0.1, 0.887537083981715],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [2.5, 0.0004069520174449589],
      [3, 0.00002209049699858544],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
      [-1, 1.8427007929497148],
    ];
    for (const [x, want] of refs) expect(relErr(erfc(x), want), `erfc(${x})`).toBeLessThan(1e-12);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
  });

  it('Φ and φ', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 14);
    expect(relErr(normalCdf(-10), 7.619853024160525e-24)).toBeLessThan(1e-12);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 16);
  });
});
