import type * as NodeFs from 'node:fs';
import { join } from 'node:path';
import { RepoError, isFsError } from '../errors.js';
import { inflate } from './inflate.js';
import { Lru } from './lru.js';
import { PackIndex } from './pack-index.js';
import { Pack } from './pack.js';
import type { ObjectType, RawObject } from './types.js';

type SyncFs = Pick<typeof NodeFs, 'readFileSync' | 'readdirSync'>;

const PACK_CACHE_BYTES = 48 << 20;
const LOOSE_CACHE_BYTES = 16 << 20;
const OID = /^[0-9a-f]{40}$/;
/** The binary name being looked up (reused: lookups are synchronous). */
const scratch = Buffer.alloc(20);

/**
 * Read-only access to a git object database: packs (looked up through their `.idx`), loose
 * objects, and the stores named in `info/alternates`. Reads are synchronous: a history walk
 * reads tens of thousands of small objects and an `await` per object would cost more than
 * the reads. New packs (after a `git gc` elsewhere) are picked up when an object is missed.
 */
export class ObjectStore {
  private packs: Pack[] | undefined;
  private readonly packsByName = new Map<string, Pack>();
  private alternates: ObjectStore[] | undefined;
  private readonly loose = new Lru<string, RawObject>(LOOSE_CACHE_BYTES);

  constructor(
    private readonly fs: SyncFs,
    readonly objectsDir: string,
  ) {}

  /** The object named `oid`; throws `MISSING_OBJECT` when no store has it. */
  read(oid: string): RawObject {
    const found = this.tryRead(oid, true);
    if (!found) throw new RepoError('MISSING_OBJECT', `object ${oid} not found`, { oid });
    return found;
  }

  /** The content of `oid`, which must be of `type`. */
  readAs(oid: string, type: ObjectType): Uint8Array {
    const obj = this.read(oid);
    if (obj.type !== type) {
      throw new RepoError('CORRUPT_OBJECT', `object ${oid} is a ${obj.type}, not a ${type}`, {
        oid,
        type: obj.type,
        expected: type,
      });
    }
    return obj.data;
  }

  has(oid: string): boolean {
    return this.tryRead(oid, true) !== undefined;
  }

  /** Up to `max` object names starting with a hex prefix, from every store. */
  findPrefix(prefix: string, max = 2): string[] {
    const found = new Set<string>();
    for (const pack of this.loadPacks()) {
      for (const oid of pack.index.findPrefix(prefix, max)) found.add(oid);
    }
    if (prefix.length >= 2) {
      try {
        for (const name of this.fs.readdirSync(join(this.objectsDir, prefix.slice(0, 2)))) {
          const oid = prefix.slice(0, 2) + name;
          if (OID.test(oid) && oid.startsWith(prefix)) found.add(oid);
        }
      } catch (e) {
        if (!isFsError(e, 'ENOENT')) throw e;
      }
    }
    for (const alt of this.loadAlternates()) {
      for (const oid of alt.findPrefix(prefix, max)) found.add(oid);
    }
    return [...found].sort().slice(0, max);
  }

  private tryRead(oid: string, rescan: boolean): RawObject | undefined {
    const packs = this.loadPacks();
    if (packs.length > 0 && scratch.write(oid, 'hex') === 20) {
      for (const pack of packs) {
        const offset = pack.index.find(scratch);
        if (offset >= 0) return pack.readAt(offset);
      }
    }
    if (!OID.test(oid))
      throw new RepoError('MISSING_OBJECT', `not an object name: ${oid}`, { oid });
    const loose = this.readLoose(oid);
    if (loose) return loose;
    for (const alt of this.loadAlternates()) {
      const found = alt.tryRead(oid, rescan);
      if (found) return found;
    }
    if (!rescan || !this.rescanPacks()) return undefined;
    return this.tryRead(oid, false);
  }

  private readLoose(oid: string): RawObject | undefined {
    const hit = this.loose.get(oid);
    if (hit) return hit;
    let compressed: Uint8Array;
    try {
      compressed = this.fs.readFileSync(join(this.objectsDir, oid.slice(0, 2), oid.slice(2)));
    } catch (e) {
      if (isFsError(e, 'ENOENT') || isFsError(e, 'ENOTDIR')) return undefined;
      throw e;
    }
    const raw = inflate(compressed, undefined, `loose object ${oid}`);
    const space = raw.indexOf(0x20);
    const nul = raw.indexOf(0, space);
    const type = Buffer.from(raw.subarray(0, space)).toString('latin1');
    const size = Number(Buffer.from(raw.subarray(space + 1, nul)).toString('latin1'));
    if (!isType(type) || nul < 0 || size !== raw.length - nul - 1) {
      throw new RepoError('CORRUPT_OBJECT', `loose object ${oid}: bad header`, { oid });
    }
    const obj: RawObject = { type, data: raw.subarray(nul + 1) };
    this.loose.set(oid, obj, raw.length + 64);
    return obj;
  }

  private loadPacks(): Pack[] {
    if (!this.packs) this.rescanPacks();
    return this.packs!;
  }

  /** Opens packs not seen before; true when there were any. */
  private rescanPacks(): boolean {
    const dir = join(this.objectsDir, 'pack');
    let names: string[];
    try {
      names = this.fs.readdirSync(dir).filter((n) => n.endsWith('.idx'));
    } catch (e) {
      if (!isFsError(e, 'ENOENT')) throw e;
      names = [];
    }
    let added = false;
    for (const idxName of names.sort()) {
      const base = idxName.slice(0, -4);
      if (this.packsByName.has(base)) continue;
      let index: PackIndex;
      let data: Uint8Array;
      try {
        index = new PackIndex(this.fs.readFileSync(join(dir, idxName)), idxName);
        data = this.fs.readFileSync(join(dir, `${base}.pack`));
      } catch (e) {
        // A pack being written (no .pack yet) or removed under us: skip it this time.
        if (isFsError(e, 'ENOENT')) continue;
        throw e;
      }
      const pack = new Pack(`${base}.pack`, index, data, (oid) => this.read(oid), PACK_CACHE_BYTES);
      this.packsByName.set(base, pack);
      added = true;
    }
    this.packs = [...this.packsByName.values()];
    return added;
  }

  private loadAlternates(): ObjectStore[] {
    if (this.alternates) return this.alternates;
    let text = '';
    try {
      text = String(this.fs.readFileSync(join(this.objectsDir, 'info', 'alternates'), 'utf8'));
    } catch (e) {
      if (!isFsError(e, 'ENOENT')) throw e;
    }
    this.alternates = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => new ObjectStore(this.fs, l.startsWith('/') ? l : join(this.objectsDir, l)));
    return this.alternates;
  }
}

function isType(t: string): t is ObjectType {
  return t === 'commit' || t === 'tree' || t === 'blob' || t === 'tag';
}
