import { DataType, Table, Type, type RecordBatch, type Schema } from 'apache-arrow';
import { readArrowBatches, readArrowTable } from './arrow-ipc.js';
import { readCsvBatches, scanCsv } from './csv.js';
import { arrowType, type ColumnKind } from './columns.js';
import { detectFormat, type TableFormat } from './format.js';
import { readJsonlBatches, scanJsonl } from './jsonl.js';
import { describeParquet, readParquetBatches, readParquetTable } from './parquet.js';

/**
 * A whole tabular file as an Arrow table. The format defaults to the one its extension names
 * ({@link detectFormat}). Bad input is a {@link TableError} whose message is one printable
 * line, `path:line:col: csv: …` for text formats and `path: parquet: …` for binary ones.
 *
 * @example
 * const table = await readTable('datasets/test-executions.csv');
 * table.numRows; // 5000
 * table.schema.fields.map((f) => `${f.name}: ${typeName(f.type)}`);
 * // ['test_id: string', 'event_timestamp: timestamp', 'execution_time_ms: int64', …]
 */
export async function readTable(file: string, format?: TableFormat): Promise<Table> {
  switch (format ?? detectFormat(file)) {
    case 'parquet':
      return readParquetTable(file);
    case 'arrow':
      return readArrowTable(file);
    case 'csv':
    case 'jsonl': {
      // two passes, as streaming: holding every field as a string until the types are known
      // costs more memory and GC time than reading the file again
      const batches: RecordBatch[] = [];
      for await (const b of readBatches(file, format ?? detectFormat(file))) batches.push(b);
      return new Table(batches);
    }
  }
}

/**
 * A tabular file as a stream of record batches, for files too large to hold: Parquet one row
 * group at a time (batches of up to 64 Ki rows), Arrow IPC one batch at a time, CSV and JSON
 * Lines in two passes (types first, then batches of 64 Ki rows), so memory stays at about one
 * batch. Every batch has the same schema, and at least one batch is yielded (an empty one
 * when the file has no rows) so a consumer always learns the columns. Errors in the text
 * formats are found in the first pass, before any batch.
 *
 * @example
 * let rows = 0;
 * for await (const batch of readBatches('datasets/big.parquet')) rows += batch.numRows;
 */
export function readBatches(file: string, format?: TableFormat): AsyncIterable<RecordBatch> {
  switch (format ?? detectFormat(file)) {
    case 'parquet':
      return readParquetBatches(file);
    case 'arrow':
      return readArrowBatches(file);
    case 'csv':
      return readCsvBatches(file);
    case 'jsonl':
      return readJsonlBatches(file);
  }
}

/** A column as a Dataset pointer lists it. */
export interface ColumnDescription {
  name: string;
  /** {@link typeName} of its Arrow type: `string`, `int64`, `float64`, `bool`, `timestamp`, … */
  type: string;
}

/** What a Dataset pointer records about a table: `rows` and `columns`. */
export interface TableDescription {
  rows: number;
  columns: ColumnDescription[];
}

/**
 * The row count and column types of a tabular file, for a Dataset pointer's `rows` and
 * `columns`. Parquet is described from its footer alone; CSV and JSON Lines take one pass that
 * keeps no values; Arrow IPC reads its batches one at a time.
 *
 * @example
 * await describeTable('datasets/test-executions.csv');
 * // { rows: 5000, columns: [{ name: 'test_id', type: 'string' },
 * //   { name: 'event_timestamp', type: 'timestamp' }, { name: 'execution_time_ms', type: 'int64' }, …] }
 */
export async function describeTable(file: string, format?: TableFormat): Promise<TableDescription> {
  switch (format ?? detectFormat(file)) {
    case 'parquet': {
      const { rows, schema } = await describeParquet(file);
      return { rows, columns: describeSchema(schema) };
    }
    case 'arrow': {
      let rows = 0;
      let schema: Schema | undefined;
      for await (const batch of readArrowBatches(file)) {
        schema ??= batch.schema;
        rows += batch.numRows;
      }
      return { rows, columns: schema ? describeSchema(schema) : [] };
    }
    case 'csv':
      return describeShape(await scanCsv(file));
    case 'jsonl':
      return describeShape(await scanJsonl(file));
  }
}

function describeShape(shape: { names: string[]; kinds: ColumnKind[]; rows: number }) {
  return {
    rows: shape.rows,
    columns: shape.names.map((name, i) => ({ name, type: typeName(arrowType(shape.kinds[i]!)) })),
  };
}

/**
 * Each field of a schema as `{ name, type }`.
 *
 * @example
 * describeSchema(table.schema) // [{ name: 'test_id', type: 'string' }, { name: 'n', type: 'int64' }]
 */
export function describeSchema(schema: Schema): ColumnDescription[] {
  return schema.fields.map((f) => ({ name: f.name, type: typeName(f.type as DataType) }));
}

/**
 * A short, stable name for an Arrow type, as Dataset pointers list column types (pandas and
 * pyarrow spelling): `bool`, `int8`…`int64`, `uint8`…`uint64`, `float16`/`float32`/`float64`,
 * `string`, `binary`, `timestamp` (any unit, with or without a zone), `date`, `time`,
 * `duration`, `interval`, `decimal(p,s)`, `list<T>`, `struct`, `map`, `union`, `null`.
 * A dictionary-encoded column is named by its values' type (pandas' categorical of strings
 * is `string`).
 *
 * @example
 * typeName(new Int64()) // 'int64'
 * typeName(new Dictionary(new Utf8(), new Int32())) // 'string'
 */
export function typeName(type: DataType): string {
  if (DataType.isDictionary(type)) return typeName(type.dictionary as DataType);
  if (DataType.isNull(type)) return 'null';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return ['float16', 'float32', 'float64'][type.precision]!;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) {
    return 'string';
  }
  if (
    DataType.isBinary(type) ||
    DataType.isLargeBinary(type) ||
    DataType.isBinaryView(type) ||
    DataType.isFixedSizeBinary(type)
  ) {
    return 'binary';
  }
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTime(type)) return 'time';
  if (DataType.isDuration(type)) return 'duration';
  if (DataType.isInterval(type)) return 'interval';
  if (DataType.isDecimal(type)) return `decimal(${type.precision},${type.scale})`;
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    const child = type.children[0];
    return `list<${child ? typeName(child.type as DataType) : 'null'}>`;
  }
  if (DataType.isStruct(type)) return 'struct';
  if (DataType.isMap(type)) return 'map';
  if (DataType.isUnion(type)) return 'union';
  return (Type[type.typeId] ?? 'unknown').toLowerCase();
}
