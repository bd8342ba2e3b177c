/**
 * The join against pandas: the committed fixtures (written by scripts/pit-fixtures.py with
 * pandas' merge_asof) read from CSV the way the feature store reads sources, joined, and
 * compared row for row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../data/table/read.js';
import { tempDir } from '../../data/table/testing.js';
import type { Dtype } from './frames.js';
import {
  entityFrameFromTable,
  pointInTimeJoin,
  resultToTable,
  viewFrameFromTable,
  writeResult,
} from './index.js';
import type { Table } from 'apache-arrow';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface ViewFixture {
  name: string;
  join_keys: string[];
  created: string | null;
  ttl_ms: number;
  schema: { name: string; dtype: Dtype }[];
}

const views = JSON.parse(readFileSync(join(FIXTURES, 'views.json'), 'utf8')) as ViewFixture[];
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  columns: string[];
  rows: unknown[][];
};

/** A cell as the JSON holds it: numbers for int64 and timestamps, null for nulls. */
function plain(table: Table, column: string, row: number): unknown {
  const v: unknown = table.getChild(column)!.get(row);
  if (v === undefined) return null;
  return typeof v === 'bigint' ? Number(v) : v;
}

async function joined(): Promise<Table> {
  const entities = entityFrameFromTable(await readTable(join(FIXTURES, 'entities.csv')));
  const specs = await Promise.all(
    views.map(async (v) => ({
      view: viewFrameFromTable(await readTable(join(FIXTURES, `${v.name}.csv`)), {
        name: v.name,
        joinKeys: v.join_keys,
        timestampField: 'event_timestamp',
        ...(v.created ? { createdTimestampField: v.created } : {}),
        schema: v.schema,
      }),
      ttlMs: v.ttl_ms,
    })),
  );
  return resultToTable(pointInTimeJoin(entities, specs, { fullFeatureNames: true }));
}

describe('pointInTimeJoin against pandas merge_asof (fixtures)', () => {
  it('has the columns, in order', async () => {
    const table = await joined();
    expect(table.schema.fields.map((f) => f.name)).toEqual(expected.columns);
    expect(table.numRows).toBe(expected.rows.length);
  });

  it('matches every row', async () => {
    const table = await joined();
    expected.rows.forEach((row, i) => {
      const got = expected.columns.map((c) => plain(table, c, i));
      expect({ row: i, values: got }).toEqual({ row: i, values: row });
    });
  });

  it('writes the result as Parquet and Arrow IPC that read back the same', async () => {
    const table = await joined();
    const { dir, cleanup } = tempDir('mlops-pit-');
    try {
      for (const name of ['out.parquet', 'out.arrow']) {
        await writeResult(join(dir, name), table);
        const back = await readTable(join(dir, name));
        expect(back.numRows).toBe(table.numRows);
        for (const c of expected.columns) {
          for (let i = 0; i < table.numRows; i++)
            expect(plain(back, c, i)).toEqual(plain(table, c, i));
        }
      }
    } finally {
      cleanup();
    }
  });
});
