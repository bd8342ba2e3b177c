/**
 * The columnar frames the point-in-time join works on: one typed array per column, so the
 * 10M-row feature side is a handful of buffers and never a row object.
 */

/**
 * A feature's value type: the `ValueType` literals of `src/records/kinds/features.ts`
 * (spelled out here because that schema's static type widens to `string`).
 */
export type Dtype =
  'string' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool' | 'bytes' | 'unix_timestamp';

/**
 * Which rows hold a value: 1 valid, 0 null, one byte per row (a byte rather than a bit, so a
 * gather is one load); null when the column has no nulls.
 */
export type Validity = Uint8Array | null;

/** float32 is held as float64 and written back as float32; unix_timestamp is epoch ms. */
export interface Float64Column {
  name: string;
  dtype: 'float64' | 'float32' | 'unix_timestamp';
  values: Float64Array;
  valid: Validity;
  /** unix_timestamp only: the Arrow zone it came with (`UTC`), null for a naive one. */
  timezone?: string | null;
}

export interface Int32Column {
  name: string;
  dtype: 'int32';
  values: Int32Array;
  valid: Validity;
}

export interface Int64Column {
  name: string;
  dtype: 'int64';
  values: BigInt64Array;
  valid: Validity;
}

/** 1 true, 0 false. */
export interface BoolColumn {
  name: string;
  dtype: 'bool';
  values: Uint8Array;
  valid: Validity;
}

/**
 * Strings dictionary-encoded: row i is `dict[codes[i]]`, null where the code is -1. A column
 * of 10M rows with 100k distinct values is 40 MB of codes and 100k strings, not 10M strings.
 */
export interface StringColumn {
  name: string;
  dtype: 'string';
  codes: Int32Array;
  dict: string[];
}

export interface BytesColumn {
  name: string;
  dtype: 'bytes';
  values: (Uint8Array | null)[];
}

export type Column =
  Float64Column | Int32Column | Int64Column | BoolColumn | StringColumn | BytesColumn;

/**
 * The entity rows: every column in its original order (join keys and passthrough alike: a
 * view's join keys are looked up here by name), and the event time of each row.
 */
export interface EntityFrame {
  length: number;
  columns: Column[];
  /** The name of the timestamp column among `columns`. */
  timestampColumn: string;
  /** Epoch ms per row; NaN where the timestamp is null (such a row matches nothing). */
  timestamps: Float64Array;
}

/** A feature view's source rows. */
export interface ViewFrame {
  name: string;
  joinKeys: string[];
  length: number;
  /** The join-key columns, in `joinKeys` order. */
  keys: Column[];
  /** Epoch ms per row; NaN where null (such a row is never served). */
  eventTs: Float64Array;
  /** Epoch ms per row, when the source has a created column: breaks event-time ties. */
  createdTs?: Float64Array;
  features: Column[];
}

/** One view of a join: its rows, its ttl, and which of its features to bring. */
export interface ViewSpec {
  view: ViewFrame;
  /** Rows older than `entity ts - ttlMs` do not match; 0 or absent means no limit (Feast's ttl 0). */
  ttlMs?: number;
  /** The features to bring, in this order; all of the view's when absent. */
  features?: string[];
}

/** The entity columns, unchanged and in the entity rows' order, then each view's features. */
export interface ResultFrame {
  length: number;
  columns: Column[];
}

/** Whether row `i` of `col` holds a value. */
export function isValid(col: Column, i: number): boolean {
  switch (col.dtype) {
    case 'string':
      return col.codes[i]! >= 0;
    case 'bytes':
      return col.values[i] != null;
    default:
      return col.valid === null || col.valid[i] === 1;
  }
}

/** The number of rows of a column. */
export function columnLength(col: Column): number {
  return col.dtype === 'string' ? col.codes.length : col.values.length;
}

/**
 * Row `i` of a column as a plain value (bigint for int64, epoch ms for timestamps), for tests
 * and small outputs; never used on the hot path.
 */
export function cell(
  col: Column,
  i: number,
): number | bigint | string | boolean | Uint8Array | null {
  if (!isValid(col, i)) return null;
  switch (col.dtype) {
    case 'string':
      return col.dict[col.codes[i]!]!;
    case 'bytes':
      return col.values[i]!;
    case 'bool':
      return col.values[i] === 1;
    default:
      return col.values[i]!;
  }
}
