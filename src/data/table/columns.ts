/**
 * Column type inference and Arrow column building for the text formats (CSV, JSON Lines).
 *
 * Inference keeps, per column, the set of types every non-null value seen so far parses as
 * (a bit mask) and picks the narrowest at the end: bool, then int64, then float64, then
 * timestamp, else string. A column with no non-null value is a string column.
 */
import {
  Bool,
  Field,
  Float64,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';

/** A column type the text readers produce. `timestamp` is naive, `timestamptz` is UTC. */
export type ColumnKind = 'bool' | 'int64' | 'float64' | 'timestamp' | 'timestamptz' | 'string';

const BOOL = 1;
const INT = 2;
const FLOAT = 4;
/** ISO-8601 with a zone designator (`Z`, `+02:00`). */
const TSZ = 8;
/** ISO-8601 without one (a date, or a local date-time). */
const TSN = 16;
const ALL = BOOL | INT | FLOAT | TSZ | TSN;

const BOOL_RE = /^(?:true|false)$/i;
const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|nan|inf|infinity)$/i;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isInt64Text(s: string): boolean {
  if (!INT_RE.test(s)) return false;
  const digits = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? s.length - 1 : s.length;
  if (digits <= 18) return true;
  const v = BigInt(s);
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Set by {@link timestampMs}: whether the last timestamp it read carried a zone. */
let lastZoned = false;

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * An ISO-8601 date (`YYYY-MM-DD`) or date-time (`T` or a space, `HH:MM`, optional `:SS` and
 * fraction, optional `Z` or `±HH[:MM]`) as milliseconds since the epoch, NaN when `s` is not
 * one. A value without a zone is read as UTC wall-clock time, as Arrow's naive timestamps are;
 * fractions beyond milliseconds are truncated. Sets {@link lastZoned}. Written by hand: the
 * equivalent regular expression was most of the time of reading a CSV of timestamps.
 */
function timestampMs(s: string): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return NaN;
  const year = y1 * 100 + y2;
  if (day > daysInMonth(year, month)) return NaN;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offset = 0;
  let zoned = false;
  if (n > 10) {
    const sep = s.charCodeAt(10);
    if ((sep !== 84 && sep !== 32) || n < 16 || s.charCodeAt(13) !== 58) return NaN; // T, ' ', :
    hour = two(s, 11);
    minute = two(s, 14);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
    let i = 16;
    if (i < n && s.charCodeAt(i) === 58) {
      second = two(s, i + 1);
      if (second < 0 || second > 59) return NaN;
      i += 3;
      const dot = i < n ? s.charCodeAt(i) : 0;
      if (dot === 46 || dot === 44) {
        const from = ++i;
        while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        if (i === from) return NaN;
        for (let k = 0; k < 3; k++) {
          millis = millis * 10 + (from + k < i ? s.charCodeAt(from + k) - 48 : 0);
        }
      }
    }
    if (i < n) {
      const z = s.charCodeAt(i);
      if ((z === 90 || z === 122) && i + 1 === n) zoned = true;
      else if (z === 43 || z === 45) {
        const oh = two(s, i + 1);
        let om = 0;
        let j = i + 3;
        const colon = j < n && s.charCodeAt(j) === 58;
        if (colon) j++;
        if (colon || j < n) {
          om = two(s, j);
          j += 2;
        }
        if (oh < 0 || oh > 23 || om < 0 || om > 59 || j !== n) return NaN;
        offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
        zoned = true;
      } else return NaN;
    }
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (year < 100) {
    // Date.UTC maps years 0–99 to 1900–1999
    const d = new Date(ms);
    d.setUTCFullYear(year);
    ms = d.getTime();
  }
  lastZoned = zoned;
  return ms - offset * 60_000;
}

/**
 * An ISO-8601 date or date-time as milliseconds since the epoch and whether it carried a zone,
 * or null when `s` is not one (see {@link timestampMs} for the accepted forms).
 *
 * @example
 * parseTimestamp('2024-03-01T12:00:00+01:00') // { ms: 1709290800000, zoned: true }
 * parseTimestamp('2024-02-30') // null
 */
export function parseTimestamp(s: string): { ms: number; zoned: boolean } | null {
  const ms = timestampMs(s);
  return Number.isNaN(ms) ? null : { ms, zoned: lastZoned };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A float as CSV writes it: decimal or exponent notation, `nan`, `inf`, `infinity`. */
function parseFloatText(s: string): number {
  const v = Number(s);
  if (!Number.isNaN(v)) return v;
  const t = s.toLowerCase();
  if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
  return NaN;
}

/** The subset of `mask` that the text `s` parses as. */
function classifyText(s: string, mask: number): number {
  let out = 0;
  const c = s.charCodeAt(0);
  if (mask & BOOL && (c === 116 || c === 84 || c === 102 || c === 70) && BOOL_RE.test(s))
    out |= BOOL;
  if (mask & (INT | FLOAT | TSZ | TSN)) {
    const numeric = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
    if (mask & INT && numeric && isInt64Text(s)) out |= INT | (mask & FLOAT);
    else if (mask & FLOAT && FLOAT_RE.test(s)) out |= FLOAT;
    if (mask & (TSZ | TSN) && c >= 48 && c <= 57 && !Number.isNaN(timestampMs(s))) {
      out |= lastZoned ? TSZ : TSN;
    }
  }
  return out & mask;
}

/** The types a JSON value can be stored as: a JSON string is never a number or a bool. */
function classifyJson(v: unknown, mask: number): number {
  switch (typeof v) {
    case 'boolean':
      return mask & BOOL;
    case 'number':
      return mask & (Number.isSafeInteger(v) ? INT | FLOAT : FLOAT);
    case 'string':
      return Number.isNaN(timestampMs(v)) ? 0 : mask & (lastZoned ? TSZ : TSN);
    default:
      return 0;
  }
}

/** The running type inference of one column. */
export class ColumnInference {
  private mask = ALL;
  private seen = false;

  /** One CSV field (already known not to be empty). */
  text(s: string): void {
    this.seen = true;
    if (this.mask !== 0) this.mask = classifyText(s, this.mask);
  }

  /** One JSON value (already known not to be null). */
  json(v: unknown): void {
    this.seen = true;
    if (this.mask !== 0) this.mask = classifyJson(v, this.mask);
  }

  kind(): ColumnKind {
    const m = this.mask;
    if (!this.seen || m === 0) return 'string';
    if (m & BOOL) return 'bool';
    if (m & INT) return 'int64';
    if (m & FLOAT) return 'float64';
    if (m & TSZ) return 'timestamptz';
    if (m & TSN) return 'timestamp';
    return 'string';
  }
}

/** The Arrow type of an inferred column. */
export function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'bool':
      return new Bool();
    case 'int64':
      return new Int64();
    case 'float64':
      return new Float64();
    case 'timestamp':
      return new TimestampMillisecond();
    case 'timestamptz':
      return new TimestampMillisecond('UTC');
    case 'string':
      return new Utf8();
  }
}

