/** Per feature column of a join result: non-null count and sum, as pandas' side prints them. */
import type { ResultFrame } from '../src/features/join/index.js';

export function checksum(result: ResultFrame): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const col of result.columns) {
    if (!col.name.includes('__')) continue;
    let n = 0;
    let sum = 0;
    if (col.dtype === 'float64' || col.dtype === 'int64') {
      for (let i = 0; i < col.values.length; i++) {
        if (col.valid && col.valid[i] === 0) continue;
        n++;
        sum += Number(col.values[i]);
      }
    }
    out[col.name] = [n, sum];
  }
  return out;
}
