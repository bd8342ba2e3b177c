import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { DataError, isFsError } from '../errors.js';
import { refKey, type HashAlgorithm } from './ref.js';

/**
 * Where a file read for hashing is also copied: the cache directory (`.mlops/cache`). The
 * copy is written to `tmp/` while it is hashed and renamed to the key its hash names, so an
 * object in the cache always holds the bytes its name says.
 */
export interface IngestTarget {
  cacheDir: string;
  /** Clone with a reflink instead of copying (probed by the cache; false on ext4). */
  reflink: boolean;
}

/** What hashing one file found: its digest, and the stat identity the stat cache keys on. */
export interface FileFacts {
  hex: string;
  size: number;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
  /** True when this call wrote the object into the cache (false: it was there). */
  stored: boolean;
}

const made = new Set<string>();
let seq = 0;
const tag = `${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;

/** How temps written beside their object start (never a hex digit, so never a key). */
export const TEMP_PREFIX = '.tmp-';

/** A fresh temporary path in a cache's `tmp/`. */
export function tempName(cacheDir: string): string {
  return join(cacheDir, 'tmp', `${tag}-${++seq}`);
}

/**
 * Hashes a file synchronously (a worker thread's loop, or the main thread's for small jobs)
 * through `buf`, and with `ingest` copies it into the cache in the same pass: one read, one
 * hash, one write per file. The file's stat is taken before and after reading; if it moved,
 * the digest names nothing and the call fails.
 *
 * @throws DataError `FILE_CHANGED`, `UNSUPPORTED_FILE`; Node's error when unreadable.
 */
export function hashFileSync(
  abs: string,
  algo: HashAlgorithm,
  buf: Buffer,
  ingest?: IngestTarget,
  onBytes?: (n: number) => void,
): FileFacts {
  // O_NONBLOCK: a FIFO swapped in after the walk must not hang the open.
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const before = fstatSync(fd, { bigint: true });
    if (!before.isFile()) {
      throw new DataError('UNSUPPORTED_FILE', `${abs} is not a regular file`, { path: abs });
    }
    const size = Number(before.size);
    let hex: string;
    let stored = false;
    if (ingest?.reflink) {
      ({ hex, stored } = cloneIn(abs, algo, buf, ingest, size, onBytes));
    } else if (!ingest) {
      hex = readInto(fd, size, algo, buf, null, onBytes);
    } else if (size <= buf.length) {
      // Small file: read it whole, and write it only when the cache lacks it.
      hex = readInto(fd, size, algo, buf, null, onBytes);
      stored = storeBuffer(ingest, { algo, hex }, buf.subarray(0, size));
    } else {
      const tmp = tempName(ingest.cacheDir);
      const out = openTemp(tmp);
      try {
        hex = readInto(fd, size, algo, buf, out, onBytes);
      } catch (e) {
        closeSync(out);
        unlinkQuiet(tmp);
        throw e;
      }
      closeSync(out);
      stored = place(ingest, { algo, hex }, tmp, size);
    }
    const after = fstatSync(fd, { bigint: true });
    if (!sameStat(before, after)) {
      throw new DataError('FILE_CHANGED', `${abs} changed while it was being read`, {
        path: abs,
      });
    }
    return {
      hex,
      size,
      ino: String(before.ino),
      mtimeNs: String(before.mtimeNs),
      ctimeNs: String(before.ctimeNs),
      stored,
    };
  } finally {
    closeSync(fd);
  }
}

/** Reads exactly `size` bytes (fewer: the file shrank), hashing and optionally writing them. */
function readInto(
  fd: number,
  size: number,
  algo: HashAlgorithm,
  buf: Buffer,
  out: number | null,
  onBytes?: (n: number) => void,
): string {
  const hash = createHash(algo);
  let pos = 0;
  while (pos < size) {
    // A file that fits is read whole into `buf` (the caller may store it from there).
    const want = Math.min(buf.length, size - pos);
    const off = size <= buf.length ? pos : 0;
    const n = readSync(fd, buf, off, want, pos);
    if (n === 0) break;
    const chunk = buf.subarray(off, off + n);
    hash.update(chunk);
    if (out !== null) writeFully(out, chunk);
    pos += n;
    onBytes?.(n);
  }
  if (pos !== size) {
    throw new DataError('FILE_CHANGED', `file shrank while it was being read`, {});
  }
  return hash.digest('hex');
}

function cloneIn(
  abs: string,
  algo: HashAlgorithm,
  buf: Buffer,
  ingest: IngestTarget,
  size: number,
  onBytes?: (n: number) => void,
): { hex: string; stored: boolean } {
  const tmp = tempName(ingest.cacheDir);
  try {
    mkdirSync(dirname(tmp), { recursive: true });
    copyFileSync(abs, tmp, constants.COPYFILE_FICLONE_FORCE);
    chmodSync(tmp, 0o444); // a clone keeps the source's mode
    // Hash the clone: the digest names what the cache holds.
    const fd = openSync(tmp, 'r');
    let hex: string;
    try {
      hex = readInto(fd, size, algo, buf, null, onBytes);
    } finally {
      closeSync(fd);
    }
    return { hex, stored: place(ingest, { algo, hex }, tmp, size) };
  } catch (e) {
    unlinkQuiet(tmp);
    throw e;
  }
}

function storeBuffer(
  ingest: IngestTarget,
  ref: { algo: HashAlgorithm; hex: string },
  bytes: Buffer,
): boolean {
  const target = join(ingest.cacheDir, refKey(ref));
  if (hasSize(target, bytes.length)) return false;
  // The name is known before writing: the temp goes beside the object, so threads create
  // files in 256 folders instead of contending for one, and the rename stays in a folder.
  const tmp = `${dirname(target)}${sep}${TEMP_PREFIX}${tag}-${++seq}`;
  const out = openTemp(tmp);
  try {
    writeFully(out, bytes);
  } catch (e) {
    closeSync(out);
    unlinkQuiet(tmp);
    throw e;
  }
  closeSync(out);
  return place(ingest, ref, tmp, bytes.length);
}

/** Renames a verified temp into place (or drops it when the object is already there). */
function place(
  ingest: IngestTarget,
  ref: { algo: HashAlgorithm; hex: string },
  tmp: string,
  size: number,
): boolean {
  const target = join(ingest.cacheDir, refKey(ref));
  if (hasSize(target, size)) {
    unlinkQuiet(tmp);
    return false;
  }
  const dir = dirname(target);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw e;
    // The folder went away (a gc in another process): make it again, once.
    mkdirSync(dir, { recursive: true });
    renameSync(tmp, target);
  }
  return true;
}

function openTemp(tmp: string): number {
  try {
    return openSync(tmp, 'wx', 0o444);
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw e;
    mkdirSync(dirname(tmp), { recursive: true });
    return openSync(tmp, 'wx', 0o444);
  }
}

function writeFully(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
}

function hasSize(path: string, size: number): boolean {
  try {
    return statSync(path).size === size;
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Same file, same content as far as the file system can tell. */
export function sameStat(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or never made
  }
}