/** The Arrow schema of inferred columns. Every column is nullable. */
export function inferredSchema(names: readonly string[], kinds: readonly ColumnKind[]): Schema {
  return new Schema(names.map((name, i) => new Field(name, arrowType(kinds[i]!), true)));
}

/** A cell as the readers hold it before building: CSV text, or a parsed JSON value. */
export type RawValue = unknown;

function validity(values: ArrayLike<RawValue>, start: number, n: number) {
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[start + i];
    if (v === null || v === undefined) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nulls };
}

function asString(v: RawValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

const encoder = new TextEncoder();

function buildUtf8(values: ArrayLike<RawValue>, start: number, n: number): Data {
  const { bitmap, nulls } = validity(values, start, n);
  const offsets = new Int32Array(n + 1);
  const strings: string[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const v = values[start + i];
    if (v !== null && v !== undefined) {
      const s = asString(v);
      strings.push(s);
      bytes += Buffer.byteLength(s, 'utf8');
    }
    offsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const s of strings) at += encoder.encodeInto(s, data.subarray(at)).written;
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount: nulls,
    nullBitmap: nulls ? bitmap : null,
    valueOffsets: offsets,
    data,
  });
}

/**
 * One Arrow column of `kind` from `values[start, start + n)`. Values must already have been
 * classified as `kind` by {@link ColumnInference}; null and undefined are nulls.
 */
export function buildColumn(
  kind: ColumnKind,
  values: ArrayLike<RawValue>,
  start: number,
  n: number,
): Data {
  if (kind === 'string') return buildUtf8(values, start, n);
  const { bitmap, nulls } = validity(values, start, n);
  const nullBitmap = nulls ? bitmap : null;
  switch (kind) {
    case 'bool': {
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const v = values[start + i];
        if (v === true || (typeof v === 'string' && (v.charCodeAt(0) | 32) === 116)) {
          data[i >> 3]! |= 1 << (i & 7);
        }
      }
      return makeData({ type: new Bool(), length: n, nullCount: nulls, nullBitmap, data });
    }
    case 'int64': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[start + i];
        if (typeof v === 'string') data[i] = BigInt(v);
        else if (typeof v === 'number') data[i] = BigInt(v);
      }
      return makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap, data });
    }
    case 'float64': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[start + i];
        if (typeof v === 'string') data[i] = parseFloatText(v);
        else if (typeof v === 'number') data[i] = v;
      }
      return makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap, data });
    }
    case 'timestamp':
    case 'timestamptz': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[start + i];
        if (typeof v === 'string') data[i] = BigInt(timestampMs(v));
      }
      const type = arrowType(kind) as TimestampMillisecond;
      return makeData({ type, length: n, nullCount: nulls, nullBitmap, data });
    }
  }
}

/** A record batch of `n` rows from per-column raw values, starting at row `start`. */
export function buildBatch(
  schema: Schema,
  kinds: readonly ColumnKind[],
  columns: readonly ArrayLike<RawValue>[],
  start: number,
  n: number,
): RecordBatch {
  const children = kinds.map((kind, i) => buildColumn(kind, columns[i]!, start, n));
  const data = makeData({
    type: new Struct(schema.fields),
    length: n,
    nullCount: 0,
    children,
  });
  return new RecordBatch(schema, data);
}

/** A batch with the schema and no rows: what a reader yields for a file without data rows. */
export function emptyBatch(schema: Schema): RecordBatch {
  return new RecordBatch(schema, undefined);
}
