/** Where progress goes and what it measures with: passed in, never read from the process. */
export interface ProgressOptions {
  write: (s: string) => void;
  /** Milliseconds (any origin): `Date.now`, `performance.now`, or a fake clock. */
  now: () => number;
  /** A bar redrawn in place; otherwise one line every `intervalMs`. */
  isTTY: boolean;
  /** `pushed`, `pulled`, `verified`, … */
  verb: string;
  totalObjects: number;
  totalBytes?: number;
  /** Between lines when not a TTY (default 5,000 ms). */
  intervalMs?: number;
  /** Bar width in characters (default 24). */
  width?: number;
}

/** A transfer's progress: bytes as they move, objects as they finish. */
export interface Progress {
  /** `n` more bytes moved. */
  bytes(n: number): void;
  /** One more object finished (moved, skipped or failed). */
  object(): void;
  /** Writes the final line. */
  done(): void;
}

/**
 * A progress that shows nothing.
 * @example
 * await push(cache, remote, refs, { progress: () => silentProgress });
 */
export const silentProgress: Progress = { bytes() {}, object() {}, done() {} };

/**
 * A progress reporter: on a TTY a bar redrawn at most ten times a second, elsewhere (CI
 * logs) one line every few seconds, and a final line either way, e.g.
 * `pushed 1,234/20,000 objects, 1.2 GiB, 85 MB/s`.
 *
 * @example
 * const p = createProgress({
 *   write: (s) => process.stderr.write(s), now: Date.now, isTTY: process.stderr.isTTY,
 *   verb: 'pushed', totalObjects: refs.length,
 * });
 */
export function createProgress(opts: ProgressOptions): Progress {
  const start = opts.now();
  const every = opts.isTTY ? 100 : (opts.intervalMs ?? 5000);
  let last = start;
  let objects = 0;
  let bytes = 0;
  const line = () =>
    formatProgress(opts.verb, objects, opts.totalObjects, bytes, opts.now() - start);
  const bar = () => {
    const width = opts.width ?? 24;
    const frac = opts.totalBytes
      ? bytes / opts.totalBytes
      : opts.totalObjects
        ? objects / opts.totalObjects
        : 1;
    const full = Math.max(0, Math.min(width, Math.round(frac * width)));
    return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] `;
  };
  const show = (final: boolean) => {
    if (opts.isTTY) {
      opts.write(`\r\x1b[K${bar()}${line()}${final ? '\n' : ''}`);
    } else {
      opts.write(`${line()}\n`);
    }
  };
  const maybe = () => {
    const t = opts.now();
    if (t - last >= every) {
      last = t;
      show(false);
    }
  };
  return {
    bytes(n) {
      bytes += n;
      maybe();
    },
    object() {
      objects++;
      maybe();
    },
    done() {
      show(true);
    },
  };
}

/**
 * One progress line: `pushed 1,234/20,000 objects, 1.2 GiB, 85 MB/s`.
 * @example
 * formatProgress('pulled', 3, 10, 3 * 2 ** 20, 1000); // 'pulled 3/10 objects, 3.0 MiB, 3.1 MB/s'
 */
export function formatProgress(
  verb: string,
  objects: number,
  total: number,
  bytes: number,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? bytes / 1e6 / (elapsedMs / 1000) : 0;
  const r = rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
  const n = (x: number) => x.toLocaleString('en-US');
  return `${verb} ${n(objects)}/${n(total)} objects, ${formatSize(bytes)}, ${r} MB/s`;
}

/**
 * Bytes for people, in binary units.
 * @example
 * formatSize(512); // '512 B'
 * formatSize(1.5 * 2 ** 30); // '1.5 GiB'
 */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
