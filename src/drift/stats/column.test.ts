import { describe, expect, it } from 'vitest';
import { columnDrift, datasetDriftShare, psiLevel } from './column.js';

const f64 = (xs: number[]) => Float64Array.from(xs);
const noNaN = (r: object) => expect(JSON.stringify(r)).not.toMatch(/NaN|null/);

describe('columnDrift edge cases', () => {
  it('equal constants: no drift, psi 0, a note', () => {
    const r = columnDrift(
      'c',
      f64(new Array<number>(50).fill(3)),
      f64(new Array<number>(40).fill(3)),
    );
    expect(r).toMatchObject({ test: 'z', value: 1, drifted: false, psi: 0, level: 'ok' });
    expect(r.note).toMatch(/constant/);
    const big = columnDrift(
      'c',
      f64(new Array<number>(2000).fill(3)),
      f64(new Array<number>(1500).fill(3)),
    );
    expect(big).toMatchObject({
      test: 'jensenshannon',
      value: 0,
      drifted: false,
      psi: 0,
      level: 'ok',
    });
    noNaN(r);
  });
  it('different constants: drift, critical', () => {
    const r = columnDrift(
      'c',
      f64(new Array<number>(2000).fill(3)),
      f64(new Array<number>(1500).fill(4)),
    );
    expect(r).toMatchObject({ test: 'jensenshannon', drifted: true, level: 'critical' });
    expect(r.value).toBeCloseTo(Math.sqrt(Math.LN2), 12);
    const w = columnDrift(
      'c',
      f64(new Array<number>(2000).fill(3)),
      f64(new Array<number>(1500).fill(4)),
      {
        test: 'wasserstein',
      },
    );
    expect(w.value).toBeCloseTo(1000, 9); // |4 − 3| / Evidently's 0.001 floor on std
    noNaN(w);
  });
  it('all-null current: note, ok, test skipped', () => {
    const r = columnDrift('c', f64([1, 2, 3]), [null, null]);
    expect(r).toMatchObject({
      drifted: false,
      psi: 0,
      level: 'ok',
      current: { count: 0, missing: 2 },
    });
    expect(r.note).toMatch(/all missing/);
    noNaN(r);
  });
  it('empty window is an error', () => {
    expect(() => columnDrift('c', f64([1, 2]), f64([]))).toThrow(/no rows/);
  });
  it('NaN and ±Infinity are missing', () => {
    const r = columnDrift(
      'c',
      f64([1, 2, NaN, Infinity, 3, 4, 5, 6, 7]),
      f64([1, -Infinity, 2, 3, 4, 5, 6, 8]),
    );
    expect(r.reference).toMatchObject({ count: 7, missing: 2 });
    expect(r.current).toMatchObject({ count: 7, missing: 1 });
    noNaN(r);
  });
  it('a category only in current: histogram, note, drift', () => {
    const ref = Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c'][i % 3]!);
    const cur = [...ref.slice(0, 200), ...Array<string>(100).fill('new')];
    const r = columnDrift('cat', ref, cur);
    expect(r.histogram.labels).toEqual(['a', 'b', 'c', 'new']);
    expect(r.histogram.current[3]).toBe(100);
    expect(r).toMatchObject({ test: 'chisquare', value: 0, drifted: true });
    expect(r.note).toMatch(/only in current: new/);
  });
  it('a single row each', () => {
    const r = columnDrift('c', f64([1]), f64([2]));
    expect(r.test).toBe('z');
    noNaN(r);
    const k = columnDrift('c', f64([1]), f64([2]), { test: 'ks' });
    expect(k.value).toBe(1);
  });
  it('quantile bins for PSI keep Sturges for JS', () => {
    const ref = Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 10);
    const cur = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 10 + 1);
    const q = columnDrift('x', ref, cur, { bins: 'quantiles', test: 'jensenshannon' });
    const s = columnDrift('x', ref, cur, { test: 'jensenshannon' });
    expect(q.histogram.edges).toHaveLength(11);
    expect(q.value).toBe(s.value);
    expect(q.psi).not.toBe(s.psi);
  });
});

describe('levels and dataset share', () => {
  it('reads the policy as written: 0.1–0.2 monitor, 0.2–0.3 warning, > 0.3 critical', () => {
    expect([0.0999, 0.1, 0.1999, 0.2, 0.2999, 0.3, 0.3001, 5].map((v) => psiLevel(v))).toEqual([
      'ok',
      'monitor',
      'monitor',
      'warning',
      'warning',
      'warning',
      'critical',
      'critical',
    ]);
  });
  it('share ≥ threshold drifts', () => {
    expect(datasetDriftShare([{ drifted: true }, { drifted: false }], 0.5)).toEqual({
      share: 0.5,
      threshold: 0.5,
      drifted: true,
    });
    expect(datasetDriftShare([], 0.5).drifted).toBe(false);
  });
});
