/**
 * Join keys as dense integer ids, shared by the entity rows and every view that joins on the
 * same keys, so the join compares int32s and can counting-sort by key.
 */
import type { Column } from './frames.js';
import { JoinError } from './errors.js';

const TWO32 = 4294967296;

/**
 * An open-addressing hash table from a 64-bit value (as two int32 halves) to a dense id in
 * order of first sight. Integer keys and pairs of ids both go through it, with no allocation
 * per lookup (a `Map<bigint, …>` would box every int64).
 */
export class PairTable {
  private slots: Int32Array;
  private his: Int32Array;
  private los: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.his = new Int32Array(Math.max(8, expected));
    this.los = new Int32Array(Math.max(8, expected));
  }

  /** The id of (hi, lo), a new one when unseen. */
  id(hi: number, lo: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = slots[s]!;
      if (id < 0) return this.insert(s, hi, lo);
      if (this.los[id] === lo && this.his[id] === hi) return id;
    }
  }

  private insert(slot: number, hi: number, lo: number): number {
    const id = this.size++;
    if (id >= this.his.length) {
      const his = new Int32Array(this.his.length * 2);
      his.set(this.his);
      this.his = his;
      const los = new Int32Array(this.los.length * 2);
      los.set(this.los);
      this.los = los;
    }
    this.his[id] = hi;
    this.los[id] = lo;
    this.slots[slot] = id;
    if (this.size * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    const n = this.size;
    this.size = 0;
    // re-inserting in id order gives every pair its old id back
    for (let id = 0; id < n; id++) {
      const hi = this.his[id]!;
      const lo = this.los[id]!;
      let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      let s = h & this.mask;
      while (this.slots[s]! >= 0) s = (s + 1) & this.mask;
      this.slots[s] = id;
      this.size++;
    }
  }
}

/** Per-row ids of one key column, -1 for null, through a table shared by every side. */
function integerIds(col: Column, table: PairTable): Int32Array {
  const n = col.dtype === 'string' ? col.codes.length : col.values.length;
  const out = new Int32Array(n);
  switch (col.dtype) {
    case 'int64': {
      // the halves of each int64, read without making a bigint per row
      const v = new Int32Array(col.values.buffer, col.values.byteOffset, n * 2);
      for (let i = 0; i < n; i++) out[i] = table.id(v[2 * i + 1]!, v[2 * i]!);
      break;
    }
    case 'int32':
    case 'bool':
      for (let i = 0; i < n; i++) {
        const x = col.values[i]!;
        out[i] = table.id(x >> 31, x);
      }
      break;
    case 'float64':
    case 'float32':
    case 'unix_timestamp':
      // integers written as floats (pandas' int column with a NaN) match their int64 selves
      for (let i = 0; i < n; i++) {
        const x = col.values[i]!;
        if (col.valid && col.valid[i] === 0) continue;
        if (!Number.isInteger(x)) {
          throw new JoinError(`join key ${col.name} has a non-integer value ${x} at row ${i}`);
        }
        const hi = Math.floor(x / TWO32);
        out[i] = table.id(hi, (x - hi * TWO32) | 0);
      }
      break;
    default:
      throw new JoinError(`join key ${col.name} is ${col.dtype}: keys are strings or integers`);
  }
  if (col.valid) for (let i = 0; i < n; i++) if (col.valid[i] === 0) out[i] = -1;
  return out;
}

/** Per-row ids of a string key column: its dictionary mapped once, then each code. */
function stringIds(col: Column & { dtype: 'string' }, shared: Map<string, number>): Int32Array {
  const remap = new Int32Array(col.dict.length);
  col.dict.forEach((s, c) => {
    let id = shared.get(s);
    if (id === undefined) shared.set(s, (id = shared.size));
    remap[c] = id;
  });
  const out = new Int32Array(col.codes.length);
  for (let i = 0; i < out.length; i++) {
    const c = col.codes[i]!;
    out[i] = c < 0 ? -1 : remap[c]!;
  }
  return out;
}

/**
 * Dense key ids for several sides (the entity rows, then views) that join on the same keys:
 * `sides[s][k]` is side s's k-th key column. A row with any null key gets -1. Ids are shared,
 * so equal keys on two sides get the same id; `count` bounds them all.
 */
export function encodeKeys(sides: Column[][]): { ids: Int32Array[]; count: number } {
  const width = sides[0]?.length ?? 0;
  let ids: Int32Array[] = [];
  let count = 0;
  for (let k = 0; k < width; k++) {
    const cols = sides.map((s) => s[k]!);
    const strings = cols.filter((c) => c.dtype === 'string').length;
    if (strings > 0 && strings < cols.length) {
      const kinds = cols.map((c) => `${c.name}: ${c.dtype}`).join(', ');
      throw new JoinError(`join key ${cols[0]!.name} is a string on one side only (${kinds})`);
    }
    let colIds: Int32Array[];
    let colCount: number;
    if (strings) {
      const shared = new Map<string, number>();
      colIds = cols.map((c) => stringIds(c as Column & { dtype: 'string' }, shared));
      colCount = shared.size;
    } else {
      const table = new PairTable();
      colIds = cols.map((c) => integerIds(c, table));
      colCount = table.size;
    }
    if (k === 0) {
      ids = colIds;
      count = colCount;
      continue;
    }
    // a composite key: the pair (ids so far, this column's id) densified to one id
    const pairs = new PairTable();
    ids = ids.map((prev, s) => {
      const next = colIds[s]!;
      for (let i = 0; i < prev.length; i++) {
        const a = prev[i]!;
        const b = next[i]!;
        prev[i] = a < 0 || b < 0 ? -1 : pairs.id(a, b);
      }
      return prev;
    });
    count = pairs.size;
  }
  return { ids, count };
}
