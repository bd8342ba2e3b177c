import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DataError, throwIfAborted } from '../errors.js';
import type { HashAlgorithm } from './ref.js';

/**
 * Read size. Reads go into reused buffers of this size, two per file: one is hashed while
 * the next read fills the other, so reading and hashing overlap. Measured on a 1 GiB file
 * here: 0.60 s against 1.5–1.9 s for `createReadStream` piped into `createHash`.
 */
export const CHUNK = 4 << 20;

/** O_NONBLOCK: opening a FIFO where a file was expected must fail fast, not hang. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

const pool: Buffer[] = [];

/** Two buffers from the pool (allocated when it is empty). */
function take(): [Buffer, Buffer] {
  return [pool.pop() ?? Buffer.allocUnsafe(CHUNK), pool.pop() ?? Buffer.allocUnsafe(CHUNK)];
}

function give(bufs: Buffer[]): void {
  if (pool.length < 16) pool.push(...bufs);
}

export interface HashResult {
  hex: string;
  size: number;
}

export interface HashFileOptions {
  signal?: AbortSignal;
  /** Called with the bytes of each chunk as it is hashed. */
  onBytes?: (bytes: number) => void;
}

/**
 * The digest and size of a file, read once through two reused 4 MiB buffers.
 *
 * @example
 * const { hex, size } = await hashFile('datasets/train.parquet', 'sha256');
 * @throws DataError `ABORTED` when the signal fires between chunks; Node's error for a file
 *   that cannot be read.
 */
export async function hashFile(
  path: string,
  algo: HashAlgorithm,
  opts: HashFileOptions = {},
): Promise<HashResult> {
  throwIfAborted(opts.signal);
  const fh = await open(path, READ_FLAGS);
  try {
    if (!(await fh.stat()).isFile()) {
      throw new DataError('UNSUPPORTED_FILE', `${path} is not a regular file`, { path });
    }
    return await pump(fh, null, algo, opts);
  } finally {
    await fh.close();
  }
}

/**
 * Copies `src` to `dst` (created, never overwritten; `mode` as given) and hashes the bytes
 * as they are written, so the digest names exactly what `dst` holds. On failure `dst` may be
 * left behind: it is a temporary path the caller owns and removes.
 *
 * @example
 * const { hex } = await copyAndHash('a.csv', '.mlops/cache/tmp/x', 'sha256');
 */
export async function copyAndHash(
  src: string,
  dst: string,
  algo: HashAlgorithm,
  opts: HashFileOptions & { mode?: number } = {},
): Promise<HashResult> {
  throwIfAborted(opts.signal);
  const input = await open(src, READ_FLAGS);
  try {
    if (!(await input.stat()).isFile()) {
      throw new DataError('UNSUPPORTED_FILE', `${src} is not a regular file`, { path: src });
    }
    const output = await open(dst, 'wx', opts.mode ?? 0o444);
    try {
      return await pump(input, output, algo, opts);
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** Reads `input` to its end, hashing every byte and writing it to `output` when given. */
async function pump(
  input: FileHandle,
  output: FileHandle | null,
  algo: HashAlgorithm,
  opts: HashFileOptions,
): Promise<HashResult> {
  const hash = createHash(algo);
  const bufs = take();
  let size = 0;
  let i = 0;
  let pending: Promise<{ bytesRead: number }> | null = input.read(bufs[0], 0, CHUNK, 0);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) break;
      const chunk = bufs[i]!.subarray(0, bytesRead);
      size += bytesRead;
      i ^= 1;
      // Start the next read into the other buffer before hashing this one.
      pending = input.read(bufs[i]!, 0, CHUNK, size);
      hash.update(chunk);
      if (output) await writeAll(output, chunk);
      opts.onBytes?.(bytesRead);
      throwIfAborted(opts.signal);
    }
  } finally {
    // A read still in flight writes into a pooled buffer: let it land before reuse.
    if (pending) await pending.catch(() => undefined);
    give(bufs);
  }
  return { hex: hash.digest('hex'), size };
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    if (bytesWritten <= 0) throw new DataError('NO_SPACE', 'a write made no progress', {});
    off += bytesWritten;
  }
}

/**
 * The digest of bytes in memory.
 * @example
 * hashBytes(Buffer.from('hello\n'), 'md5'); // 'b1946ac92492d2347c6235b4d2611184'
 */
export function hashBytes(bytes: Uint8Array, algo: HashAlgorithm): string {
  return createHash(algo).update(bytes).digest('hex');
}
