/**
 * Arrow columns (as `readTable` returns them for CSV, Parquet and Arrow IPC) → frame
 * columns, reading the Arrow buffers directly: int64 and timestamps through int32 views (a
 * `BigInt64Array` read makes a bigint per element), strings dictionary-encoded from bytes.
 */
import { DataType, DateUnit, Precision, TimeUnit, type Data, type Vector } from 'apache-arrow';
import { typeName } from '../../data/table/read.js';
import type { Column, Dtype } from './frames.js';
import { Utf8Interner } from './strings.js';
import { JoinError } from './errors.js';

const TWO32 = 4294967296;

/** A Data chunk's fixed-width values as int32 halves, for int64-sized values. */
function halves(values: ArrayBufferView, n: number): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, n * 2);
}

function validity(chunks: readonly Data[], n: number): Uint8Array | null {
  if (chunks.every((d) => d.nullCount === 0)) return null;
  const out = new Uint8Array(n);
  let at = 0;
  for (const d of chunks) {
    const bm = d.nullBitmap;
    if (d.nullCount === 0 || !bm || bm.length === 0) out.fill(1, at, at + d.length);
    else {
      for (let i = 0; i < d.length; i++) {
        const b = d.offset + i;
        out[at + i] = (bm[b >> 3]! >> (b & 7)) & 1;
      }
    }
    at += d.length;
  }
  return out;
}

/** Epoch ms of int64-sized values scaled by `mul` / `div`. */
function int64Ms(d: Data, out: Float64Array, at: number, mul: number, div: number): void {
  const v = halves(d.values as ArrayBufferView, d.length);
  for (let i = 0; i < d.length; i++) {
    const x = v[2 * i + 1]! * TWO32 + (v[2 * i]! >>> 0);
    out[at + i] = div === 1 ? x * mul : x / div;
  }
}

function timestampColumn(name: string, vector: Vector, n: number): Column {
  const type = vector.type as DataType;
  const values = new Float64Array(n);
  let at = 0;
  let timezone: string | null = null;
  for (const d of vector.data as Data[]) {
    if (DataType.isTimestamp(type)) {
      timezone = type.timezone ?? null;
      const mul = type.unit === TimeUnit.SECOND ? 1000 : 1;
      const div =
        type.unit === TimeUnit.MICROSECOND ? 1000 : type.unit === TimeUnit.NANOSECOND ? 1e6 : 1;
      int64Ms(d, values, at, mul, div);
    } else if (DataType.isDate(type) && type.unit === DateUnit.DAY) {
      const v = d.values as Int32Array;
      for (let i = 0; i < d.length; i++) values[at + i] = v[i]! * 86_400_000;
    } else int64Ms(d, values, at, 1, 1);
    at += d.length;
  }
  return {
    name,
    dtype: 'unix_timestamp',
    values,
    valid: validity(vector.data as Data[], n),
    timezone,
  };
}

function stringColumn(name: string, vector: Vector, n: number): Column {
  const codes = new Int32Array(n);
  const type = vector.type as DataType;
  if (DataType.isUtf8(type)) {
    const interner = new Utf8Interner();
    let at = 0;
    for (const d of vector.data as Data[]) {
      const bytes = d.values as Uint8Array;
      const offsets = d.valueOffsets as Int32Array;
      for (let i = 0; i < d.length; i++) {
        codes[at + i] = interner.code(bytes, offsets[i]!, offsets[i + 1]!);
      }
      at += d.length;
    }
    const valid = validity(vector.data as Data[], n);
    if (valid) for (let i = 0; i < n; i++) if (valid[i] === 0) codes[i] = -1;
    return { name, dtype: 'string', codes, dict: interner.dict };
  }
  // dictionary-encoded, large or view strings: through the vector's own reads
  const dict: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = vector.get(i) as unknown;
    if (s === null || s === undefined) {
      codes[i] = -1;
      continue;
    }
    const str = typeof s === 'string' ? s : JSON.stringify(s);
    let c = seen.get(str);
    if (c === undefined) {
      seen.set(str, (c = dict.length));
      dict.push(str);
    }
    codes[i] = c;
  }
  return { name, dtype: 'string', codes, dict };
}

