import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface ProcessOptions {
  /** A shell command line, run with `/bin/sh -c` in its own process group. */
  command: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Stop the command (SIGTERM, then SIGKILL after the grace) when it runs this long. */
  timeoutMs?: number;
  /** How long a stopped command gets to exit before SIGKILL (default 10 s). */
  killGraceMs?: number;
  onOutput(stream: 'stdout' | 'stderr', text: string): void;
  /**
   * Subscribe to the signals the caller receives (SIGINT, SIGTERM), to pass them on to the
   * command's whole process group; returns the unsubscribe. Without it nothing is forwarded.
   */
  onSignal?: (forward: (signal: NodeJS.Signals) => void) => () => void;
}

export interface ProcessResult {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The signal we passed on from the caller, if any. */
  forwarded?: NodeJS.Signals;
  /** The command could not be started at all. */
  spawnError?: string;
  durationMs: number;
}

/**
 * Runs a training command and streams its output. The command gets its own process group so
 * a timeout or a forwarded Ctrl-C reaches every process it started (a `torchrun` and its
 * workers), and whatever it leaves running when it exits is stopped too, so no orphan keeps
 * a GPU.
 * @example
 * const r = await runProcess({ command: 'python train.py', cwd, env, onOutput: (_, t) => log(t) });
 * if (r.code !== 0) console.log(describeExit(r));
 */
export function runProcess(opts: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const grace = opts.killGraceMs ?? 10_000;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', opts.command], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let forwarded: NodeJS.Signals | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const group = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // the group is gone already
      }
    };
    const stop = (sig: NodeJS.Signals) => {
      group(sig);
      killTimer ??= setTimeout(() => group('SIGKILL'), grace);
      killTimer.unref();
    };
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop('SIGTERM');
          }, opts.timeoutMs)
        : undefined;
    const unsubscribe = opts.onSignal?.((sig) => {
      forwarded = sig;
      stop(sig);
    });
    child.stdout.setEncoding('utf8').on('data', (t: string) => opts.onOutput('stdout', t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => opts.onOutput('stderr', t));
    const finish = (result: Omit<ProcessResult, 'durationMs' | 'timedOut' | 'forwarded'>) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      unsubscribe?.();
      resolve({
        ...result,
        timedOut,
        ...(forwarded ? { forwarded } : {}),
        durationMs: performance.now() - started,
      });
    };
    child.on('error', (e) => finish({ code: null, signal: null, spawnError: e.message }));
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // What the command left behind would hold our pipes (and maybe a GPU) open: ask it to
      // stop, and kill it after the grace. A shell that did not `exec` its command exits
      // first on a signal; its command then gets the same grace to finish.
      stop('SIGTERM');
    });
    child.on('close', (code, signal) => finish(exit ?? { code, signal }));
  });
}

/**
 * Why a command ended, in words: `exited with code 3`, `killed by SIGKILL`, `timed out
 * after 30m`, `stopped by SIGINT (forwarded)`.
 */
export function describeExit(r: ProcessResult, timeoutText?: string): string {
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${timeoutText ?? `${Math.round(r.durationMs / 1000)} s`}`;
  if (r.forwarded) return `stopped by ${r.forwarded} (forwarded)`;
  if (r.signal) return `killed by ${r.signal}`;
  const viaShell = signalOf(r);
  if (viaShell) return `killed by ${viaShell} (exit code ${r.code})`;
  return `exited with code ${r.code}`;
}

/**
 * The signal that ended the command: its own, or the one a shell that did not `exec` its
 * command reports as exit code 128 + the signal's number.
 */
export function signalOf(r: ProcessResult): NodeJS.Signals | undefined {
  if (r.signal) return r.signal;
  return r.code !== null && r.code > 128 ? (signalName(r.code - 128) as NodeJS.Signals) : undefined;
}

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}

/**
 * The SIGINT and SIGTERM this process receives, for {@link ProcessOptions.onSignal}: what the
 * CLI and the train Action pass, so Ctrl-C or a cancelled job reaches the training command.
 * @example
 * await runProcess({ command, cwd, env, onOutput, onSignal: processSignals });
 */
export function processSignals(fn: (signal: NodeJS.Signals) => void): () => void {
  const handler = (sig: NodeJS.Signals) => fn(sig);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
