/** A result frame → an Arrow table, and written as Parquet (parquet-wasm) or Arrow IPC. */
import { writeFile } from 'node:fs/promises';
import {
  Binary,
  Bool,
  Float32,
  Float64,
  Int32,
  Int64,
  TimestampMillisecond,
  Table,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  type Data,
  type Vector,
} from 'apache-arrow';
import { loadParquetWasm } from '../../data/table/parquet-wasm.js';
import type { Column, ResultFrame, Validity } from './frames.js';

const TWO32 = 4294967296;
const encoder = new TextEncoder();

function bitmap(valid: Validity, n: number): { nullBitmap: Uint8Array | null; nullCount: number } {
  if (!valid) return { nullBitmap: null, nullCount: 0 };
  const bits = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 1) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return { nullBitmap: nulls ? bits : null, nullCount: nulls };
}

function utf8(codes: Int32Array, dict: string[]): Data {
  // each distinct string encoded once, then copied per row
  const encoded = dict.map((s) => encoder.encode(s));
  const n = codes.length;
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0) {
      bytes += encoded[c]!.length;
      valid[i] = 1;
    }
    offsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0) data.set(encoded[c]!, offsets[i]);
  }
  return makeData({
    type: new Utf8(),
    length: n,
    ...bitmap(valid, n),
    valueOffsets: offsets,
    data,
  });
}

/** One frame column as Arrow data. */
export function columnToData(col: Column): Data {
  switch (col.dtype) {
    case 'string':
      return utf8(col.codes, col.dict);
    case 'bytes': {
      const n = col.values.length;
      const offsets = new Int32Array(n + 1);
      const valid = new Uint8Array(n);
      col.values.forEach((b, i) => {
        valid[i] = b ? 1 : 0;
        offsets[i + 1] = offsets[i]! + (b?.length ?? 0);
      });
      const data = new Uint8Array(offsets[n]!);
      col.values.forEach((b, i) => b && data.set(b, offsets[i]));
      return makeData({
        type: new Binary(),
        length: n,
        ...bitmap(valid, n),
        valueOffsets: offsets,
        data,
      });
    }
    case 'bool': {
      const n = col.values.length;
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (col.values[i]) data[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: new Bool(), length: n, ...bitmap(col.valid, n), data });
    }
    case 'int32':
      return makeData({
        type: new Int32(),
        length: col.values.length,
        ...bitmap(col.valid, col.values.length),
        data: col.values,
      });
    case 'int64':
      return makeData({
        type: new Int64(),
        length: col.values.length,
        ...bitmap(col.valid, col.values.length),
        data: col.values,
      });
    case 'float32':
      return makeData({
        type: new Float32(),
        length: col.values.length,
        ...bitmap(col.valid, col.values.length),
        data: Float32Array.from(col.values),
      });
    case 'float64':
      return makeData({
        type: new Float64(),
        length: col.values.length,
        ...bitmap(col.valid, col.values.length),
        data: col.values,
      });
    case 'unix_timestamp': {
      const n = col.values.length;
      const data = new BigInt64Array(n);
      const h = new Int32Array(data.buffer);
      for (let i = 0; i < n; i++) {
        const x = Math.floor(col.values[i]!);
        if (x !== x) continue;
        const hi = Math.floor(x / TWO32);
        h[2 * i + 1] = hi;
        h[2 * i] = (x - hi * TWO32) | 0;
      }
      const type = new TimestampMillisecond(col.timezone ?? null);
      return makeData({ type, length: n, ...bitmap(col.valid, n), data });
    }
  }
}

/** The result as an Arrow table, columns in the result's order. */
export function resultToTable(result: ResultFrame): Table {
  const vectors: Record<string, Vector> = {};
  for (const col of result.columns) vectors[col.name] = makeVector(columnToData(col));
  return new Table(vectors);
}

/**
 * Writes the result as Parquet (snappy, by parquet-wasm) or Arrow IPC (the file format),
 * by the file's extension: `.parquet`, else Arrow IPC.
 */
export async function writeResult(file: string, result: ResultFrame | Table): Promise<void> {
  const table = result instanceof Table ? result : resultToTable(result);
  if (!file.endsWith('.parquet')) return writeFile(file, tableToIPC(table, 'file'));
  const pw = await loadParquetWasm();
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build();
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'));
  await writeFile(file, pw.writeParquet(wasmTable, props));
}
