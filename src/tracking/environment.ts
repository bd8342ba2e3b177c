import type { Run } from '../records/index.js';
import type { Exec, Gpu } from './gpus.js';

export interface HostFacts {
  /** `RUNNER_NAME` on a GitHub runner, else the host name. */
  runner: string;
  /** e.g. `Linux 6.8.0 x86_64`. */
  os: string;
  node: string;
}

/** Commands that run Python, so the Run records which Python it was. */
const PYTHON = /(^|[\s/;&|(])(python[0-9.]*|torchrun|accelerate|deepspeed|pytest)(\s|$)/;

/** Whether a training command runs Python (its version is then part of the environment). */
export function usesPython(command: string): boolean {
  return PYTHON.test(command);
}

/**
 * The environment block of a Run: where it ran, the toolchain, and each GPU it was given
 * with its name, memory and driver.
 * @example
 * const environment = await captureEnvironment(host, exec, { command, gpus: assigned });
 */
export async function captureEnvironment(
  host: HostFacts,
  exec: Exec,
  opts: { command: string; gpus: readonly Gpu[] },
): Promise<Run['environment']> {
  const env: Run['environment'] = {
    runner: host.runner,
    os: host.os,
    node: host.node,
    gpus: opts.gpus.map((g) => ({ name: g.name, memory_mb: g.memory_mb, driver: g.driver })),
  };
  if (usesPython(opts.command)) {
    const python = await pythonVersion(exec, opts.command);
    if (python) env.python = python;
  }
  return env;
}

/** `3.11.7` from the interpreter the command names (`python3`, `/usr/bin/python3`…). */
async function pythonVersion(exec: Exec, command: string): Promise<string | undefined> {
  const named = /(?:^|[\s;&|(])((?:\S*\/)?python[0-9.]*)(?=\s|$)/.exec(command)?.[1];
  const r = await exec(named ?? 'python3', ['--version']);
  if (!r || r.code !== 0) return undefined;
  return /Python\s+(\S+)/.exec(r.stdout + r.stderr)?.[1];
}
