import { afterAll, describe, expect, it } from 'vitest';
import {
  Bool,
  Dictionary,
  Float64,
  Int32,
  Table,
  TimestampMillisecond,
  Utf8,
  makeVector,
  vectorFromArray,
  type RecordBatch,
} from 'apache-arrow';
import type { Expectation } from '../../records/kinds/dataset.js';
import { readBatches, readTable } from '../table/index.js';
import { tempDir, testExecutions, writeParquet, writeText } from '../table/testing.js';
import { ExpectationChecker, checkExpectations, type ExpectationResult } from './check.js';

const { dir, cleanup } = tempDir('mlops-expect-');
afterAll(cleanup);

function floats(values: (number | null)[]) {
  return vectorFromArray(values, new Float64());
}
function strings(values: (string | null)[]) {
  return vectorFromArray(values, new Utf8());
}

async function one(table: Table, e: Expectation): Promise<ExpectationResult> {
  const [r] = await checkExpectations(table, [e]);
  return r!;
}

/** The fields every test compares, without the expectation echoed back. */
function counts(r: ExpectationResult): Omit<ExpectationResult, 'expectation'> {
  const rest: Partial<ExpectationResult> = { ...r };
  delete rest.expectation;
  return rest as Omit<ExpectationResult, 'expectation'>;
}

describe('not_null', () => {
  const t = new Table({ a: strings(['x', null, 'y', null, 'z']) });

  it('counts nulls as unexpected over all rows', async () => {
    expect(counts(await one(t, { type: 'not_null', column: 'a' }))).toEqual({
      success: false,
      element_count: 5,
      missing_count: null,
      unexpected_count: 2,
      unexpected_percent: 40,
      observed_value: null,
      partial_unexpected_list: [null, null],
    });
  });

  it('passes with mostly at or below the non-null share', async () => {
    expect((await one(t, { type: 'not_null', column: 'a', mostly: 0.6 })).success).toBe(true);
    expect((await one(t, { type: 'not_null', column: 'a', mostly: 0.61 })).success).toBe(false);
  });

  it('treats NaN as null, as pandas does', async () => {
    const r = await one(new Table({ f: floats([1, NaN, null]) }), {
      type: 'not_null',
      column: 'f',
    });
    expect([r.unexpected_count, r.success]).toEqual([2, false]);
  });
});

describe('between', () => {
  const t = new Table({ v: floats([0, 0.5, 1, null, 2, -1, null, NaN]) });

  it('excludes nulls from the denominator and lists the unexpected values', async () => {
    expect(counts(await one(t, { type: 'between', column: 'v', min: 0, max: 1 }))).toEqual({
      success: false,
      element_count: 8,
      missing_count: 3,
      unexpected_count: 2,
      unexpected_percent: 40,
      observed_value: null,
      partial_unexpected_list: [2, -1],
    });
  });

  it('applies mostly to the non-null values', async () => {
    const e = { type: 'between', column: 'v', min: 0, max: 1 } as const;
    expect((await one(t, { ...e, mostly: 0.6 })).success).toBe(true);
    expect((await one(t, { ...e, mostly: 0.61 })).success).toBe(false);
  });

  it('makes bounds exclusive with strict_min and strict_max', async () => {
    const r = await one(t, {
      type: 'between',
      column: 'v',
      min: 0,
      max: 1,
      strict_min: true,
      strict_max: true,
    });
    expect([r.unexpected_count, r.partial_unexpected_list]).toEqual([4, [0, 1, 2, -1]]);
    const lower = await one(t, { type: 'between', column: 'v', min: 0, strict_min: true });
    expect(lower.partial_unexpected_list).toEqual([0, -1]);
    const upper = await one(t, { type: 'between', column: 'v', max: 1 });
    expect(upper.partial_unexpected_list).toEqual([2]);
  });

  it('reads int64 columns', async () => {
    const big = new Table({ n: makeVector(new BigInt64Array([1n, 5n, 10n, 2n ** 60n])) });
    const r = await one(big, { type: 'between', column: 'n', min: 1, max: 5 });
    expect(r.partial_unexpected_list).toEqual([10, '1152921504606846976']);
  });

  it('refuses a non-numeric column and absent bounds with a message', async () => {
    const s = new Table({ s: strings(['a']) });
    expect(await one(s, { type: 'between', column: 's', min: 0 })).toMatchObject({
      success: false,
      unexpected_count: null,
      message: 'between needs a numeric column; "s" is string',
    });
    expect((await one(t, { type: 'between', column: 'v' })).message).toBe(
      'between needs min, max or both',
    );
    expect((await one(t, { type: 'between', column: 'v', min: 2, max: 1 })).message).toBe(
      'between: min (2) is greater than max (1)',
    );
  });

  it('is vacuously true when every value is null', async () => {
    const r = await one(new Table({ v: floats([null, null]) }), {
      type: 'between',
      column: 'v',
      min: 0,
      max: 1,
    });
    expect(counts(r)).toMatchObject({
      success: true,
      missing_count: 2,
      unexpected_count: 0,
      unexpected_percent: null,
    });
  });
});

