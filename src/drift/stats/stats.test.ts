import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binCounts, quantileEdges, sturgesEdges } from './binning.js';
import { columnDrift } from './column.js';
import { jensenShannon, psi, wassersteinNormed } from './distances.js';
import { kstwoSf } from './kolmogorov.js';
import { ks2 } from './ks.js';
import { chi2Sf } from './special.js';
import { chiSquare, zTestProportions } from './tests.js';

// expected values from SciPy/NumPy: scripts/drift-fixtures.py
interface Pair {
  ref: number[];
  cur: number[];
}
interface KsCase extends Pair {
  name: string;
  statistic: number;
  pvalue: number;
}
interface KsFormula extends Omit<KsCase, 'ref' | 'cur'> {
  n1: number;
  n2: number;
  shift: number;
  square: boolean;
}
interface Fixtures {
  ks: KsCase[];
  ksFormula: KsFormula[];
  kstwo: { n: number; d: number; sf: number }[];
  sturges: (Pair & { edges: number[]; refCounts: number[]; curCounts: number[] })[];
  quantiles: { values: number[]; k: number; quantiles: number[] };
  psiSamples: (Pair & { psi: number })[];
  psiCounts: (Pair & { psi: number })[];
  chisquare: (Pair & { statistic: number; pvalue: number; df: number })[];
  chi2sf: { x: number; df: number; sf: number }[];
  z: {
    refHits: number;
    refTotal: number;
    curHits: number;
    curTotal: number;
    statistic: number;
    pvalue: number;
  }[];
  wasserstein: (Pair & { value: number })[];
  jensenshannon: (Pair & { value: number })[];
  columns: {
    name: string;
    ref: (number | string)[];
    cur: (number | string)[];
    numerical: boolean;
    test: string;
    value: number;
    psi: number;
  }[];
}
const fx = JSON.parse(
  readFileSync(new URL('./fixtures/drift.json', import.meta.url), 'utf8'),
) as Fixtures;
const f64 = (xs: number[]) => Float64Array.from(xs);

/** Relative agreement; below 1e-300 (subnormal, no relative precision left) both must be tiny. */
function close(actual: number, expected: number, rel = 1e-6): void {
  if (Math.abs(expected) < 1e-300) expect(Math.abs(actual)).toBeLessThan(1e-300);
  else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(rel);
}

describe('ks2 against scipy.stats.ks_2samp', () => {
  it.each(fx.ks.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = ks2(f64(c.ref), f64(c.cur));
    close(r.statistic, c.statistic);
    close(r.pvalue, c.pvalue);
    expect(r.method).toBe('exact');
  });
  it.each(fx.ksFormula.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const a = Float64Array.from({ length: c.n1 }, (_, i) => i / c.n1);
    const b = Float64Array.from({ length: c.n2 }, (_, j) =>
      c.square ? (j / c.n2) * (j / c.n2) + c.shift : j / c.n2 + c.shift,
    );
    const r = ks2(a, b);
    close(r.statistic, c.statistic);
    close(r.pvalue, c.pvalue);
    expect(r.method).toBe(Math.max(c.n1, c.n2) <= 10000 ? 'exact' : 'asymp');
  });
});

describe('kstwoSf against scipy.stats.kstwo.sf', () => {
  it('agrees on every branch', () => {
    for (const c of fx.kstwo) {
      const got = kstwoSf(c.n, c.d);
      if (c.sf < 1e-280) expect(got).toBeLessThan(1e-280);
      else close(got, c.sf);
    }
  });
});

describe('binning against NumPy', () => {
  it('Sturges edges and histogram counts', () => {
    for (const c of fx.sturges) {
      const edges = sturgesEdges(f64(c.ref), f64(c.cur));
      expect(edges.length).toBe(c.edges.length);
      edges.forEach((e, i) => close(e, c.edges[i]!, 1e-12));
      expect(Array.from(binCounts(f64(c.ref), c.edges))).toEqual(c.refCounts);
      expect(Array.from(binCounts(f64(c.cur), c.edges))).toEqual(c.curCounts);
    }
  });
  it('reference quantiles', () => {
    const sorted = f64(fx.quantiles.values).sort();
    const edges = quantileEdges(sorted, fx.quantiles.k);
    edges.forEach((e, i) => close(e, fx.quantiles.quantiles[i]!, 1e-12));
  });
});

describe('distances and tests against NumPy/SciPy', () => {
  it('PSI from counts, Evidently zero floor', () => {
    for (const c of fx.psiCounts) close(psi(c.ref, c.cur), c.psi);
  });
  it('chi-square', () => {
    for (const c of fx.chisquare) {
      const r = chiSquare(c.ref, c.cur);
      close(r.statistic, c.statistic);
      close(r.pvalue, c.pvalue);
      expect(r.df).toBe(c.df);
    }
    for (const c of fx.chi2sf) close(chi2Sf(c.x, c.df), c.sf);
  });
  it('two-proportion Z', () => {
    for (const c of fx.z) {
      const r = zTestProportions(c.refHits, c.refTotal, c.curHits, c.curTotal);
      close(r.statistic, c.statistic);
      close(r.pvalue, c.pvalue);
    }
  });
  it('Wasserstein normed', () => {
    for (const c of fx.wasserstein) close(wassersteinNormed(f64(c.ref), f64(c.cur)), c.value);
  });
  it('Jensen–Shannon', () => {
    for (const c of fx.jensenshannon) close(jensenShannon(c.ref, c.cur), c.value);
  });
});

describe('columnDrift against Evidently computed in NumPy', () => {
  it('PSI from samples', () => {
    for (const c of fx.psiSamples) close(columnDrift('x', f64(c.ref), f64(c.cur)).psi, c.psi);
  });
  it.each(fx.columns.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const ref = c.numerical ? f64(c.ref as number[]) : (c.ref as string[]);
    const cur = c.numerical ? f64(c.cur as number[]) : (c.cur as string[]);
    const r = columnDrift(c.name, ref, cur);
    expect(r.test).toBe(c.test);
    close(r.value, c.value);
    close(r.psi, c.psi);
  });
});
