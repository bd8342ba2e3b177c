import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { exampleDatasets } from '../src/demo/datasets.js';
import { readTable } from '../src/data/table/index.js';
import type { Run } from '../src/records/index.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

// `mlops features` on the example registry: the view test_execution_features over the
// test-executions dataset (ttl 30d), the entity `test` keyed by test_id.
let reg: TestRegistry;
const VIEW = 'test_execution_features';
const ALL = `${VIEW}:execution_time_ms,${VIEW}:pass_rate_7d,${VIEW}:flakiness_score`;

beforeAll(async () => {
  reg = await exampleRegistry();
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
  // entity rows: t0117 before its first execution, between its first two, at its second
  // exactly, and 31 days after its last (past the 30d ttl); an unknown test
  writeFileSync(
    join(reg.dir, 'entities.csv'),
    [
      'test_id,event_timestamp,label',
      't0117,2026-01-01T00:00:00.000Z,a',
      't0117,2026-01-02T00:00:00.000Z,b',
      't0117,2026-01-03T04:05:23.736Z,c',
      't0117,2026-06-01T00:00:00.000Z,d',
      'nope,2026-01-02T00:00:00.000Z,e',
    ].join('\n') + '\n',
  );
});
afterAll(() => reg.cleanup());

async function mlops(at: Date, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    cwd: reg.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    now: () => at,
    isTTY: false,
  });
  return { code, out, err };
}
const now = new Date('2026-03-02T12:00:00.000Z');

describe('mlops features historical', () => {
  it('joins each entity row to the latest feature row at or before it, within the ttl', async () => {
    const r = await mlops(
      now,
      'features',
      'historical',
      '--entities',
      'entities.csv',
      '--features',
      ALL,
      '--out',
      'out.csv',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^5 rows × 6 columns → out\.csv in \d+ ms \(test_id, event_timestamp, label, execution_time_ms, pass_rate_7d, flakiness_score\)\n$/,
    );
    expect(readFileSync(join(reg.dir, 'out.csv'), 'utf8')).toBe(
      [
        'test_id,event_timestamp,label,execution_time_ms,pass_rate_7d,flakiness_score',
        't0117,2026-01-01T00:00:00.000Z,a,,,',
        't0117,2026-01-02T00:00:00.000Z,b,2694,0.989,0.0078',
        't0117,2026-01-03T04:05:23.736Z,c,3610,0.992,0.0078',
        't0117,2026-06-01T00:00:00.000Z,d,,,',
        'nope,2026-01-02T00:00:00.000Z,e,,,',
      ].join('\n') + '\n',
    );
  });

  it('writes Parquet with full feature names, and a service selects its features', async () => {
    const r = await mlops(
      now,
      'features',
      'historical',
      '--entities',
      'entities.csv',
      '--service',
      'execution-agent-features',
      '--full-feature-names',
      '--out',
      'out.parquet',
    );
    expect(r.code, r.err).toBe(0);
    const t = await readTable(join(reg.dir, 'out.parquet'));
    expect(t.schema.fields.map((f) => f.name)).toEqual([
      'test_id',
      'event_timestamp',
      'label',
      `${VIEW}__execution_time_ms`,
      `${VIEW}__pass_rate_7d`,
      `${VIEW}__flakiness_score`,
    ]);
    expect(t.getChild(`${VIEW}__pass_rate_7d`)?.get(2)).toBe(0.992);
  });

  it('names what is wrong: an unknown feature, a clash without full names, a missing file', async () => {
    const bad = await mlops(
      now,
      'features',
      'historical',
      '--entities',
      'entities.csv',
      '--features',
      `${VIEW}:nope`,
      '--out',
      'x.csv',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      `mlops: view ${VIEW} has no feature "nope" (has: execution_time_ms, pass_rate_7d, flakiness_score)\n`,
    );
    const clash = await mlops(
      now,
      'features',
      'historical',
      '--entities',
      'datasets/test-executions.csv',
      '--features',
      VIEW,
      '--out',
      'x.csv',
    );
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(
      /^mlops: feature execution_time_ms of feature view test_execution_features clashes with a column of the entity rows; use full feature names/,
    );
    const neither = await mlops(
      now,
      'features',
      'historical',
      '--entities',
      'entities.csv',
      '--out',
      'x.csv',
    );
    expect(neither.err).toBe(
      'mlops: name the features with --features view:feature,... or --service NAME\n',
    );
  });
});