describe('in_set', () => {
  it('compares values as JSON values', async () => {
    const t = new Table({
      s: strings(['passed', 'failed', null, 'skipped', 'passéd', 'passed', '1']),
      n: floats([1, 2, null, 3, 1.0, 4, 1]),
      b: vectorFromArray([true, false, null, true, true, true, true], new Bool()),
    });
    const s = await one(t, { type: 'in_set', column: 's', values: ['passed', 'failed', 1] });
    expect(counts(s)).toMatchObject({
      success: false,
      missing_count: 1,
      unexpected_count: 3,
      unexpected_percent: 50,
      partial_unexpected_list: ['skipped', 'passéd', '1'],
    });
    const n = await one(t, { type: 'in_set', column: 'n', values: [1, 2, '3'], mostly: 0.6 });
    expect([n.unexpected_count, n.partial_unexpected_list, n.success]).toEqual([2, [3, 4], true]);
    const b = await one(t, { type: 'in_set', column: 'b', values: [true] });
    expect(b.partial_unexpected_list).toEqual([false]);
  });

  it('matches non-ASCII strings and dictionary-encoded columns', async () => {
    const dict = new Dictionary(new Utf8(), new Int32());
    const t = new Table({
      u: strings(['ü', 'é', 'ü€', 'x']),
      d: vectorFromArray(['ü', 'é', null, 'x'], dict),
    });
    const u = await one(t, { type: 'in_set', column: 'u', values: ['ü', 'ü€'] });
    expect(u.partial_unexpected_list).toEqual(['é', 'x']);
    const d = await one(t, { type: 'in_set', column: 'd', values: ['ü'] });
    expect([d.missing_count, d.partial_unexpected_list]).toEqual([1, ['é', 'x']]);
  });

  it('compares timestamps as ISO-8601 strings', async () => {
    const t = new Table({
      at: vectorFromArray([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)], new TimestampMillisecond()),
    });
    const r = await one(t, { type: 'in_set', column: 'at', values: ['2024-01-01T00:00:00.000Z'] });
    expect(r.partial_unexpected_list).toEqual(['2024-01-02T00:00:00.000Z']);
  });
});

describe('unique', () => {
  it('counts every occurrence of a duplicated value, in row order', async () => {
    const t = new Table({ k: strings(['a', 'b', 'a', null, 'c', 'b', null, 'a']) });
    expect(counts(await one(t, { type: 'unique', column: 'k' }))).toEqual({
      success: false,
      element_count: 8,
      missing_count: 2,
      unexpected_count: 5,
      unexpected_percent: (5 / 6) * 100,
      observed_value: null,
      partial_unexpected_list: ['a', 'b', 'a', 'b', 'a'],
    });
  });

  it('passes when values are distinct, nulls aside, and honours mostly', async () => {
    const t = new Table({ k: floats([1, 2, null, null, 3, 3]) });
    expect((await one(t, { type: 'unique', column: 'k' })).unexpected_count).toBe(2);
    expect((await one(t, { type: 'unique', column: 'k', mostly: 0.5 })).success).toBe(true);
    const ok = new Table({ k: floats([1, 2, null, null]) });
    expect((await one(ok, { type: 'unique', column: 'k' })).success).toBe(true);
  });

  it('keeps int64 values beyond 2^53 apart', async () => {
    const t = new Table({ n: makeVector(new BigInt64Array([2n ** 60n, 2n ** 60n + 1n])) });
    expect((await one(t, { type: 'unique', column: 'n' })).success).toBe(true);
  });

  it('lists the first 20 unexpected rows across batches', async () => {
    // 0..49 then 0..49 again: every value twice; the first 20 unexpected rows are 0..19
    const values = [...Array(50).keys(), ...Array(50).keys()].map(String);
    const table = new Table({ k: strings(values) });
    const batches = [table.slice(0, 30), table.slice(30, 70), table.slice(70)].flatMap(
      (t) => t.batches,
    );
    const [r] = await checkExpectations(batches, [{ type: 'unique', column: 'k' }]);
    expect(r!.unexpected_count).toBe(100);
    expect(r!.partial_unexpected_list).toEqual([...Array(20).keys()].map(String));
  });
});

