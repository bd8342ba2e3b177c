/**
 * A GitHub Actions step run in-process by a test: the environment a runner gives a step (the
 * workspace, the event file, the inputs as `INPUT_*`, the output file), what the action wrote
 * through @actions/core on stdout (`::error::`, `::warning::`), its outputs and its job summary.
 * And a bare `origin` for actions that push.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { vi } from 'vitest';
import {
  gitFetch,
  gitPush,
  gitReset,
  type CommitterDeps,
} from '../../src/action-context/branch.js';
import { LocalForge } from '../../src/forge/index.js';
import type { TestRegistry } from './registry.js';

export interface StepResult {
  outputs: Record<string, string>;
  /** Everything the step printed. */
  log: string;
  warnings: string[];
  errors: string[];
  summary: string;
  /** Whether the step called setFailed. */
  failed: boolean;
}

/**
 * One harness per test file: @actions/core keeps the first summary path it sees, so a file's
 * tests share one summary file, emptied by `capture` before each test.
 * @example
 * const step = actionStep('rollout');
 * beforeEach(() => step.capture());
 * afterEach(() => step.release());
 * const env = step.prepare(scratch, reg.dir, { name: 'schedule' }, { models: 'm' });
 * await main(env, deps);
 * const r = step.result(scratch);
 */
export function actionStep(name: string) {
  const summary = path.join(mkdtempSync(path.join(tmpdir(), `${name}-summary-`)), 'summary.md');
  let stdout: string[] = [];
  return {
    summary,
    /** Before each test: an empty summary, and stdout captured. */
    capture(): void {
      writeFileSync(summary, '');
      core.summary.emptyBuffer();
      stdout = [];
      vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stdout.push(String(chunk));
        return true;
      });
    },
    /** After each test: stdout and the environment back, and the exit code setFailed set cleared. */
    release(): void {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
      process.exitCode = undefined;
    },
    /** The step's environment for an event, its files written under `scratch`. */
    prepare(
      scratch: string,
      workspace: string,
      event: { name: string; payload?: unknown },
      inputs: Record<string, string> = {},
      extra: Record<string, string> = {},
    ): Record<string, string> {
      const outputFile = path.join(scratch, 'output.txt');
      const eventFile = path.join(scratch, 'event.json');
      writeFileSync(outputFile, '');
      writeFileSync(eventFile, JSON.stringify(event.payload ?? {}));
      vi.stubEnv('GITHUB_OUTPUT', outputFile);
      return {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GITHUB_WORKSPACE: workspace,
        GITHUB_EVENT_NAME: event.name,
        GITHUB_EVENT_PATH: eventFile,
        ...extra,
        ...Object.fromEntries(
          Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
        ),
      };
    },
    /** What the step prepared in `scratch` left: its outputs, log, summary and verdict. */
    result(scratch: string): StepResult {
      const outputs: Record<string, string> = {};
      const text = readFileSync(path.join(scratch, 'output.txt'), 'utf8');
      for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
      const log = stdout.join('');
      const lines = log.split('\n');
      return {
        outputs,
        log,
        warnings: lines.filter((l) => l.startsWith('::warning::')),
        errors: lines.filter((l) => l.startsWith('::error::')),
        summary: readFileSync(summary, 'utf8'),
        failed: process.exitCode === 1,
      };
    },
  };
}

/** A bare repository at `<scratch>/origin.git` as the checkout's `origin`, with main pushed. */
export function bareOrigin(dir: string, scratch: string): string {
  const origin = path.join(scratch, 'origin.git');
  execFileSync('git', ['init', '--bare', '--quiet', origin]);
  execFileSync('git', ['remote', 'add', 'origin', origin], { cwd: dir });
  execFileSync('git', ['push', '--quiet', 'origin', 'main'], { cwd: dir });
  return origin;
}

/** How the fixture of an action that pushes reaches its checkout, its origin and its forge. */
export interface OriginTools {
  /** git in the checkout; its trimmed output. */
  git(...args: string[]): string;
  /** git in the bare origin; its trimmed output. */
  inOrigin(...args: string[]): string;
  /** The local forge kept in the checkout's .git. */
  forge(): LocalForge;
}

/** The tools of a fixture whose registry and origin are made before each test (hence getters). */
export function originTools(reg: () => TestRegistry, origin: () => string): OriginTools {
  return {
    git: (...a) => execFileSync('git', a, { cwd: reg().dir, encoding: 'utf8' }).trim(),
    inOrigin: (...a) =>
      execFileSync('git', [`--git-dir=${origin()}`, ...a], { encoding: 'utf8' }).trim(),
    forge: () => new LocalForge(reg().repo, { login: 'mlops-bot' }),
  };
}

/**
 * What an action that commits on a branch is given in a test: the fixture's forge, a fixed
 * clock, and real git against the bare origin (or a `push` that fails as a test wants).
 */
export function committerTestDeps(
  env: Record<string, string>,
  forge: () => LocalForge,
  now: Date,
  push?: CommitterDeps['push'],
): CommitterDeps {
  return {
    forge: () => Promise.resolve(forge()),
    now: () => now,
    push: push ?? gitPush(env),
    fetch: gitFetch(env),
    reset: gitReset(env),
  };
}
