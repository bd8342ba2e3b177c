/**
 * A small inflater (RFC 1950/1951) for the many tiny zlib streams of a history walk: commits,
 * trees and deltas of about a hundred bytes, where creating a native zlib stream per object
 * costs several times the decoding. Decodes into an output of known size, verifies the
 * Adler-32 check, and returns null for anything it does not expect (a preset dictionary, a
 * size mismatch, a malformed stream) so the caller can let native zlib report the error.
 */
import { Huffman, fixedDist, fixedLit } from './huffman.js';

const LEN_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LEN_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const dynLit = new Huffman(288);
const dynDist = new Huffman(30);
const clCode = new Huffman(19);
const lengths = new Uint8Array(288 + 32);

class Malformed extends Error {}

/** Inflates the zlib stream at `input[start]` into exactly `size` bytes, or returns null. */
export function jsInflate(input: Uint8Array, size: number, start = 0): Uint8Array | null {
  const cmf = input[start] ?? 0;
  const flg = input[start + 1] ?? 0;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) return null;
  try {
    return inflater.reset(input, start + 2, size).run();
  } catch (e) {
    if (e instanceof Malformed) return null;
    throw e;
  }
}

/** One stream's decoding state; methods, not closures, so the hot loop stays monomorphic. */
class Inflater {
  private input: Uint8Array = new Uint8Array(0);
  private size = 0;
  private pos = 0;
  private bitbuf = 0;
  private bitcnt = 0;
  private o = 0;
  private out: Uint8Array = new Uint8Array(0);

  /** Starts on a new stream (one instance serves all: inflating is synchronous). */
  reset(input: Uint8Array, pos: number, size: number): this {
    this.input = input;
    this.pos = pos;
    this.size = size;
    this.bitbuf = 0;
    this.bitcnt = 0;
    this.o = 0;
    this.out = Buffer.allocUnsafe(size); // fully written before it is returned
    return this;
  }