/** One Arrow column as a frame column; its dtype from the Arrow type. */
export function columnFromVector(name: string, vector: Vector): Column {
  const type = vector.type as DataType;
  const n = vector.length;
  const chunks = vector.data as Data[];
  const valid = () => validity(chunks, n);
  if (DataType.isInt(type)) {
    if (type.bitWidth === 64 || (type.bitWidth === 32 && !type.isSigned)) {
      const values = new BigInt64Array(n);
      const dst = halves(values, n);
      let at = 0;
      for (const d of chunks) {
        if (type.bitWidth === 64) dst.set(halves(d.values as ArrayBufferView, d.length), 2 * at);
        else for (let i = 0; i < d.length; i++) dst[2 * (at + i)] = (d.values as Uint32Array)[i]!;
        at += d.length;
      }
      return { name, dtype: 'int64', values, valid: valid() };
    }
    const values = new Int32Array(n);
    let at = 0;
    for (const d of chunks) {
      values.set(d.values as ArrayLike<number>, at);
      at += d.length;
    }
    return { name, dtype: 'int32', values, valid: valid() };
  }
  if (DataType.isFloat(type)) {
    const values = new Float64Array(n);
    if (type.precision === Precision.HALF)
      for (let i = 0; i < n; i++) values[i] = Number(vector.get(i));
    else {
      let at = 0;
      for (const d of chunks) {
        values.set(d.values as ArrayLike<number>, at);
        at += d.length;
      }
    }
    const dtype = type.precision === Precision.DOUBLE ? 'float64' : 'float32';
    return { name, dtype, values, valid: valid() };
  }
  if (DataType.isBool(type)) {
    const values = new Uint8Array(n);
    let at = 0;
    for (const d of chunks) {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++) {
        const b = d.offset + i;
        values[at + i] = (bits[b >> 3]! >> (b & 7)) & 1;
      }
      at += d.length;
    }
    return { name, dtype: 'bool', values, valid: valid() };
  }
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return timestampColumn(name, vector, n);
  if (
    DataType.isUtf8(type) ||
    DataType.isLargeUtf8(type) ||
    DataType.isUtf8View(type) ||
    (DataType.isDictionary(type) && DataType.isUtf8(type.dictionary as DataType)) ||
    DataType.isNull(type)
  ) {
    return stringColumn(name, vector, n);
  }
  if (DataType.isBinary(type) || DataType.isLargeBinary(type)) {
    const values = new Array<Uint8Array | null>(n);
    for (let i = 0; i < n; i++) values[i] = (vector.get(i) as Uint8Array | null) ?? null;
    return { name, dtype: 'bytes', values };
  }
  throw new JoinError(`column ${name} is ${typeName(type)}: not a feature value type`);
}

function asFloat(col: Column): Float64Array | undefined {
  switch (col.dtype) {
    case 'float64':
    case 'float32':
    case 'int32':
    case 'bool':
      return Float64Array.from(col.values);
    case 'int64': {
      const v = halves(col.values, col.values.length);
      const out = new Float64Array(col.values.length);
      for (let i = 0; i < out.length; i++) out[i] = v[2 * i + 1]! * TWO32 + (v[2 * i]! >>> 0);
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * `col` as `dtype` where the conversion loses nothing a feature store would keep: integers
 * to floats (CSV reads `3` as int64 where the schema says float64), integral floats to
 * integers (pandas writes an int column with a null as float64), int32 ↔ int64.
 */
export function convertColumn(col: Column, dtype: Dtype): Column {
  if (col.dtype === dtype) return col;
  const { name } = col;
  const fail = (why = '') =>
    new Error(`column ${name} is ${col.dtype}, its feature view says ${dtype}${why}`);
  if (col.dtype === 'string' || col.dtype === 'bytes' || dtype === 'string' || dtype === 'bytes') {
    throw fail();
  }
  if (dtype === 'unix_timestamp' || col.dtype === 'unix_timestamp') throw fail();
  const valid = col.valid;
  const f = asFloat(col)!;
  if (dtype === 'float64' || dtype === 'float32') return { name, dtype, values: f, valid };
  for (let i = 0; i < f.length; i++) {
    if ((valid === null || valid[i] === 1) && !Number.isSafeInteger(f[i])) {
      throw fail(` (row ${i} is ${f[i]})`);
    }
  }
  if (dtype === 'bool')
    return { name, dtype, values: Uint8Array.from(f, (x) => (x ? 1 : 0)), valid };
  if (dtype === 'int32') {
    if (f.some((x, i) => (valid === null || valid[i] === 1) && (x | 0) !== x))
      throw fail(' (out of int32 range)');
    return { name, dtype, values: Int32Array.from(f), valid };
  }
  const values = new BigInt64Array(f.length);
  const h = halves(values, f.length);
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    const hi = Math.floor(x / TWO32);
    h[2 * i + 1] = hi;
    h[2 * i] = (x - hi * TWO32) | 0;
  }
  return { name, dtype: 'int64', values, valid };
}
