/**
 * Arrow UTF-8 columns dictionary-encoded straight from their bytes: each row's bytes are
 * hashed and compared in place, and a string is decoded only the first time its bytes are
 * seen, so 10M rows of 100k distinct keys make 100k strings, not 10M.
 */
const decoder = new TextDecoder();

export class Utf8Interner {
  /** The distinct values so far, in order of first sight: their code is their index. */
  readonly dict: string[] = [];
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  /** Where distinct value c's bytes are in the arena: `[starts[c], starts[c + 1])`. */
  private starts = new Int32Array(1024 + 1);
  private slots = new Int32Array(2048).fill(-1);

  /** The code of the bytes `data[from, to)`. */
  code(data: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5 ^ (to - from);
    for (let i = from; i < to; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
    h ^= h >>> 15;
    const mask = this.slots.length - 1;
    const len = to - from;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const c = this.slots[s]!;
      if (c < 0) return this.add(s, data, from, to);
      const a = this.starts[c]!;
      if (this.starts[c + 1]! - a !== len) continue;
      let same = true;
      for (let i = 0; i < len && same; i++) same = this.arena[a + i] === data[from + i];
      if (same) return c;
    }
  }

  private add(slot: number, data: Uint8Array, from: number, to: number): number {
    const c = this.dict.length;
    const len = to - from;
    if (this.used + len > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    this.arena.set(data.subarray(from, to), this.used);
    if (c + 2 > this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.starts[c] = this.used;
    this.used += len;
    this.starts[c + 1] = this.used;
    this.dict.push(decoder.decode(data.subarray(from, to)));
    this.slots[slot] = c;
    if (this.dict.length * 2 > this.slots.length) this.rehash();
    return c;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let c = 0; c < this.dict.length; c++) {
      const a = this.starts[c]!;
      const b = this.starts[c + 1]!;
      let h = 0x811c9dc5 ^ (b - a);
      for (let i = a; i < b; i++) h = Math.imul(h ^ this.arena[i]!, 0x01000193);
      h ^= h >>> 15;
      let s = h & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = c;
    }
    this.slots = slots;
  }
}
