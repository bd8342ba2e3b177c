/** Canonical Huffman codes for the inflater: built from code lengths into lookup tables. */

/** The most input bits a lookup table is indexed by. */
const FAST = 9;
const OFFS = new Uint16Array(16);
/** REV[x]: the FAST-bit number x with its bits in reverse order. */
const REV = new Uint16Array(1 << FAST).map((_, x) => {
  let r = 0;
  for (let b = 0; b < FAST; b++) r |= ((x >> b) & 1) << (FAST - 1 - b);
  return r;
});

/**
 * A canonical Huffman code: a lookup table on the next `bits` input bits (at most FAST, fewer
 * when the code is shorter, so small tables are cheap to build), and counts/symbols for codes
 * longer than the table.
 */
export class Huffman {
  readonly counts = new Uint16Array(16);
  readonly symbols: Uint16Array;
  /** (symbol << 4) | length for codes of at most `bits` bits, indexed by the next bits; 0 = slow path. */
  readonly fast = new Int32Array(1 << FAST);
  bits = FAST;
  mask = (1 << FAST) - 1;

  constructor(size: number) {
    this.symbols = new Uint16Array(size);
  }

  /** Builds from code lengths; false when the lengths over-subscribe the code space. */
  build(lengths: Uint8Array, n: number): boolean {
    const { counts, symbols, fast } = this;
    counts.fill(0);
    let maxLen = 1;
    for (let i = 0; i < n; i++) {
      const l = lengths[i]!;
      counts[l]!++;
      if (l > maxLen) maxLen = l;
    }
    counts[0] = 0;
    const bits = maxLen < FAST ? maxLen : FAST;
    const tableSize = 1 << bits;
    this.bits = bits;
    this.mask = tableSize - 1;
    fast.fill(0, 0, tableSize);
    const offs = OFFS;
    let left = 1;
    for (let len = 1; len < 16; len++) {
      left = (left << 1) - counts[len]!;
      if (left < 0) return false;
      offs[len] = len === 1 ? 0 : offs[len - 1]! + counts[len - 1]!;
    }
    for (let i = 0; i < n; i++) if (lengths[i]) symbols[offs[lengths[i]!]!++] = i;
    // Fill the fast table: canonical codes in order, bit-reversed (deflate sends them MSB first).
    let code = 0;
    let index = 0;
    for (let len = 1; len <= bits; len++) {
      for (let k = 0; k < counts[len]!; k++) {
        const rev = REV[code << (FAST - len)]!;
        const entry = (symbols[index + k]! << 4) | len;
        for (let j = rev; j < tableSize; j += 1 << len) fast[j] = entry;
        code++;
      }
      index += counts[len]!;
      code <<= 1;
    }
    return true;
  }
}

/** The fixed codes of block type 1 (RFC 1951 §3.2.6). */
export const fixedLit = new Huffman(288);
export const fixedDist = new Huffman(30);
{
  const l = new Uint8Array(288);
  l.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
  fixedLit.build(l, 288);
  fixedDist.build(new Uint8Array(30).fill(5), 30);
}
