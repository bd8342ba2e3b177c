/** What a command may touch of the outside world; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  now(): Date;
  /** Whether stdout is a terminal (progress bars, colour). */
  isTTY: boolean;
  /**
   * Subscribe to SIGINT/SIGTERM sent to this process, to pass them on to a child (a training
   * command); returns the unsubscribe. Absent in tests that run commands in-process.
   */
  onSignal?: (fn: (signal: NodeJS.Signals) => void) => () => void;
  /** Run `fn` when the command has finished, however it ended (set by `main`). */
  defer?: (fn: () => void) => void;
}

/** Bad usage or a broken environment: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The answer is "no" (invalid, rejected): exit code 1, with the message already printed. */
export class NoError extends Error {
  override name = 'NoError';
}

/** Print rows as aligned columns. */
export function table(rows: string[][]): string {
  if (!rows.length) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function json(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/**
 * A parser for an option that takes a whole number of at least 1: anything else is a usage
 * error (exit 2) naming the option.
 * @example
 * program.option('-n, --limit <n>', 'at most this many', wholeNumber('--limit'))
 */
export function wholeNumber(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`${flag} must be a whole number >= 1; got ${JSON.stringify(v)}`);
    return n;
  };
}

/** Parse `--jobs N`: a whole number of at least 1, else a usage error (exit 2). */
export const parseJobs = wholeNumber('--jobs');
