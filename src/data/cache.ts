import { constants } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  readFile,
  rename,
  stat,
  statfs,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureToolDir } from './tool-dir.js';
import { DataError, formatBytes, isFsError } from './errors.js';
import { copyAndHash, hashBytes, hashFile, type HashFileOptions } from './hash/file.js';
import { describeRef, refKey, type DataRef } from './hash/ref.js';
import { tempName } from './hash/sync.js';
import type { IngestCache } from './hash/tree.js';
import { parseManifest, type BuiltManifest, type Manifest } from './manifest.js';
import { resolveDataPath } from './paths.js';

/**
 * The cache directory, under the repository root.
 * @example
 * join(repoRoot, CACHE_DIR); // <root>/.mlops/cache
 */
export const CACHE_DIR = '.mlops/cache';

/** What `fs.statfs` reports that the free-space check reads; injectable for tests. */
export type StatFs = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

export interface CacheOptions {
  statfs?: StatFs;
  /** Bytes always left free beyond what a write needs (default 64 MiB). */
  reserve?: number;
}

/** What re-hashing one object found. */
export interface VerifyResult {
  ok: boolean;
  key: string;
  code?: 'HASH_MISMATCH' | 'SIZE_MISMATCH' | 'NOT_FOUND';
  /** The digest of the bytes actually there, when it differs. */
  actual?: string;
  size?: number;
}

/**
 * The local content-addressed cache, `<root>/.mlops/cache/files/<algo>/<2>/<rest>`. Every
 * write goes to `tmp/` first, is hashed while it is written, and is renamed into place only
 * when its hash is its name; objects are read-only. A crash leaves at most a stray temp.
 *
 * @example
 * const cache = new Cache(repoRoot);
 * await cache.add('datasets/a.csv', { algo: 'sha256', hex, size });
 * await cache.checkout({ algo: 'sha256', hex, size }, 'datasets/a.csv');
 */
export class Cache implements IngestCache {
  readonly dir: string;
  private readonly statfs: StatFs;
  private readonly reserve: number;
  private cloneable: Promise<boolean> | undefined;

  constructor(
    readonly root: string,
    opts: CacheOptions = {},
  ) {
    this.dir = join(root, CACHE_DIR);
    this.statfs = opts.statfs ?? ((p) => statfs(p));
    this.reserve = opts.reserve ?? 64 << 20;
  }

  /** The file an object lives in (whether or not it is there). */
  path(ref: DataRef): string {
    return join(this.dir, refKey(ref));
  }

  /** A fresh path in the cache's `tmp/`, on the same file system as the objects. */
  tmpPath(): string {
    return tempName(this.dir);
  }

  /** True when the object is there, with its size when the ref knows it. */
  async has(ref: DataRef): Promise<boolean> {
    const size = await this.sizeOf(ref);
    return size !== null && (ref.size === undefined || size === ref.size);
  }

  /** The size of the object's file, or null when it is absent. */
  async sizeOf(ref: DataRef): Promise<number | null> {
    try {
      return (await stat(this.path(ref))).size;
    } catch (e) {
      if (isFsError(e, 'ENOENT')) return null;
      throw e;
    }
  }