  run(): Uint8Array | null {
    const { input, size, out } = this;
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) {
        if (!this.stored()) return null;
        continue;
      }
      let lit = fixedLit;
      let dist = fixedDist;
      if (type === 2) {
        if (!this.dynamic()) return null;
        lit = dynLit;
        dist = dynDist;
      } else if (type !== 1) {
        return null;
      }
      if (!this.codes(lit, dist)) return null;
    }
    if (this.o !== size) return null;
    // Adler-32, big-endian, after the last whole byte.
    const pos = this.pos - (this.bitcnt >> 3);
    if (pos + 4 > input.length) return null;
    const want =
      ((input[pos]! << 24) | (input[pos + 1]! << 16) | (input[pos + 2]! << 8) | input[pos + 3]!) >>>
      0;
    return adler32(out) === want ? out : null;
  }

  /**
   * Decodes one Huffman-coded block to its end-of-block symbol: the hot loop, on local copies
   * of the bit state (written back around the rare slow path and at the end).
   */
  private codes(lit: Huffman, dist: Huffman): boolean {
    const { input, out, size } = this;
    const inLen = input.length;
    const lfast = lit.fast;
    const lmask = lit.mask;
    const dfast = dist.fast;
    const dmask = dist.mask;
    let { pos, bitbuf, bitcnt, o } = this;
    for (;;) {
      // Keep at least 24 bits at hand (fewer only at the end of the input).
      while (bitcnt < 24 && pos < inLen) {
        bitbuf |= input[pos++]! << bitcnt;
        bitcnt += 8;
      }
      let sym: number;
      let entry = lfast[bitbuf & lmask]!;
      if (entry !== 0 && (entry & 15) <= bitcnt) {
        bitbuf >>>= entry & 15;
        bitcnt -= entry & 15;
        sym = entry >> 4;
      } else {
        Object.assign(this, { pos, bitbuf, bitcnt });
        sym = this.slowDecode(lit);
        ({ pos, bitbuf, bitcnt } = this);
      }
      if (sym < 256) {
        if (o >= size) return false;
        out[o++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li >= 29) return false;
      let extra = LEN_EXTRA[li]!;
      if (bitcnt < extra) throw new Malformed();
      const len = LEN_BASE[li]! + (bitbuf & ((1 << extra) - 1));
      bitbuf >>>= extra;
      bitcnt -= extra;
      while (bitcnt < 24 && pos < inLen) {
        bitbuf |= input[pos++]! << bitcnt;
        bitcnt += 8;
      }
      entry = dfast[bitbuf & dmask]!;
      let di: number;
      if (entry !== 0 && (entry & 15) <= bitcnt) {
        bitbuf >>>= entry & 15;
        bitcnt -= entry & 15;
        di = entry >> 4;
      } else {
        Object.assign(this, { pos, bitbuf, bitcnt });
        di = this.slowDecode(dist);
        ({ pos, bitbuf, bitcnt } = this);
      }
      if (di >= 30) return false;
      extra = DIST_EXTRA[di]!;
      while (bitcnt < extra && pos < inLen) {
        bitbuf |= input[pos++]! << bitcnt;
        bitcnt += 8;
      }
      if (bitcnt < extra) throw new Malformed();
      const d = DIST_BASE[di]! + (bitbuf & ((1 << extra) - 1));
      bitbuf >>>= extra;
      bitcnt -= extra;
      if (d > o || o + len > size) return false;
      for (const end = o + len; o < end; o++) out[o] = out[o - d]!;
    }
    Object.assign(this, { pos, bitbuf, bitcnt, o });
    return true;
  }

  private stored(): boolean {
    const { input } = this;
    // Align to a byte: drop the partial byte, give back whole bytes read ahead.
    let pos = this.pos - (this.bitcnt >> 3);
    this.bitbuf = 0;
    this.bitcnt = 0;
    if (pos + 4 > input.length) return false;
    const len = input[pos]! | (input[pos + 1]! << 8);
    const nlen = input[pos + 2]! | (input[pos + 3]! << 8);
    pos += 4;
    if ((len ^ 0xffff) !== nlen || pos + len > input.length || this.o + len > this.size)
      return false;
    this.out.set(input.subarray(pos, pos + len), this.o);
    this.pos = pos + len;
    this.o += len;
    return true;
  }

  private dynamic(): boolean {
    const hlit = this.bits(5) + 257;
    const hdist = this.bits(5) + 1;
    const hclen = this.bits(4) + 4;
    lengths.fill(0, 0, 19);
    for (let i = 0; i < hclen; i++) lengths[CL_ORDER[i]!] = this.bits(3);
    if (!clCode.build(lengths, 19)) return false;
    const total = hlit + hdist;
    for (let i = 0; i < total;) {
      const sym = this.decode(clCode);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let rep: number;
      let val = 0;
      if (sym === 16) {
        if (i === 0) return false;
        val = lengths[i - 1]!;
        rep = 3 + this.bits(2);
      } else rep = sym === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      if (i + rep > total) return false;
      lengths.fill(val, i, i + rep);
      i += rep;
    }
    return dynLit.build(lengths, hlit) && dynDist.build(lengths.subarray(hlit), hdist);
  }

  private bits(n: number): number {
    while (this.bitcnt < n) {
      if (this.pos >= this.input.length) throw new Malformed();
      this.bitbuf |= this.input[this.pos++]! << this.bitcnt;
      this.bitcnt += 8;
    }
    const v = this.bitbuf & ((1 << n) - 1);
    this.bitbuf >>>= n;
    this.bitcnt -= n;
    return v;
  }

  private decode(h: Huffman): number {
    // Top up to the table's bits if the input allows; near the end fewer may be left.
    while (this.bitcnt < h.bits && this.pos < this.input.length) {
      this.bitbuf |= this.input[this.pos++]! << this.bitcnt;
      this.bitcnt += 8;
    }
    const entry = h.fast[this.bitbuf & h.mask]!;
    const len = entry & 15;
    if (entry !== 0 && len <= this.bitcnt) {
      this.bitbuf >>>= len;
      this.bitcnt -= len;
      return entry >> 4;
    }
    return this.slowDecode(h);
  }

  /** Walks the canonical code one bit at a time (codes longer than the table, or the last bits). */
  private slowDecode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let l = 1; l < 16; l++) {
      code |= this.bits(1);
      const count = h.counts[l]!;
      if (code - first < count) return h.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Malformed();
  }
}

const inflater = new Inflater();

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
