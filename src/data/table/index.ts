/**
 * Tabular files (CSV, JSON Lines, Parquet, Arrow IPC) read into apache-arrow tables, whole or
 * as a stream of record batches, and described for Dataset pointers (`rows`, `columns`).
 */
export { readTable, readBatches, describeTable, describeSchema, typeName } from './read.js';
export type { TableDescription, ColumnDescription } from './read.js';
export { detectFormat, TABLE_EXTENSIONS, type TableFormat } from './format.js';
export { TableError, type TableErrorCode, type TextLocation } from './errors.js';
export { CsvTokenizer } from './csv.js';
export { parseTimestamp } from './columns.js';
export {
  loadParquetWasm,
  parquetWasmCandidates,
  parquetWasmSource,
  PARQUET_WASM_FILE,
  type ParquetWasm,
} from './parquet-wasm.js';
