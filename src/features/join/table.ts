/** Arrow tables (as `readTable` returns them) → entity and view frames. */
import type { Table, Vector } from 'apache-arrow';
import type { Column, Dtype, EntityFrame, ViewFrame } from './frames.js';
import { columnFromVector, convertColumn } from './from-arrow.js';
import { JoinError } from './errors.js';

function child(table: Table, name: string, what: string): Vector {
  const v = table.getChild(name);
  if (!v) {
    const have = table.schema.fields.map((f) => f.name).join(', ');
    throw new JoinError(`${what} has no column ${name} (it has ${have})`);
  }
  return v;
}

/** Epoch ms per row, NaN for null, from a timestamp (or date, or epoch-ms number) column. */
function times(col: Column, what: string): Float64Array {
  if (col.dtype !== 'unix_timestamp' && col.dtype !== 'float64' && col.dtype !== 'int64') {
    throw new JoinError(`${what}: column ${col.name} is ${col.dtype}, not a timestamp`);
  }
  const ms = (
    convertColumn(col, col.dtype === 'int64' ? 'float64' : col.dtype) as { values: Float64Array }
  ).values;
  const out = ms === (col as { values: unknown }).values ? ms.slice() : ms;
  const valid = (col as { valid: Uint8Array | null }).valid;
  if (valid) for (let i = 0; i < out.length; i++) if (valid[i] === 0) out[i] = NaN;
  return out;
}

/**
 * The entity rows of a historical retrieval: every column kept (join keys are found by name
 * at join time), `timestampColumn` read as epoch ms.
 *
 * @example
 * const entities = entityFrameFromTable(await readTable('entities.csv'));
 */
export function entityFrameFromTable(
  table: Table,
  timestampColumn = 'event_timestamp',
): EntityFrame {
  child(table, timestampColumn, 'the entity rows');
  const columns = table.schema.fields.map((f) => columnFromVector(f.name, table.getChild(f.name)!));
  const ts = columns.find((c) => c.name === timestampColumn)!;
  return {
    length: table.numRows,
    columns,
    timestampColumn,
    timestamps: times(ts, 'the entity rows'),
  };
}

/** How a view's source table is read: a FeatureView record's `source` and `schema`. */
export interface ViewSource {
  name: string;
  joinKeys: string[];
  timestampField: string;
  createdTimestampField?: string;
  /** The features and their dtypes; every other column, as typed in the file, when absent. */
  schema?: { name: string; dtype: Dtype }[];
}

/**
 * A feature view's rows from its source table.
 *
 * @example
 * const view = viewFrameFromTable(await readTable('stats.parquet'), {
 *   name: 'user_stats', joinKeys: ['user_id'], timestampField: 'event_timestamp',
 *   createdTimestampField: 'created', schema: [{ name: 'clicks', dtype: 'int64' }],
 * });
 */
export function viewFrameFromTable(table: Table, source: ViewSource): ViewFrame {
  const what = `feature view ${source.name}`;
  const col = (name: string) => columnFromVector(name, child(table, name, what));
  const reserved = new Set([...source.joinKeys, source.timestampField]);
  if (source.createdTimestampField) reserved.add(source.createdTimestampField);
  const schema =
    source.schema ??
    table.schema.fields
      .filter((f) => !reserved.has(f.name))
      .map((f) => ({ name: f.name, dtype: undefined }));
  const frame: ViewFrame = {
    name: source.name,
    joinKeys: source.joinKeys,
    length: table.numRows,
    keys: source.joinKeys.map(col),
    eventTs: times(col(source.timestampField), what),
    features: schema.map((f) => (f.dtype ? convertColumn(col(f.name), f.dtype) : col(f.name))),
  };
  if (source.createdTimestampField)
    frame.createdTs = times(col(source.createdTimestampField), what);
  return frame;
}