  /**
   * Copies `file` into the cache as `ref` (a reflink where the file system clones, else a
   * copy), hashing the copy; renames it into place only if it hashes to `ref`.
   * @returns false when the object was already there.
   * @throws DataError `HASH_MISMATCH`/`SIZE_MISMATCH` (the file is not `ref`: nothing is
   *   stored), `NO_SPACE` (before anything is written).
   */
  async add(file: string, ref: DataRef, opts: HashFileOptions = {}): Promise<boolean> {
    if (await this.has(ref)) return false;
    const size = ref.size ?? (await stat(file)).size;
    await this.ensureSpace(size);
    const tmp = await this.newTemp();
    try {
      let got;
      if (await this.reflink()) {
        await copyFile(file, tmp, constants.COPYFILE_FICLONE_FORCE);
        await chmod(tmp, 0o444);
        got = await hashFile(tmp, ref.algo, opts);
      } else {
        got = await copyAndHash(file, tmp, ref.algo, opts);
      }
      checkMatch(ref, got, `${file}`);
      await this.adopt(tmp, ref);
      return true;
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /** Stores a built manifest (its bytes hash to its ref by construction; checked again); false when it was there. */
  async putManifest(built: BuiltManifest): Promise<boolean> {
    if (await this.has(built.ref)) return false;
    checkMatch(
      built.ref,
      { hex: hashBytes(built.bytes, built.ref.algo), size: built.bytes.length },
      'manifest',
    );
    await this.ensureSpace(built.bytes.length);
    const tmp = await this.newTemp();
    try {
      await writeFile(tmp, built.bytes, { flag: 'wx', mode: 0o444 });
      await this.adopt(tmp, built.ref);
      return true;
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Moves a temp file the caller has verified as `ref` (e.g. a download) into place,
   * read-only. The temp must be in this cache's `tmp/`.
   */
  async adopt(tmp: string, ref: DataRef): Promise<void> {
    await chmod(tmp, 0o444);
    const target = this.path(ref);
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
  }

  /** Re-hashes an object and says whether its bytes are still its name. */
  async verify(ref: DataRef, opts: HashFileOptions = {}): Promise<VerifyResult> {
    const key = refKey(ref);
    let got;
    try {
      got = await hashFile(this.path(ref), ref.algo, opts);
    } catch (e) {
      if (isFsError(e, 'ENOENT')) return { ok: false, key, code: 'NOT_FOUND' };
      throw e;
    }
    if (got.hex !== ref.hex)
      return { ok: false, key, code: 'HASH_MISMATCH', actual: got.hex, size: got.size };
    if (ref.size !== undefined && got.size !== ref.size) {
      return { ok: false, key, code: 'SIZE_MISMATCH', size: got.size };
    }
    return { ok: true, key, size: got.size };
  }

  /**
   * Writes an object to a repository-relative work-tree path: copied (and hashed) to a temp
   * file beside it, renamed over it only when the copy is `ref`. If anything fails the
   * work-tree file is left as it was.
   * @throws DataError `NOT_FOUND` (not in the cache), `HASH_MISMATCH` (the cache object is
   *   corrupt), `PATH_OUTSIDE_REPO`, `NO_SPACE`.
   */
  async checkout(ref: DataRef, dest: string, opts: HashFileOptions = {}): Promise<void> {
    const { abs } = await resolveDataPath(this.root, dest);
    await this.checkoutTo(ref, abs, opts);
  }

  /** {@link checkout} to an absolute path the caller has already checked. */
  async checkoutTo(ref: DataRef, abs: string, opts: HashFileOptions = {}): Promise<void> {
    const src = this.path(ref);
    const size = await this.sizeOf(ref);
    if (size === null) {
      throw new DataError('NOT_FOUND', `${describeRef(ref)} is not in the cache; pull it first`, {
        key: refKey(ref),
      });
    }
    await mkdir(dirname(abs), { recursive: true });
    await this.ensureSpace(size, dirname(abs));
    const name = basename(abs).slice(0, 120); // the temp's name must stay under 255 bytes
    const tmp = join(dirname(abs), `.${name}.${basename(tempName(this.dir))}.mlops-tmp`);
    try {
      const got = await copyAndHash(src, tmp, ref.algo, { ...opts, mode: 0o644 });
      if (got.hex !== ref.hex || (ref.size !== undefined && got.size !== ref.size)) {
        throw new DataError(
          'HASH_MISMATCH',
          `cache object ${refKey(ref)} is corrupt: its bytes hash to ${got.hex} (${got.size} bytes); ` +
            `remove it and pull again`,
          { key: refKey(ref), expected: ref.hex, actual: got.hex },
        );
      }
      await rename(tmp, abs);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /** Reads a manifest from the cache, checking its bytes against its name first. */
  async readManifest(ref: DataRef): Promise<Manifest> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(ref));
    } catch (e) {
      if (!isFsError(e, 'ENOENT')) throw e;
      throw new DataError('NOT_FOUND', `manifest ${describeRef(ref)} is not in the cache`, {
        key: refKey(ref),
      });
    }
    checkMatch(
      ref,
      { hex: hashBytes(bytes, ref.algo), size: bytes.length },
      `cache object ${refKey(ref)}`,
    );
    return parseManifest(bytes, ref.algo);
  }

  /** Deletes an object (read-only files go too: the folder is writable). */
  async remove(ref: DataRef): Promise<void> {
    await unlink(this.path(ref)).catch((e: unknown) => {
      if (!isFsError(e, 'ENOENT')) throw e;
    });
  }

  /** Whether the cache's file system clones files (probed once with a one-byte file). */
  reflink(): Promise<boolean> {
    this.cloneable ??= (async () => {
      const a = await this.newTemp();
      const b = this.tmpPath();
      try {
        await writeFile(a, 'x', { flag: 'wx' });
        await copyFile(a, b, constants.COPYFILE_FICLONE_FORCE);
        return true;
      } catch {
        return false;
      } finally {
        await unlink(a).catch(() => undefined);
        await unlink(b).catch(() => undefined);
      }
    })();
    return this.cloneable;
  }

  /**
   * Refuses, before anything is written, when `bytes` (plus the reserve) would not fit on
   * the file system holding `where` (default: the cache).
   * @throws DataError `NO_SPACE` naming the bytes needed and free.
   */
  async ensureSpace(bytes: number, where = this.dir): Promise<void> {
    await mkdir(where, { recursive: true });
    const s = await this.statfs(where);
    const free = Number(s.bavail) * Number(s.bsize);
    if (bytes + this.reserve > free) {
      throw new DataError(
        'NO_SPACE',
        `not enough free disk on ${where}: needs ${formatBytes(bytes)} ` +
          `(+ ${formatBytes(this.reserve)} kept free), ${formatBytes(free)} free`,
        { needed: bytes, free, reserve: this.reserve, where },
      );
    }
  }

  /** {@link tmpPath}, with its folder made. */
  async newTemp(): Promise<string> {
    ensureToolDir(this.root);
    const tmp = this.tmpPath();
    await mkdir(dirname(tmp), { recursive: true });
    return tmp;
  }
}

function checkMatch(ref: DataRef, got: { hex: string; size: number }, what: string): void {
  if (got.hex !== ref.hex) {
    throw new DataError(
      'HASH_MISMATCH',
      `${what} hashes to ${ref.algo}:${got.hex}, not ${ref.algo}:${ref.hex}`,
      { expected: ref.hex, actual: got.hex },
    );
  }
  if (ref.size !== undefined && got.size !== ref.size) {
    throw new DataError('SIZE_MISMATCH', `${what} has ${got.size} bytes, not ${ref.size}`, {
      expected: ref.size,
      actual: got.size,
    });
  }
}