describe('match_regex', () => {
  const t = new Table({ id: strings(['test-1', 'TEST-2', null, 'x test-3', '']) });

  it('finds the pattern anywhere in the value, as str.contains', async () => {
    // an empty string in an Arrow column is a value, not a null (only CSV reads it as null)
    const r = await one(t, { type: 'match_regex', column: 'id', regex: 'test-\\d' });
    expect(counts(r)).toMatchObject({
      missing_count: 1,
      unexpected_count: 2,
      unexpected_percent: 50,
      partial_unexpected_list: ['TEST-2', ''],
    });
    const anchored = await one(t, { type: 'match_regex', column: 'id', regex: '^test-\\d+$' });
    expect(anchored.partial_unexpected_list).toEqual(['TEST-2', 'x test-3', '']);
  });

  it('tests numbers as their text', async () => {
    const n = new Table({ n: floats([10, 2.5, 300]) });
    const r = await one(n, { type: 'match_regex', column: 'n', regex: '^\\d{2,}$' });
    expect(r.partial_unexpected_list).toEqual([2.5]);
  });

  it('fails an invalid regex with a message, and still runs the others', async () => {
    const results = await checkExpectations(t, [
      { type: 'match_regex', column: 'id', regex: '(unclosed' },
      { type: 'not_null', column: 'id' },
    ]);
    expect(results[0]).toMatchObject({
      success: false,
      unexpected_count: null,
      message: 'invalid regex "(unclosed": missing closing ): `(unclosed`',
    });
    expect(results[1]!.unexpected_count).toBe(1);
  });

  it('runs in linear time: (a+)+$ over a long value of a-s answers at once', async () => {
    const evil = new Table({ s: strings(['a'.repeat(100_000) + '!', 'aaa']) });
    // a backtracking engine needs ~2^100000 steps for the first value (the test would never
    // end); RE2 needs one pass
    const r = await one(evil, { type: 'match_regex', column: 's', regex: '(a+)+$' });
    expect(r.unexpected_count).toBe(1);
  });

  it('refuses what RE2 cannot run in linear time, saying why', async () => {
    const results = await checkExpectations(t, [
      { type: 'match_regex', column: 'id', regex: '(t)\\1' },
      { type: 'match_regex', column: 'id', regex: 'test(?=-)' },
    ]);
    expect(results.map((r) => r.message)).toEqual([
      expect.stringContaining('backreferences'),
      expect.stringContaining('lookahead'),
    ]);
  });

  it('finds the same values as a JavaScript RegExp for ordinary patterns', async () => {
    const values = [
      'test-1',
      'TEST-2',
      'x test-3',
      '',
      'a@b.co',
      'no at sign',
      'AB-123',
      'ab-12',
      'foo bar',
      'foobar',
      '2024-01-31',
      '31/01/2024',
      'é',
      'naïve',
      '(x)',
      'a.b',
      'a\nb',
      ' lead',
      'trail ',
      '123',
      '12.5',
      '-4',
      'x_y',
      'hello world',
      'HELLO',
      'tab\there',
      '😀 smile',
      '[b]',
      'a+b',
    ];
    const patterns = [
      'test-\\d',
      '^test-\\d+$',
      '^[A-Z]{2}-\\d+$',
      '^\\S+@\\S+\\.\\w+$',
      '\\bfoo\\b',
      '^\\d{4}-\\d{2}-\\d{2}$',
      '^(\\d{2})/(\\d{2})/\\d{4}$',
      '[aeiou]{2}',
      '^[^@]*$',
      'a|b',
      '^-?\\d+(\\.\\d+)?$',
      '^\\w+$',
      'o{2,}',
      '^.$',
      '\\(x\\)',
      'a\\.b',
      '^(?:foo|bar)+$',
      '(?<word>\\w+) world',
      '\\u00e9',
      '^[a-z_]+$',
      '\\[b\\]',
      'a\\+b',
      '^\\s|\\s$',
      '^$',
      '^[A-Z]+$',
      '\\d',
      '.*',
      '^\\D+$',
      '\\W',
    ];
    const table = new Table({ v: strings(values) });
    const results = await checkExpectations(
      table,
      patterns.map((regex) => ({ type: 'match_regex' as const, column: 'v', regex })),
    );
    results.forEach((r, i) => {
      const js = new RegExp(patterns[i]!);
      const expected = values.filter((v) => !js.test(v));
      expect({ pattern: patterns[i], unexpected: r.partial_unexpected_list }).toEqual({
        pattern: patterns[i],
        unexpected: expected.slice(0, 20),
      });
      expect(r.unexpected_count).toBe(expected.length);
    });
  });
});

