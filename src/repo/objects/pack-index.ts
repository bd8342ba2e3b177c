import { RepoError } from '../errors.js';

const MAGIC = 0xff744f63; // "\377tOc"

/**
 * A version-2 pack index (`.idx`): a 256-entry fan-out table, the sorted object names, their
 * CRCs and their offsets in the pack (31-bit, or an index into a table of 64-bit offsets).
 * Lookups binary-search the names between two fan-out entries.
 */
export class PackIndex {
  readonly count: number;
  private readonly view: DataView;
  private readonly namesAt: number;
  private readonly offsetsAt: number;
  private readonly bigOffsetsAt: number;

  constructor(
    private readonly buf: Uint8Array,
    name: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (buf.length < 8 + 1024 || this.view.getUint32(0) !== MAGIC || this.view.getUint32(4) !== 2) {
      throw new RepoError('CORRUPT_OBJECT', `${name}: not a version-2 pack index`, { file: name });
    }
    this.count = this.view.getUint32(8 + 255 * 4);
    this.namesAt = 8 + 1024;
    this.offsetsAt = this.namesAt + this.count * 20 + this.count * 4;
    this.bigOffsetsAt = this.offsetsAt + this.count * 4;
    if (buf.length < this.bigOffsetsAt + 40) {
      throw new RepoError('CORRUPT_OBJECT', `${name}: truncated pack index`, { file: name });
    }
  }

  /** Offset in the pack of the object with this binary name, or -1. */
  find(oid: Uint8Array): number {
    let lo = oid[0]! === 0 ? 0 : this.view.getUint32(8 + (oid[0]! - 1) * 4);
    let hi = this.view.getUint32(8 + oid[0]! * 4);
    const buf = this.buf;
    const view = this.view;
    // Most probes are decided by the first four bytes: compare them as one number.
    const head = ((oid[0]! << 24) | (oid[1]! << 16) | (oid[2]! << 8) | oid[3]!) >>> 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.namesAt + mid * 20;
      const first = view.getUint32(at);
      let cmp = first - head;
      for (let i = 4; cmp === 0 && i < 20; i++) cmp = buf[at + i]! - oid[i]!;
      if (cmp === 0) return this.offsetAt(mid);
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** Up to `max` full names starting with the (lower-case) hex prefix. */
  findPrefix(prefix: string, max: number): string[] {
    const first = parseInt(prefix.slice(0, 2).padEnd(2, '0'), 16);
    const lo0 = first === 0 ? 0 : this.view.getUint32(8 + (first - 1) * 4);
    const hi0 = prefix.length >= 2 ? this.view.getUint32(8 + first * 4) : this.count;
    let lo = lo0;
    let hi = hi0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.oidAt(mid) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < this.count && out.length < max; i++) {
      const oid = this.oidAt(i);
      if (!oid.startsWith(prefix)) break;
      out.push(oid);
    }
    return out;
  }

  oidAt(i: number): string {
    const at = this.namesAt + i * 20;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + at, 20).toString('hex');
  }

  offsetAt(i: number): number {
    const small = this.view.getUint32(this.offsetsAt + i * 4);
    if ((small & 0x80000000) === 0) return small;
    const big = this.bigOffsetsAt + (small & 0x7fffffff) * 8;
    return this.view.getUint32(big) * 2 ** 32 + this.view.getUint32(big + 4);
  }
}
