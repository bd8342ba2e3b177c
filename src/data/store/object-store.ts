/**
 * Where data objects live: a local directory (the default, so everything
 * works offline) or S3/MinIO. Keys are content-addressed and laid out as DVC
 * 3 does, `files/<algo>/<first 2 hex>/<rest>`, so an md5 repository can share
 * a DVC remote. A key, once written, is never overwritten with other bytes.
 */
export interface ObjectInfo {
  size: number;
}

export interface ObjectStore {
  /** For messages: `s3://bucket/prefix`, or the directory. */
  readonly description: string;
  /** Size of the object, or null when it is absent. */
  stat(key: string): Promise<ObjectInfo | null>;
  /**
   * Upload a local file to `key`. A failed or interrupted upload never leaves
   * a partial object visible under `key`; the size is verified after writing.
   * `knownAbsent`: the caller has just seen that the key is absent (a store may
   * then skip its own check). Progress reports the bytes of each new chunk.
   */
  put(
    key: string,
    file: string,
    size: number,
    progress?: (bytes: number) => void,
    options?: { knownAbsent?: boolean },
  ): Promise<void>;
  /**
   * Download `key` into `file` (a temporary path the caller owns, verifies and
   * renames). With `size`, a store refuses an object of another size before
   * writing it.
   */
  get(
    key: string,
    file: string,
    progress?: (bytes: number) => void,
    options?: { size?: number },
  ): Promise<void>;
  /** Every object under a key prefix. */
  list(prefix: string): AsyncIterable<{ key: string; size: number }>;
  delete(key: string): Promise<void>;
}

export type HashAlgorithm = 'sha256' | 'md5';

/** A content-addressed object: what a pointer or a manifest entry names. */
export interface ObjectRef {
  algo: HashAlgorithm;
  /** Lower-case hex digest, without the `algo:` prefix. */
  hex: string;
  size: number;
}

/**
 * The key of an object in a cache or remote (DVC 3 layout).
 * @example
 * objectKey({ algo: 'md5', hex: 'd8e8fca2dc0f896fd7cb4cb0031ba249', size: 5 })
 * // 'files/md5/d8/e8fca2dc0f896fd7cb4cb0031ba249'
 */
export function objectKey(ref: Pick<ObjectRef, 'algo' | 'hex'>): string {
  return `files/${ref.algo}/${ref.hex.slice(0, 2)}/${ref.hex.slice(2)}`;
}

/** `sha256:abc…` → `{ algo, hex }`. */
export function parseContentHash(hash: string): { algo: HashAlgorithm; hex: string } {
  const m = /^(sha256|md5):([0-9a-f]+)$/.exec(hash);
  if (!m) throw new Error(`not a content hash: ${hash}`);
  return { algo: m[1] as HashAlgorithm, hex: m[2]! };
}
