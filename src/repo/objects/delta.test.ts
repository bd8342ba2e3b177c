import { describe, expect, it } from 'vitest';
import { RepoError } from '../errors.js';
import { applyDelta } from './delta.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('applyDelta', () => {
  it('copies from the base and inserts literals', () => {
    const base = bytes('hello world');
    // sizes 11 → 18; copy 0+6; insert "there "; copy 6+5; insert "!"
    const delta = Uint8Array.from([
      11,
      18,
      0x90,
      6,
      6,
      ...bytes('there '),
      0x91,
      6,
      5,
      1,
      ...bytes('!'),
    ]);
    expect(text(applyDelta(base, delta))).toBe('hello there world!');
  });

  it('reads multi-byte sizes and offsets, and size 0 as 0x10000', () => {
    const base = new Uint8Array(70_000).map((_, i) => i % 251);
    // target = base[300 .. 300+0x10000]; sizes as varints
    const varint = (n: number) => {
      const out: number[] = [];
      do {
        out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
        n = Math.floor(n / 128);
      } while (n > 0);
      return out;
    };
    const delta = Uint8Array.from([
      ...varint(70_000),
      ...varint(0x10000),
      0x83,
      300 & 0xff,
      300 >> 8,
    ]);
    const out = applyDelta(base, delta);
    expect(out.length).toBe(0x10000);
    expect(out[0]).toBe(300 % 251);
    expect(out[0xffff]).toBe((300 + 0xffff) % 251);
  });

  it('refuses a base of the wrong size, a copy out of range and a short result', () => {
    const base = bytes('hello');
    const code = (d: number[]) => {
      try {
        applyDelta(base, Uint8Array.from(d));
      } catch (e) {
        return e instanceof RepoError ? `${e.code}: ${e.message}` : String(e);
      }
      return 'ok';
    };
    expect(code([4, 1, 1, 0x41])).toBe(
      'CORRUPT_OBJECT: bad delta: base is 5 bytes, delta expects 4',
    );
    expect(code([5, 3, 0x91, 4, 3])).toBe('CORRUPT_OBJECT: bad delta: copy out of range');
    expect(code([5, 3, 1, 0x41])).toBe(
      'CORRUPT_OBJECT: bad delta: result is 1 bytes, delta promised 3',
    );
    expect(code([5, 1, 0])).toBe('CORRUPT_OBJECT: bad delta: reserved opcode 0');
  });
});
