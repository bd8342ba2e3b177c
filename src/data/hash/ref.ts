import { DataError } from '../errors.js';
import { objectKey, type HashAlgorithm, type ObjectRef } from '../store/object-store.js';

/**
 * Hex digits of each algorithm's digest.
 * @example
 * HEX_LENGTH.md5; // 32
 */
export const HEX_LENGTH: Record<HashAlgorithm, number> = { sha256: 64, md5: 32 };

/**
 * An object in a cache or remote: a file's bytes, or a directory's manifest (`dir`). Any
 * {@link ObjectRef} is one. `size` is the object's own size in bytes when known; a manifest
 * named only by a pointer has none until it is read (its hash still checks it).
 */
export interface DataRef {
  algo: HashAlgorithm;
  /** Lower-case hex digest, without `algo:` and without DVC's `.dir`. */
  hex: string;
  size?: number;
  /** A directory manifest: stored under the key with `.dir` appended, as DVC does. */
  dir?: boolean;
}

/**
 * What a dataset pointer (or a `.dvc` file's output) says: where the data sits in the work
 * tree and what it is. `size` and `files` count the data (all files of a directory), not the
 * manifest object.
 */
export interface DataPointer {
  /** Repository-relative path with forward slashes. */
  path: string;
  /** `sha256:<hex>` or `md5:<hex>`; for a directory, the hash of its manifest. */
  hash: string;
  size: number;
  files: number;
  /** True when `hash` names a directory manifest. */
  dir: boolean;
}

/**
 * The key of a ref in a cache or remote: DVC 3's layout, with `.dir` for a manifest.
 * @example
 * refKey({ algo: 'md5', hex: 'd8e8fca2dc0f896fd7cb4cb0031ba249', dir: true })
 * // 'files/md5/d8/e8fca2dc0f896fd7cb4cb0031ba249.dir'
 */
export function refKey(ref: Pick<DataRef, 'algo' | 'hex' | 'dir'>): string {
  return objectKey(ref) + (ref.dir ? '.dir' : '');
}

/**
 * The inverse of {@link refKey}, or null for a key that is not an object's.
 * @example
 * keyRef('files/md5/d8/e8fca2dc0f896fd7cb4cb0031ba249.dir');
 * // { algo: 'md5', hex: 'd8e8fca2dc0f896fd7cb4cb0031ba249', dir: true }
 */
export function keyRef(key: string): DataRef | null {
  const m = /^files\/(sha256|md5)\/([0-9a-f]{2})\/([0-9a-f]+)(\.dir)?$/.exec(key);
  if (!m) return null;
  const algo = m[1] as HashAlgorithm;
  const hex = m[2]! + m[3]!;
  if (hex.length !== HEX_LENGTH[algo]) return null;
  return m[4] ? { algo, hex, dir: true } : { algo, hex };
}

/**
 * `sha256:<hex>` for a ref, as pointers write it.
 * @example
 * formatHash({ algo: 'md5', hex: 'd8e8fca2dc0f896fd7cb4cb0031ba249' }); // 'md5:d8e8fca2…'
 */
export function formatHash(ref: Pick<DataRef, 'algo' | 'hex'>): string {
  return `${ref.algo}:${ref.hex}`;
}

/**
 * A pointer's ref: its hash, and whether that names a manifest.
 * @example
 * await pull(cache, remote, [pointerRef({ hash: record.hash, dir: record.format === 'directory' })]);
 * @throws DataError `UNKNOWN_FORMAT` for a hash that is not `sha256:<64 hex>`/`md5:<32 hex>`.
 */
export function pointerRef(p: Pick<DataPointer, 'hash' | 'dir'>): DataRef {
  const m = /^(sha256|md5):([0-9a-f]+)$/.exec(p.hash);
  const algo = m?.[1] as HashAlgorithm | undefined;
  if (!algo || m![2]!.length !== HEX_LENGTH[algo]) {
    throw new DataError('UNKNOWN_FORMAT', `not a content hash: "${p.hash}"`, { hash: p.hash });
  }
  return p.dir ? { algo, hex: m![2]!, dir: true } : { algo, hex: m![2]! };
}

/** True when `hex` is a well-formed digest of `algo`. */
export function isHex(algo: HashAlgorithm, hex: string): boolean {
  return hex.length === HEX_LENGTH[algo] && /^[0-9a-f]+$/.test(hex);
}

/** A ref in messages: `sha256:ab12…` with its key kind. */
export function describeRef(ref: DataRef): string {
  return `${formatHash(ref)}${ref.dir ? ' (manifest)' : ''}`;
}

export type { ObjectRef, HashAlgorithm };
