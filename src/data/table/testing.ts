/**
 * Builders of real tabular files for tests and benchmarks: Parquet written by parquet-wasm
 * from an Arrow table, Arrow IPC by apache-arrow, CSV and JSON Lines as text. Not part of the
 * public surface.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, makeVector, tableToIPC } from 'apache-arrow';
import { seededRandom } from '../../demo/datasets.js';
import { buildColumn } from './columns.js';
import { loadParquetWasm } from './parquet-wasm.js';

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'mlops-table-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `text` to `dir/name` and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/**
 * Writes `table` as Parquet with parquet-wasm, `rowGroupRows` rows per row group (so a
 * streaming reader sees several), and returns the path.
 */
export async function writeParquet(
  file: string,
  table: Table,
  options: { rowGroupRows?: number; compression?: 'snappy' | 'zstd' | 'none' } = {},
): Promise<string> {
  const pw = await loadParquetWasm();
  let builder = new pw.WriterPropertiesBuilder();
  if (options.rowGroupRows) builder = builder.setMaxRowGroupSize(options.rowGroupRows);
  const codec = { snappy: pw.Compression.SNAPPY, zstd: pw.Compression.ZSTD, none: undefined }[
    options.compression ?? 'snappy'
  ];
  builder = builder.setCompression(codec ?? pw.Compression.UNCOMPRESSED);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'));
  writeFileSync(file, pw.writeParquet(wasmTable, builder.build()));
  return file;
}

/** Writes `table` as Arrow IPC, the file format (Feather v2) or the stream format. */
export function writeArrow(file: string, table: Table, format: 'file' | 'stream' = 'file'): string {
  writeFileSync(file, tableToIPC(table, format));
  return file;
}

/**
 * A small deterministic pseudo-random generator (mulberry32), so fixtures are reproducible:
 * the demo's {@link seededRandom}.
 */
export const random: (seed: number) => () => number = seededRandom;

/**
 * Rows shaped like `data/test-executions.yaml`'s dataset: test_id, execution_time_ms,
 * pass_rate_7d, flakiness_score and outcome (passed/failed). Every value is within the
 * pointer's expectations; `flakiness_score` is null in 1 row of 500.
 */
export function testExecutions(rows: number, seed = 1): Table {
  const next = seededRandom(seed);
  const ids = new Array<string>(rows);
  const times = new BigInt64Array(rows);
  const pass = new Float64Array(rows);
  const flaky = new Array<number | null>(rows);
  const outcome = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    ids[i] = `test-${i % 50_000}`;
    times[i] = BigInt(Math.floor(next() * 5000));
    pass[i] = next();
    flaky[i] = i % 500 === 7 ? null : next() * 0.5;
    outcome[i] = next() < 0.9 ? 'passed' : 'failed';
  }
  return new Table({
    test_id: makeVector(buildColumn('string', ids, 0, rows)),
    execution_time_ms: makeVector(times),
    pass_rate_7d: makeVector(pass),
    flakiness_score: makeVector(buildColumn('float64', flaky, 0, rows)),
    outcome: makeVector(buildColumn('string', outcome, 0, rows)),
  });
}