describe('mlops features materialize and get', () => {
  it('serves the latest values within the ttl, and never rolls a key back', async () => {
    const m = await mlops(
      now,
      'features',
      'materialize',
      '2026-01-01',
      '2026-03-02T12:00:00Z',
      '--json',
    );
    expect(m.code, m.err).toBe(0);
    const [result] = JSON.parse(m.out) as {
      view: string;
      keys: number;
      written: number;
      skipped: number;
    }[];
    expect(result).toMatchObject({ view: VIEW, keys: 250, written: 250, skipped: 0 });
    const g = await mlops(
      now,
      'features',
      'get',
      '--features',
      ALL,
      '--entity',
      'test_id=t0182',
      '--entity',
      'test_id=nope',
    );
    expect(g.code).toBe(1); // one entity not found
    expect(g.out).toBe(
      [
        'TEST_ID  EXECUTION_TIME_MS  PASS_RATE_7D  FLAKINESS_SCORE',
        't0182    1541               0.8586        0.099',
        'nope     -                  -             -',
        '',
      ].join('\n'),
    );
    // 31 days after t0182's last row the values have expired: null, not stale
    const late = await mlops(
      now,
      'features',
      'get',
      '--features',
      ALL,
      '--entity',
      'test_id=t0182',
      '--at',
      '2026-04-02T00:00:00Z',
      '--json',
    );
    const later = JSON.parse(late.out) as { rows: Record<string, unknown>[]; statuses: string[][] };
    expect(later.rows[0]).toEqual({
      test_id: 't0182',
      execution_time_ms: null,
      pass_rate_7d: null,
      flakiness_score: null,
    });
    expect(later.statuses[0]).toEqual(['OUTSIDE_MAX_AGE', 'OUTSIDE_MAX_AGE', 'OUTSIDE_MAX_AGE']);
    // an older interval materialized again changes nothing: every stored row is newer
    const again = await mlops(now, 'features', 'materialize', '2026-01-01', '2026-01-15', '--json');
    expect(JSON.parse(again.out)).toMatchObject([{ written: 0 }]);
    expect(
      (await mlops(now, 'features', 'get', '--features', ALL, '--entity', 'test_id=t0182')).out,
    ).toContain('1541');
    // incremental: from the watermark, nothing new in the data
    const inc = await mlops(now, 'features', 'materialize-incremental', '2026-03-03', '--json');
    expect(JSON.parse(inc.out)).toMatchObject([
      { start: Date.parse('2026-03-02T12:00:00Z'), keys: 0, written: 0 },
    ]);
  });

  it('refuses bad arguments with what to do', async () => {
    const when = await mlops(now, 'features', 'materialize', 'yesterday', 'now');
    expect(when.err).toBe('mlops: START must be an ISO 8601 time or date, or now; got yesterday\n');
    const store = await mlops(
      now,
      'features',
      'get',
      '--features',
      ALL,
      '--entity',
      'test_id=x',
      '--online-store',
      'memcached://x',
    );
    expect(store.err).toBe(
      'mlops: --online-store must be embedded or a redis:// URL; got memcached://x\n',
    );
    const entity = await mlops(now, 'features', 'get', '--features', ALL, '--entity', 'test_id');
    expect(entity.err).toBe('mlops: --entity takes key=value pairs; got "test_id"\n');
  });
});

describe('mlops train through the feature view', () => {
  it('joins the view onto the labelled rows and trains on that table, recording the features', async () => {
    const t = await mlops(new Date(), 'train', 'execution-agent', '--json');
    expect(t.code, t.err).toBe(0);
    const [run] = JSON.parse(t.out) as Run[];
    expect(run!.inputs.features).toEqual([VIEW]);
    const table = readFileSync(join(reg.dir, '.mlops/runs', run!.id, 'features.csv'), 'utf8').split(
      '\n',
    );
    expect(table[0]).toBe(
      'test_id,suite,event_timestamp,outcome,execution_time_ms,pass_rate_7d,flakiness_score',
    );
    expect(table).toHaveLength(5002); // header, 5000 rows, final newline
    expect(run!.metrics.accuracy).toBe(0.964);
  });
});
