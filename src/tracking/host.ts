import { execFile } from 'node:child_process';
import { arch, hostname, release, type } from 'node:os';
import type { HostFacts } from './environment.js';
import type { Exec } from './gpus.js';

/**
 * Runs a program (found on the given environment's PATH) for its output; null when it is
 * not installed. Never throws.
 */
export const systemExec =
  (env: Record<string, string | undefined>): Exec =>
  (file, args) =>
    new Promise((resolve) => {
      const opts = { timeout: 20_000, encoding: 'utf8' as const, env: env as NodeJS.ProcessEnv };
      execFile(file, args, opts, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

/** This machine, as a Run record describes it. */
export function hostFacts(env: Record<string, string | undefined>): HostFacts {
  return {
    runner: env.RUNNER_NAME ?? hostname(),
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
  };
}
