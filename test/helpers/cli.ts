/** The CLI run in-process, as a test drives it: what it printed on each stream, and its exit code. */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `mlops argv…` in `cwd`, with PATH (and `env`) as its environment and a fixed clock.
 * @example
 * const r = await runCli(dir, ['validate', '--json']);
 */
export async function runCli(
  cwd: string,
  argv: string[],
  opts: { env?: Record<string, string>; now?: Date } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const now = opts.now ?? new Date('2026-11-26T08:00:00Z');
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
    now: () => now,
    isTTY: false,
  });
  return { code, out, err };
}