describe('row_count_between', () => {
  const t = new Table({ a: floats([1, 2, 3]) });

  it('compares the row count with inclusive bounds', async () => {
    expect(counts(await one(t, { type: 'row_count_between', min: 3, max: 3 }))).toEqual({
      success: true,
      element_count: 3,
      missing_count: null,
      unexpected_count: null,
      unexpected_percent: null,
      observed_value: 3,
      partial_unexpected_list: [],
    });
    expect((await one(t, { type: 'row_count_between', min: 4 })).success).toBe(false);
    expect((await one(t, { type: 'row_count_between', max: 2 })).success).toBe(false);
    expect((await one(t, { type: 'row_count_between' })).message).toBe(
      'row_count_between needs min, max or both',
    );
  });
});

describe('mean_between', () => {
  it('averages the non-null values', async () => {
    const t = new Table({ v: floats([1, null, 2, NaN, 6]) });
    expect(counts(await one(t, { type: 'mean_between', column: 'v', min: 3, max: 3 }))).toEqual({
      success: true,
      element_count: 5,
      missing_count: 2,
      unexpected_count: null,
      unexpected_percent: null,
      observed_value: 3,
      partial_unexpected_list: [],
    });
    expect((await one(t, { type: 'mean_between', column: 'v', max: 2.9 })).success).toBe(false);
  });

  it('fails with a null observed value when there is nothing to average', async () => {
    const r = await one(new Table({ v: floats([null]) }), {
      type: 'mean_between',
      column: 'v',
      min: 0,
    });
    expect([r.success, r.observed_value]).toEqual([false, null]);
  });

  it('sums a million values without drift', async () => {
    const values = new Float64Array(1_000_000).fill(0.1);
    const r = await one(new Table({ v: makeVector(values) }), {
      type: 'mean_between',
      column: 'v',
      min: 0.1,
      max: 0.1,
    });
    expect([r.observed_value, r.success]).toEqual([0.1, true]);
  });
});

