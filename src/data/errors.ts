import { CodedError } from '../errors/coded-error.js';

/** Stable codes for everything `data/` can refuse or fail at. */
export type DataErrorCode =
  /** A dataset path, manifest entry or symlink that leads outside the repository. */
  | 'PATH_OUTSIDE_REPO'
  /** A path that is malformed (empty, NUL, `.git` or `.mlops` inside). */
  | 'BAD_PATH'
  /** Bytes whose hash is not the name they were asked for or stored under. */
  | 'HASH_MISMATCH'
  /** An object whose size is not the one its pointer, manifest or remote says. */
  | 'SIZE_MISMATCH'
  /** Not enough free disk for what is about to be written. */
  | 'NO_SPACE'
  /** A file this module cannot read as what it claims to be (manifest, `.dvc`, cache). */
  | 'UNKNOWN_FORMAT'
  /** A file, cache object or remote object that is not there. */
  | 'NOT_FOUND'
  /** A failure worth retrying (network, throttling, a busy server). */
  | 'TRANSIENT'
  /** A file that changed while it was being read: its hash would name nothing. */
  | 'FILE_CHANGED'
  /** Something other than a regular file or directory (socket, device, FIFO). */
  | 'UNSUPPORTED_FILE'
  /** A symlink cycle inside a dataset directory. */
  | 'SYMLINK_LOOP'
  /** The caller's AbortSignal fired. */
  | 'ABORTED';

/**
 * The one error class of `data/`: a stable `code`, structured `data` and the underlying
 * `cause` where there is one, as `repo/`'s errors do.
 *
 * @example
 * try {
 *   await cache.add('data/a.csv', ref);
 * } catch (e) {
 *   if (e instanceof DataError && e.code === 'NO_SPACE') console.error(e.message);
 * }
 */
export class DataError extends CodedError<DataErrorCode> {
  override readonly name = 'DataError';
}

/** True for a Node file-system error with the given `code` (e.g. `ENOENT`). */
export function isFsError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/** The error a fired AbortSignal turns into. */
export function abortError(signal: AbortSignal): DataError {
  return new DataError('ABORTED', 'the operation was aborted', {}, { cause: signal.reason });
}

/** Throws {@link abortError} when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Byte counts for messages, exact and readable.
 * @example
 * formatBytes(1_234_567); // '1,234,567 bytes (1.2 MiB)'
 */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let unit = '';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  const exact = `${n.toLocaleString('en-US')} bytes`;
  return unit ? `${exact} (${v.toFixed(1)} ${unit})` : exact;
}
