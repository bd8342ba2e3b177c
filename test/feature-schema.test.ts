import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

// A FeatureView is checked against the column schema its source Dataset pointer records.
let reg: TestRegistry;
beforeAll(async () => {
  reg = await exampleRegistry();
});
afterAll(() => reg.cleanup());

const VIEW = 'registry/features/test_execution_features.yaml';
const ENTITY = 'registry/features/test.yaml';
const DATA = 'data/test-executions.yaml';
const file = (p: string) => reg.files.get(p)!;
const HAS =
  '(test-executions has: test_id string, suite string, event_timestamp timestamp, execution_time_ms int64, pass_rate_7d float64, flakiness_score float64, outcome string)';

async function validateTree(edits: Record<string, string | null>) {
  const branch = `tree-${Math.random().toString(36).slice(2, 8)}`;
  await reg.commit(edits, { branch });
  return reg.mlops('validate', '--ref', branch);
}

describe('feature views against their source dataset', () => {
  it('passes the example view, whose features, keys and timestamp the dataset has', async () => {
    expect((await reg.mlops('validate')).code).toBe(0);
  });

  it('names a feature whose type the column cannot give, and one that is not a column', async () => {
    let text = edit(
      file(VIEW),
      '  - name: flakiness_score\n    dtype: float64',
      '  - name: flakiness_score\n    dtype: int32',
    );
    text = edit(text, '  - name: pass_rate_7d\n', '  - name: pass_rate_30d\n');
    const r = await validateTree({ [VIEW]: text });
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n').slice(0, -1);
    expect(lines).toEqual([
      `${VIEW}:${lineOf(text, 'pass_rate_30d') + 1}:12: feature-schema: feature "pass_rate_30d" is not a column of dataset test-executions ${HAS}`,
      `${VIEW}:${lineOf(text, 'dtype: int32')}:12: feature-schema: feature "flakiness_score" is int32, but dataset test-executions has it as float64`,
    ]);
  });

  it('widens numbers as a reader would: an int64 column serves a float64 feature, not the reverse', async () => {
    const asFloat = edit(
      file(VIEW),
      '  - name: execution_time_ms\n    dtype: int64',
      '  - name: execution_time_ms\n    dtype: float64',
    );
    expect((await validateTree({ [VIEW]: asFloat })).code).toBe(0);
    const data = edit(
      file(DATA),
      '  - name: execution_time_ms\n    type: int64',
      '  - name: execution_time_ms\n    type: float64',
    );
    const r = await validateTree({ [DATA]: data });
    expect(r.err).toContain(
      'feature-schema: feature "execution_time_ms" is int64, but dataset test-executions has it as float64',
    );
  });

  it('checks the timestamp fields and the entity join keys', async () => {
    const view = edit(
      file(VIEW),
      'timestamp_field: event_timestamp',
      'timestamp_field: suite\n  created_timestamp_field: created',
    );
    const entity = edit(file(ENTITY), 'join_keys: [test_id]', 'join_keys: [test_id, repo]');
    const r = await validateTree({ [VIEW]: view, [ENTITY]: entity });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${VIEW}:${lineOf(view, 'timestamp_field: suite')}:20: feature-schema: timestamp field "suite" is a timestamp, but dataset test-executions has it as string`,
    );
    expect(r.err).toContain(
      'feature-schema: created timestamp field "created" is not a column of dataset test-executions',
    );
    expect(r.err).toContain(
      'feature-schema: join key of entity test "repo" is not a column of dataset test-executions',
    );
  });

  it('refuses a source whose pointer records no columns', async () => {
    const text = file(DATA).replace(/^columns:\n(?: {2}.*\n)+/m, '');
    const r = await validateTree({ [DATA]: text });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'feature-schema: dataset test-executions records no column schema to check the view against (re-add it with mlops data add datasets/test-executions.csv)',
    );
  });

  it('re-checks the views when only the dataset changed in a pull request', async () => {
    const text = file(DATA).replace('  - name: flakiness_score\n    type: float64\n', '');
    await reg.commit({ [DATA]: text }, { branch: 'drop-column' });
    const r = await reg.mlops('validate', '--base', 'main', '--ref', 'drop-column');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${VIEW}:`);
    expect(r.err).toContain('feature "flakiness_score" is not a column of dataset test-executions');
  });
});