describe('every expectation', () => {
  it('fails on an absent column with a message naming the columns', async () => {
    const t = new Table({ a: floats([1]), b: floats([2]) });
    const kinds: Expectation[] = [
      { type: 'not_null', column: 'zz' },
      { type: 'between', column: 'zz', min: 0 },
      { type: 'in_set', column: 'zz', values: [1] },
      { type: 'unique', column: 'zz' },
      { type: 'match_regex', column: 'zz', regex: 'x' },
      { type: 'mean_between', column: 'zz', min: 0 },
    ];
    for (const r of await checkExpectations(t, kinds)) {
      expect(counts(r)).toEqual({
        success: false,
        element_count: 1,
        missing_count: null,
        unexpected_count: null,
        unexpected_percent: null,
        observed_value: null,
        partial_unexpected_list: [],
        message: 'column "zz" not found; the table has: a, b',
      });
    }
  });

  it('handles an empty CSV file and one with a header only', async () => {
    const exps: Expectation[] = [
      { type: 'not_null', column: 'a' },
      { type: 'between', column: 'a', min: 0 },
      { type: 'row_count_between', min: 1 },
    ];
    const header = writeText(dir, 'header.csv', 'a\n');
    const h = await checkExpectations(readBatches(header), exps);
    expect(h.map((r) => [r.success, r.element_count, r.unexpected_percent])).toEqual([
      [true, 0, null],
      [false, 0, null], // a column of no values is a string column: between needs a number
      [false, 0, null],
    ]);
    expect(h[1]!.message).toBe('between needs a numeric column; "a" is string');
    const empty = writeText(dir, 'empty.csv', '');
    const e = await checkExpectations(await readTable(empty), exps);
    expect(e.map((r) => r.message)).toEqual([
      'column "a" not found; the table has: (none)',
      'column "a" not found; the table has: (none)',
      undefined,
    ]);
    expect(e[2]).toMatchObject({ success: false, observed_value: 0 });
    expect(await checkExpectations([], exps)).toHaveLength(3);
  });

  it('handles sliced batches (data with an offset)', async () => {
    const t = new Table({
      v: floats([9, null, 1, 2, null, 3, 9]),
      s: strings(['x', null, 'a', 'b', null, 'a', 'x']),
    }).slice(2, 6);
    const [v, s, u] = await checkExpectations(t, [
      { type: 'between', column: 'v', min: 0, max: 2 },
      { type: 'in_set', column: 's', values: ['a'] },
      { type: 'unique', column: 's' },
    ]);
    expect([v!.missing_count, v!.partial_unexpected_list]).toEqual([1, [3]]);
    expect([s!.missing_count, s!.partial_unexpected_list]).toEqual([1, ['b']]);
    expect(u!.partial_unexpected_list).toEqual(['a', 'a']);
  });
});

describe('streaming', () => {
  it('gives the same results from a Parquet file read whole and batch by batch', async () => {
    const table = testExecutions(50_000, 7);
    const file = await writeParquet(`${dir}/te.parquet`, table, { rowGroupRows: 12_000 });
    const exps: Expectation[] = [
      { type: 'not_null', column: 'test_id' },
      { type: 'between', column: 'pass_rate_7d', min: 0, max: 0.9 },
      { type: 'between', column: 'flakiness_score', min: 0, max: 1, mostly: 0.99 },
      { type: 'in_set', column: 'outcome', values: ['passed'] },
      { type: 'unique', column: 'test_id' },
      { type: 'row_count_between', min: 50_000, max: 50_000 },
      { type: 'mean_between', column: 'execution_time_ms', min: 2400, max: 2600 },
    ];
    const batches: RecordBatch[] = [];
    for await (const b of readBatches(file)) batches.push(b);
    expect(batches.length).toBeGreaterThan(4);
    const streamed = await checkExpectations(readBatches(file), exps);
    const whole = await checkExpectations(await readTable(file), exps);
    const memory = await checkExpectations(table, exps);
    expect(streamed).toEqual(whole);
    expect(whole).toEqual(memory);
    expect(streamed.map((r) => r.success)).toEqual([true, false, true, false, true, true, true]);
    expect(streamed[2]!.missing_count).toBe(100);
    expect(streamed[4]!.unexpected_count).toBe(0);
  });

  it('ExpectationChecker takes batches one at a time', () => {
    const checker = new ExpectationChecker([{ type: 'row_count_between', min: 5 }]);
    for (const b of testExecutions(3).batches) checker.add(b);
    for (const b of testExecutions(3).batches) checker.add(b);
    expect(checker.results()[0]).toMatchObject({ success: true, observed_value: 6 });
  });

  it('works over test-executions-like data with the pointer’s expectations', async () => {
    const t = testExecutions(10_000);
    const results = await checkExpectations(t, [
      { type: 'not_null', column: 'test_id' },
      { type: 'between', column: 'pass_rate_7d', min: 0, max: 1 },
      { type: 'between', column: 'flakiness_score', min: 0, max: 1, mostly: 0.99 },
      { type: 'in_set', column: 'outcome', values: ['passed', 'failed'] },
    ]);
    expect(results.every((r) => r.success)).toBe(true);
  });
});
