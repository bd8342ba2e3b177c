/** The join's edge cases by hand, and a randomized check of the sort-merge against a scan. */
import { describe, expect, it } from 'vitest';
import { random } from '../../data/table/testing.js';
import { cell, type Column, type EntityFrame, type ViewFrame } from './frames.js';
import { latestPerKey, onlineRows, pointInTimeJoin } from './index.js';

const str = (name: string, values: (string | null)[]): Column => {
  const dict = [...new Set(values.filter((v): v is string => v !== null))];
  const codes = Int32Array.from(values, (v) => (v === null ? -1 : dict.indexOf(v)));
  return { name, dtype: 'string', codes, dict };
};
const f64 = (name: string, values: (number | null)[]): Column => ({
  name,
  dtype: 'float64',
  values: Float64Array.from(values, (v) => v ?? 0),
  valid: values.includes(null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null,
});
const i64 = (name: string, values: number[]): Column => ({
  name,
  dtype: 'int64',
  values: BigInt64Array.from(values, (v) => BigInt(v)),
  valid: null,
});

function entities(keys: Column[], ts: (number | null)[]): EntityFrame {
  const timestamps = Float64Array.from(ts, (t) => t ?? NaN);
  return {
    length: ts.length,
    columns: [...keys, f64('event_timestamp', ts)],
    timestampColumn: 'event_timestamp',
    timestamps,
  };
}

function view(
  name: string,
  keys: Column[],
  ts: number[],
  features: Column[],
  created?: number[],
): ViewFrame {
  const v: ViewFrame = {
    name,
    joinKeys: keys.map((k) => k.name),
    length: ts.length,
    keys,
    eventTs: Float64Array.from(ts),
    features,
  };
  if (created) v.createdTs = Float64Array.from(created);
  return v;
}

const values = (col: Column | undefined) =>
  Array.from({ length: col!.dtype === 'string' ? col!.codes.length : col!.values.length }, (_, i) =>
    cell(col!, i),
  );
const column = (cols: Column[], name: string) => values(cols.find((c) => c.name === name));

describe('pointInTimeJoin edge cases', () => {
  const stats = view(
    'stats',
    [str('user', ['a', 'a', 'a', 'b', 'c'])],
    [100, 200, 200, 0, 50],
    [f64('x', [1, 2, 3, 4, null])],
    [100, 300, 250, 0, 50],
  );

  it('matches at the entity time and at the ttl edge, not 1 ms beyond', () => {
    const e = entities([str('user', ['a', 'a', 'b', 'b', 'a'])], [200, 199, 1000, 1001, 99]);
    const out = pointInTimeJoin(e, [{ view: stats, ttlMs: 1000 }]);
    // a@200: tie at 200 broken by created (300 > 250); a@199: the 100 row; b: edge at 0
    expect(column(out.columns, 'x')).toEqual([2, 1, 4, null, null]);
  });

  it('keeps a null feature of the latest row, and nulls missing and null keys', () => {
    const e = entities([str('user', ['c', 'zz', null])], [60, 60, 60]);
    const out = pointInTimeJoin(e, [{ view: stats }]);
    expect(column(out.columns, 'x')).toEqual([null, null, null]);
    expect(column(out.columns, 'user')).toEqual(['c', 'zz', null]);
  });

  it('gives a null entity timestamp nulls', () => {
    const e = entities([str('user', ['a', 'a'])], [null, 500]);
    expect(column(pointInTimeJoin(e, [{ view: stats }]).columns, 'x')).toEqual([null, 2]);
  });

  it('breaks ties without a created column by the last row in the source', () => {
    const v = view('p', [str('user', ['a', 'a', 'a'])], [10, 10, 5], [f64('y', [1, 2, 3])]);
    const e = entities([str('user', ['a'])], [10]);
    expect(column(pointInTimeJoin(e, [{ view: v }]).columns, 'y')).toEqual([2]);
  });

  it('prefers the later event over a late-arriving older one', () => {
    const v = view('s', [str('user', ['a', 'a'])], [20, 10], [f64('y', [1, 2])], [20, 99]);
    const e = entities([str('user', ['a', 'a'])], [25, 15]);
    expect(column(pointInTimeJoin(e, [{ view: v }]).columns, 'y')).toEqual([1, 2]);
  });

  it('joins on a composite key, string and int64', () => {
    const v = view(
      'flaky',
      [str('repo', ['web', 'api', 'web']), i64('test_id', [1, 1, 2])],
      [0, 0, 0],
      [f64('rate', [0.1, 0.9, 0.2])],
    );
    const e = entities(
      [str('repo', ['api', 'web', 'web', 'api']), i64('test_id', [1, 1, 2, 2])],
      [5, 5, 5, 5],
    );
    expect(column(pointInTimeJoin(e, [{ view: v }]).columns, 'rate')).toEqual([
      0.9,
      0.1,
      0.2,
      null,
    ]);
  });

  it('names features view__feature with full names, and refuses a clash without them', () => {
    const a = view('a', [str('user', ['a'])], [0], [f64('x', [1])]);
    const b = view('b', [str('user', ['a'])], [0], [f64('x', [2])]);
    const e = entities([str('user', ['a'])], [0]);
    const out = pointInTimeJoin(e, [{ view: a }, { view: b }], { fullFeatureNames: true });
    expect(out.columns.map((c) => c.name)).toEqual(['user', 'event_timestamp', 'a__x', 'b__x']);
    expect(() => pointInTimeJoin(e, [{ view: a }, { view: b }])).toThrow(
      /x of feature view b .*feature view a/,
    );
  });

  it('brings only the features asked for, in their order', () => {
    const v = view('v', [str('user', ['a'])], [0], [f64('x', [1]), f64('y', [2])]);
    const e = entities([str('user', ['a'])], [0]);
    const out = pointInTimeJoin(e, [{ view: v, features: ['y'] }]);
    expect(out.columns.map((c) => c.name)).toEqual(['user', 'event_timestamp', 'y']);
    expect(() => pointInTimeJoin(e, [{ view: v, features: ['nope'] }])).toThrow(/no feature nope/);
  });

  it('refuses a join key the entity rows lack', () => {
    const v = view('v', [str('org', ['a'])], [0], [f64('x', [1])]);
    expect(() => pointInTimeJoin(entities([str('user', ['a'])], [0]), [{ view: v }])).toThrow(
      /no org/,
    );
  });
});

describe('latestPerKey', () => {
  it('picks the latest row per key within the ttl, ties by created', () => {
    const v = view(
      's',
      [str('user', ['a', 'a', 'a', 'b', 'c'])],
      [100, 200, 200, 0, 300],
      [f64('x', [1, 2, 3, 4, 5])],
      [100, 300, 250, 0, 300],
    );
    expect(Array.from(latestPerKey(v, 250, 250))).toEqual([1, 3]); // c is after asOf
    expect(Array.from(latestPerKey(v, 250, 100))).toEqual([1]); // b is older than the ttl
    expect(onlineRows(v, latestPerKey(v, 400, 0))).toEqual([
      { key: 'a', values: { x: 2 }, eventTs: 200, createdTs: 300 },
      { key: 'b', values: { x: 4 }, eventTs: 0, createdTs: 0 },
      { key: 'c', values: { x: 5 }, eventTs: 300, createdTs: 300 },
    ]);
  });
});

describe('pointInTimeJoin against a scan', () => {
  it('agrees on random unsorted data with long runs and many ties', () => {
    const next = random(11);
    const n = 5000;
    const pick = (k: number) => Math.floor(next() * k);
    const keys = Array.from({ length: n }, () => `k${pick(20)}`);
    const ts = Array.from({ length: n }, () => pick(200) * 10);
    const created = Array.from({ length: n }, () => pick(5));
    const v = view(
      'v',
      [str('k', keys)],
      ts,
      [
        f64(
          'row',
          Array.from({ length: n }, (_, i) => i),
        ),
      ],
      created,
    );
    const m = 3000;
    const ek = Array.from({ length: m }, () => `k${pick(22)}`);
    const et = Array.from({ length: m }, () => pick(2100));
    const ttl = 300;
    const out = pointInTimeJoin(entities([str('k', ek)], et), [{ view: v, ttlMs: ttl }]);
    const expected = ek.map((k, e) => {
      let best = -1;
      for (let r = 0; r < n; r++) {
        if (keys[r] !== k || ts[r]! > et[e]! || ts[r]! < et[e]! - ttl) continue;
        if (best < 0 || ts[r]! > ts[best]! || (ts[r] === ts[best] && created[r]! >= created[best]!))
          best = r;
      }
      return best < 0 ? null : best;
    });
    expect(column(out.columns, 'row')).toEqual(expected);
  });
});
