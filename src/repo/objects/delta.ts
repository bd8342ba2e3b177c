import { RepoError } from '../errors.js';

/**
 * Applies a git delta (the payload of an OFS_DELTA or REF_DELTA pack entry) to its base:
 * two size varints, then copy-from-base and insert-literal instructions.
 */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array {
  let pos = 0;
  let baseSize = 0;
  let byte: number;
  let shift = 0;
  do {
    byte = delta[pos++] ?? corrupt('truncated size');
    baseSize += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  let outSize = 0;
  shift = 0;
  do {
    byte = delta[pos++] ?? corrupt('truncated size');
    outSize += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  if (baseSize !== base.length) corrupt(`base is ${base.length} bytes, delta expects ${baseSize}`);
  // Every byte is written below; the pooled allocation avoids a zeroed backing store per object.
  const out = Buffer.allocUnsafe(outSize);
  let o = 0;
  while (pos < delta.length) {
    const op = delta[pos++]!;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      if (op & 0x01) offset = delta[pos++]!;
      if (op & 0x02) offset |= delta[pos++]! << 8;
      if (op & 0x04) offset |= delta[pos++]! << 16;
      if (op & 0x08) offset += delta[pos++]! * 0x1000000;
      if (op & 0x10) size = delta[pos++]!;
      if (op & 0x20) size |= delta[pos++]! << 8;
      if (op & 0x40) size |= delta[pos++]! << 16;
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || o + size > outSize) corrupt('copy out of range');
      if (size > 32) out.set(base.subarray(offset, offset + size), o);
      else for (let i = 0; i < size; i++) out[o + i] = base[offset + i]!;
      o += size;
    } else if (op !== 0) {
      if (pos + op > delta.length || o + op > outSize) corrupt('insert out of range');
      for (let i = 0; i < op; i++) out[o + i] = delta[pos + i]!;
      pos += op;
      o += op;
    } else {
      corrupt('reserved opcode 0');
    }
  }
  if (o !== outSize) corrupt(`result is ${o} bytes, delta promised ${outSize}`);
  return out;
}

function corrupt(why: string): never {
  throw new RepoError('CORRUPT_OBJECT', `bad delta: ${why}`);
}
