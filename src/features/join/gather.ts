/** A column's rows picked by index (-1 for null): how matched feature rows become output. */
import type { Column, Validity } from './frames.js';

function gatherValidity(valid: Validity, rows: Int32Array): Uint8Array | null {
  const n = rows.length;
  const out = new Uint8Array(n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const v = r >= 0 && (valid === null || valid[r] === 1) ? 1 : 0;
    out[i] = v;
    nulls += 1 - v;
  }
  return nulls ? out : null;
}

/** `col`'s rows at `rows` (row -1 is null), renamed `name`. */
export function gather(col: Column, rows: Int32Array, name: string): Column {
  const n = rows.length;
  switch (col.dtype) {
    case 'string': {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        codes[i] = r >= 0 ? col.codes[r]! : -1;
      }
      return { name, dtype: 'string', codes, dict: col.dict };
    }
    case 'bytes': {
      const values = new Array<Uint8Array | null>(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        values[i] = r >= 0 ? (col.values[r] ?? null) : null;
      }
      return { name, dtype: 'bytes', values };
    }
    case 'int64': {
      // copied as int32 halves: reading a BigInt64Array makes a bigint per element
      const src = new Int32Array(col.values.buffer, col.values.byteOffset, col.values.length * 2);
      const values = new BigInt64Array(n);
      const dst = new Int32Array(values.buffer);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        if (r < 0) continue;
        dst[2 * i] = src[2 * r]!;
        dst[2 * i + 1] = src[2 * r + 1]!;
      }
      return { name, dtype: 'int64', values, valid: gatherValidity(col.valid, rows) };
    }
    case 'int32': {
      const values = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        if (r >= 0) values[i] = col.values[r]!;
      }
      return { name, dtype: 'int32', values, valid: gatherValidity(col.valid, rows) };
    }
    case 'bool': {
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        if (r >= 0) values[i] = col.values[r]!;
      }
      return { name, dtype: 'bool', values, valid: gatherValidity(col.valid, rows) };
    }
    default: {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        if (r >= 0) values[i] = col.values[r]!;
      }
      const valid = gatherValidity(col.valid, rows);
      const out: Column = { name, dtype: col.dtype, values, valid };
      if (col.timezone !== undefined) out.timezone = col.timezone;
      return out;
    }
  }
}
