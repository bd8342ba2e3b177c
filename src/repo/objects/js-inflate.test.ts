import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RepoError } from '../errors.js';
import { inflate } from './inflate.js';
import { jsInflate } from './js-inflate.js';

/** Deterministic bytes with some repetition, so deflate uses matches as well as literals. */
function sample(n: number, seed: number): Buffer {
  let s = seed;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = s % 3 === 0 ? 97 + (i % 13) : s >> 16;
  }
  return out;
}

const strategies = {
  default: constants.Z_DEFAULT_STRATEGY,
  fixed: constants.Z_FIXED,
  huffmanOnly: constants.Z_HUFFMAN_ONLY,
  rle: constants.Z_RLE,
  filtered: constants.Z_FILTERED,
};

describe('jsInflate', () => {
  it.each(Object.keys(strategies))(
    'round-trips what zlib deflates (%s strategy, levels 0-9)',
    (name) => {
      const strategy = strategies[name as keyof typeof strategies];
      for (const size of [0, 1, 57, 300, 4000, 70_000]) {
        for (const level of [0, 1, 6, 9]) {
          const data = sample(size, size + level);
          const out = jsInflate(deflateSync(data, { level, strategy }), size);
          expect(out && Buffer.from(out).equals(data), `${size} bytes, level ${level}`).toBe(true);
        }
      }
    },
  );

  it('reads a stream that starts inside a larger buffer, ignoring what follows it', () => {
    const data = sample(500, 1);
    const z = deflateSync(data);
    const packed = Buffer.concat([Buffer.from('header'), z, Buffer.from('next object')]);
    expect(Buffer.from(jsInflate(packed, 500, 6)!).equals(data)).toBe(true);
  });

  it('declines (null) a wrong size, a bad checksum, a truncated stream and a non-zlib header', () => {
    const data = sample(300, 2);
    const z = deflateSync(data);
    expect(jsInflate(z, 299)).toBeNull();
    expect(jsInflate(z, 301)).toBeNull();
    const badSum = Buffer.from(z);
    badSum[badSum.length - 1]! ^= 1;
    expect(jsInflate(badSum, 300)).toBeNull();
    expect(jsInflate(z.subarray(0, z.length - 10), 300)).toBeNull();
    expect(jsInflate(Buffer.from([0x1f, 0x8b, 8, 0]), 4)).toBeNull();
  });
});

describe('inflate', () => {
  it('inflates objects of unknown size and large ones through native zlib', () => {
    const big = sample(200_000, 3);
    expect(Buffer.from(inflate(deflateSync(big), big.length, 'big')).equals(big)).toBe(true);
    expect(Buffer.from(inflate(deflateSync(big), undefined, 'loose')).equals(big)).toBe(true);
  });

  it('reports a corrupt stream as CORRUPT_OBJECT naming the object', () => {
    const z = deflateSync(sample(300, 4));
    const broken = Buffer.from(z);
    broken[10]! ^= 0xff;
    broken[11]! ^= 0xff;
    const err = (() => {
      try {
        inflate(broken, 300, 'pack-1.pack');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RepoError);
    expect((err as RepoError).code).toBe('CORRUPT_OBJECT');
    expect((err as RepoError).message).toMatch(/^pack-1\.pack: /);
  });
});
