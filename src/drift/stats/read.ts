/**
 * Columns of a tabular file one at a time, for drift over tables larger than memory.
 *
 * Memory bound: one column's values (8 bytes a row for a numeric column, a string reference a
 * row for a categorical one) plus one decoded record batch. Parquet reads only the wanted
 * column's pages (parquet-wasm's column projection), one row group at a time; CSV, JSON Lines
 * and Arrow IPC have no projection, so each column is one pass over the file through
 * `readBatches` (the same bound, a pass per column in time).
 */
import { openAsBlob } from 'node:fs';
import { tableFromIPC, type RecordBatch, type Schema } from 'apache-arrow';
import { detectFormat, type TableFormat } from '../../data/table/format.js';
import { loadParquetWasm } from '../../data/table/parquet-wasm.js';
import { PARQUET_BATCH_ROWS } from '../../data/table/parquet.js';
import { readBatches } from '../../data/table/read.js';

export interface ColumnValues {
  name: string;
  /** Numbers (integers, floats, decimals, booleans as 0/1) as doubles, nulls as NaN. */
  numeric?: Float64Array;
  /** Everything else as strings, nulls as null. */
  categorical?: (string | null)[];
}

const NUMERIC_TYPE = /^(Int|Uint|Float|Bool|Decimal)/;

function isNumericType(schema: Schema, name: string): boolean {
  const f = schema.fields.find((x) => x.name === name);
  if (!f) throw new RangeError(`readColumns: no column ${name}`);
  // Arrow names its types Float64, Int32, Uint8, Bool, Decimal[…]; strings, dates etc. are not numbers
  return NUMERIC_TYPE.test(String(f.type));
}

/** Appends one batch's column to a growing buffer (doubling, so a column is copied O(1) times a value). */
class Growable {
  data = new Float64Array(PARQUET_BATCH_ROWS);
  length = 0;
  push(batch: RecordBatch, name: string): void {
    const col = batch.getChild(name);
    if (!col) return;
    const n = col.length;
    if (this.length + n > this.data.length) {
      const next = new Float64Array(Math.max(this.data.length * 2, this.length + n));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    const out = this.data;
    let k = this.length;
    // a dense float64 chunk without nulls is copied wholesale; anything else value by value
    let base = 0;
    for (const chunk of col.data) {
      const vals = chunk.values as unknown;
      if (chunk.nullCount === 0 && chunk.offset === 0 && vals instanceof Float64Array) {
        out.set(vals.subarray(0, chunk.length), k);
        k += chunk.length;
        base += chunk.length;
        continue;
      }
      for (let i = 0; i < chunk.length; i++) {
        const v: unknown = col.get(base + i);
        out[k++] = v === null || v === undefined ? NaN : Number(v);
      }
      base += chunk.length;
    }
    this.length = k;
  }
  values(): Float64Array {
    return this.data.length === this.length ? this.data : this.data.slice(0, this.length);
  }
}

async function* parquetColumnBatches(file: string, name: string): AsyncGenerator<RecordBatch> {
  const pw = await loadParquetWasm();
  const pf = await pw.ParquetFile.fromFile(await openAsBlob(file));
  try {
    const stream = (await pf.stream({
      batchSize: PARQUET_BATCH_ROWS,
      columns: [name],
    })) as ReadableStream<{
      intoIPCStream(): Uint8Array;
    }>;
    const reader = stream.getReader();
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        yield* tableFromIPC(next.value.intoIPCStream()).batches;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  } finally {
    pf.free();
  }
}

async function fileSchema(file: string, format: TableFormat): Promise<Schema> {
  if (format === 'parquet') {
    const pw = await loadParquetWasm();
    const pf = await pw.ParquetFile.fromFile(await openAsBlob(file));
    try {
      return tableFromIPC(pf.schema().intoIPCStream()).schema;
    } finally {
      pf.free();
    }
  }
  for await (const b of readBatches(file, format)) return b.schema;
  throw new RangeError(`readColumns: ${file}: no schema`);
}

/** The column names of a table file, from its schema alone. */
export async function columnNames(file: string, format?: TableFormat): Promise<string[]> {
  return (await fileSchema(file, format ?? detectFormat(file))).fields.map((f) => f.name);
}

/**
 * Yields the named columns (all, by default) one at a time, each whole.
 * @example
 * for await (const col of readColumns('ref.parquet', ['age'])) col.numeric; // Float64Array
 */
export async function* readColumns(
  file: string,
  names?: readonly string[],
  format?: TableFormat,
): AsyncGenerator<ColumnValues> {
  const fmt = format ?? detectFormat(file);
  const schema = await fileSchema(file, fmt);
  for (const name of names ?? schema.fields.map((f) => f.name)) {
    const numeric = isNumericType(schema, name);
    const batches = fmt === 'parquet' ? parquetColumnBatches(file, name) : readBatches(file, fmt);
    if (numeric) {
      const g = new Growable();
      for await (const b of batches) g.push(b, name);
      yield { name, numeric: g.values() };
    } else {
      const out: (string | null)[] = [];
      for await (const b of batches) {
        const col = b.getChild(name);
        if (!col) continue;
        for (let i = 0; i < col.length; i++) {
          const v = col.get(i) as unknown;
          out.push(
            v === null || v === undefined
              ? null
              : v instanceof Date
                ? v.toISOString()
                : typeof v === 'object'
                  ? JSON.stringify(v)
                  : // a primitive here (objects went through JSON above)
                    // eslint-disable-next-line @typescript-eslint/no-base-to-string
                    String(v),
          );
        }
      }
      yield { name, categorical: out };
    }
  }
}
