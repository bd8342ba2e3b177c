/**
 * Tabular reading and expectations on 1M rows.
 *
 * 1. `readTable` of a 1M rows × 3 columns Parquet file (int64, float64, a 1,000-value string
 *    column; snappy, parquet-wasm's default single row group) against the bare parquet-wasm
 *    path the design names, `tableFromIPC(readParquet(bytes).intoIPCStream())` with its
 *    defaults, so the ratio is our overhead (or gain). Both read the file from disk each run.
 * 2. `readBatches` of the same file (streaming, what `data check` does on large files)
 *    against the same peer.
 * 3. `checkExpectations` with data/test-executions.yaml's expectations (not_null, two
 *    between, in_set) over 1M test-execution rows in memory, against a hand-written loop
 *    over the same columns with apache-arrow's Vector API (`get`, `isValid`, a Set), which
 *    counts the same unexpected values without reporting.
 *
 * Medians of 7 runs after one warm-up. Run alone: `npx tsx bench/table.bench.ts`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeVector, Table, tableFromIPC, type Vector } from 'apache-arrow';
import { parse } from 'yaml';
import { checkExpectations, type ExpectationResult } from '../src/data/expectations/index.js';
import type { Expectation } from '../src/records/index.js';
import { loadParquetWasm, readBatches, readTable } from '../src/data/table/index.js';
import { buildColumn } from '../src/data/table/columns.js';
import { random, testExecutions, writeParquet } from '../src/data/table/testing.js';
import { figure, printFigures, time, type Figure } from './figure.js';

const WORK = fileURLToPath(new URL('./.work/table/', import.meta.url));
const ROWS = 1_000_000;

/** 1M rows × 3 columns: id int64, value float64, label string (1,000 distinct). */
function threeColumns(rows: number): Table {
  const next = random(42);
  const ids = new BigInt64Array(rows);
  const values = new Float64Array(rows);
  const labels = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    ids[i] = BigInt(i);
    values[i] = next() * 100;
    labels[i] = `label-${Math.floor(next() * 1000)}`;
  }
  return new Table({
    id: makeVector(ids),
    value: makeVector(values),
    label: makeVector(buildColumn('string', labels, 0, rows)),
  });
}

async function parquetFile(): Promise<string> {
  const file = join(WORK, `three-columns-${ROWS}.parquet`);
  if (!existsSync(file)) {
    mkdirSync(WORK, { recursive: true });
    await writeParquet(file, threeColumns(ROWS));
  }
  return file;
}

/** The peer of the expectations figure: the obvious loop, same answers, no reporting. */
function handLoop(table: Table, expectations: Expectation[]): number[] {
  return expectations.map((e) => {
    if (!('column' in e)) return 0;
    const col: Vector | null = table.getChild(e.column);
    if (!col) return -1;
    let unexpected = 0;
    if (e.type === 'not_null') return col.nullCount;
    const set = e.type === 'in_set' ? new Set<unknown>(e.values) : undefined;
    for (let i = 0; i < col.length; i++) {
      if (!col.isValid(i)) continue;
      const v: unknown = col.get(i);
      if (e.type === 'between') {
        const x = v as number;
        if ((e.min !== undefined && x < e.min) || (e.max !== undefined && x > e.max)) unexpected++;
      } else if (set && !set.has(v)) unexpected++;
    }
    return unexpected;
  });
}

export async function run(): Promise<Figure[]> {
  const file = await parquetFile();
  const pw = await loadParquetWasm();
  const peer = () => tableFromIPC(pw.readParquet(readFileSync(file)).intoIPCStream());
  const peerName = 'parquet-wasm readParquet + tableFromIPC';

  let rows = 0;
  const ours = await time(async () => {
    rows = (await readTable(file)).numRows;
  });
  const bare = await time(() => {
    if (peer().numRows !== ROWS) throw new Error('peer read a different row count');
  });
  if (rows !== ROWS) throw new Error(`read ${rows} rows, expected ${ROWS}`);
  const streamed = await time(async () => {
    let n = 0;
    for await (const b of readBatches(file)) n += b.numRows;
    if (n !== ROWS) throw new Error(`streamed ${n} rows`);
  });

  const pointer = parse(
    readFileSync(new URL('../data/test-executions.yaml', import.meta.url), 'utf8'),
  ) as {
    expectations: Expectation[];
  };
  const table = testExecutions(ROWS);
  let results: ExpectationResult[] = [];
  const check = await time(async () => {
    results = await checkExpectations(table, pointer.expectations);
  });
  let counts: number[] = [];
  const loop = await time(() => {
    counts = handLoop(table, pointer.expectations);
  });
  const ourCounts = results.map((r) => r.unexpected_count ?? 0);
  if (ourCounts.join() !== counts.join()) {
    throw new Error(`counts differ: ours ${ourCounts.join()}, loop ${counts.join()}`);
  }

  return [
    figure(`readTable: Parquet, 1M rows × 3 columns`, ours, peerName, bare, 'ratio <= 1.2'),
    figure(`readBatches: the same file, streamed`, streamed, peerName, bare, 'ratio <= 1.5'),
    figure(
      `checkExpectations: test-executions' ${pointer.expectations.length} expectations, 1M rows`,
      check,
      'a hand-written Vector.get loop, same counts',
      loop,
      'ratio <= 1',
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
