import { RepoError } from '../errors.js';
import { applyDelta } from './delta.js';
import { inflate } from './inflate.js';
import { Lru } from './lru.js';
import type { PackIndex } from './pack-index.js';
import type { ObjectType, RawObject } from './types.js';

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

interface Entry {
  type: number;
  size: number;
  /** Where the zlib stream starts. */
  dataAt: number;
  /** OFS_DELTA: the base's offset. */
  baseOffset?: number;
  /** REF_DELTA: the base's name. */
  baseOid?: string;
}

/**
 * One packfile (read whole into memory: a registry's packs are small) with its index. Objects
 * are read by offset; deltas are resolved iteratively down the chain and every object on the
 * way is kept in a byte-bounded cache keyed by offset, as git's delta-base cache does, so
 * walking history newest-first mostly finds its bases cached.
 */
export class Pack {
  private readonly cache: Lru<number, RawObject>;

  constructor(
    readonly name: string,
    readonly index: PackIndex,
    private readonly data: Uint8Array,
    /** Reads an object by name from anywhere in the store (REF_DELTA bases). */
    private readonly readExternal: (oid: string) => RawObject,
    cacheBytes: number,
  ) {
    this.cache = new Lru(cacheBytes);
    if (data.length < 32 || String.fromCharCode(...data.subarray(0, 4)) !== 'PACK') {
      throw new RepoError('CORRUPT_OBJECT', `${name}: not a packfile`, { file: name });
    }
  }

  /** The object at `offset` (a value from this pack's index), deltas resolved. */
  readAt(offset: number): RawObject {
    const hit = this.cache.get(offset);
    if (hit) return hit;
    // Walk down to a base we have (cached, undeltified or external), then apply upwards.
    const chain: { offset: number; entry: Entry }[] = [];
    let base: RawObject | undefined;
    let at = offset;
    for (;;) {
      const cached = at === offset ? undefined : this.cache.get(at);
      if (cached) {
        base = cached;
        break;
      }
      const entry = this.entryAt(at);
      if (entry.type === OFS_DELTA) {
        chain.push({ offset: at, entry });
        at = entry.baseOffset!;
      } else if (entry.type === REF_DELTA) {
        chain.push({ offset: at, entry });
        const local = this.index.find(Buffer.from(entry.baseOid!, 'hex')); // not the store's scratch
        if (local < 0) {
          base = this.readExternal(entry.baseOid!);
          break;
        }
        at = local;
      } else {
        const type = TYPES[entry.type];
        if (!type) this.corrupt(at, `unknown object type ${entry.type}`);
        base = { type, data: this.inflateAt(entry, at) };
        this.remember(at, base);
        break;
      }
      if (chain.length > 10_000) this.corrupt(offset, 'delta chain too long');
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const { offset: o, entry } = chain[i]!;
      base = { type: base.type, data: applyDelta(base.data, this.inflateAt(entry, o)) };
      this.remember(o, base);
    }
    return base;
  }

  private remember(offset: number, obj: RawObject): void {
    this.cache.set(offset, obj, obj.data.length + 64);
  }

  private inflateAt(entry: Entry, offset: number): Uint8Array {
    try {
      return inflate(this.data, entry.size, this.name, entry.dataAt);
    } catch (e) {
      if (e instanceof RepoError) this.corrupt(offset, e.message);
      throw e;
    }
  }

  private entryAt(offset: number): Entry {
    const d = this.data;
    let pos = offset;
    let byte = d[pos++] ?? this.corrupt(offset, 'offset past end');
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = d[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (type === OFS_DELTA) {
      byte = d[pos++]!;
      let back = byte & 0x7f;
      while (byte & 0x80) {
        byte = d[pos++]!;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      if (back > offset) this.corrupt(offset, 'delta base before start of pack');
      return { type, size, dataAt: pos, baseOffset: offset - back };
    }
    if (type === REF_DELTA) {
      const baseOid = Buffer.from(d.buffer, d.byteOffset + pos, 20).toString('hex');
      return { type, size, dataAt: pos + 20, baseOid };
    }
    return { type, size, dataAt: pos };
  }

  private corrupt(offset: number, why: string): never {
    throw new RepoError('CORRUPT_OBJECT', `${this.name}@${offset}: ${why}`, {
      file: this.name,
      offset,
    });
  }
}
