/**
 * The drift action's test fixture: the example registry as a real git repository whose
 * `origin` is a bare repository, so the real `git push`, `git fetch` and `git reset` run; only
 * the forge is the local one, kept in the registry's .git. The example datasets are added and
 * pushed to the registry's local data remote (`.mlops/remote`), then dropped from the cache,
 * so each check pulls its reference from the remote as a fresh CI checkout does.
 * `driftFixture()` registers the hooks that build and remove it around each test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { CACHE_DIR, LocalObjectStore } from '../../../src/data/index.js';
import { exampleDatasets } from '../../../src/demo/datasets.js';
import { writeLogFile } from '../../../src/drift/index.js';
import { LocalForge } from '../../../src/forge/index.js';
import { exampleRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { gitFetch, gitPush, gitReset, main, type Deps } from './main.js';

export const MODEL = 'execution-agent';
export const STATUS = `registry/models/${MODEL}/drift.yaml`;
export const NOW = new Date('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

export interface Fixture {
  readonly reg: TestRegistry;
  readonly origin: string;
  git(...args: string[]): string;
  inOrigin(...args: string[]): string;
  forge(): LocalForge;
  logShifted(shift: number): Promise<string[]>;
  action(opts?: { now?: Date; inputs?: Record<string, string>; push?: Deps['push'] }): Promise<{
    outputs: Record<string, string>;
    log: string;
    warnings: string[];
    errors: string[];
    summary: string;
    failed: boolean;
  }>;
}

/**
 * Builds the fixture before each test and removes it after. @actions/core caches the summary
 * file's path on first use: one summary file per test file, emptied before each test.
 */
export function driftFixture(): Fixture {
  const summary = path.join(mkdtempSync(path.join(tmpdir(), 'drift-summary-')), 'summary.md');
  let reg: TestRegistry;
  let scratch: string;
  let origin: string;
  let stdout: string[];

  beforeEach(async () => {
    reg = await exampleRegistry();
    reg.env.PATH = process.env.PATH ?? '/usr/bin:/bin';
    mkdirSync(path.join(reg.dir, 'datasets'));
    // written "long ago", so the stat cache may vouch for them (see test/data-cli.test.ts)
    const past = new Date(Date.now() - 60_000);
    for (const [p, t] of exampleDatasets()) {
      writeFileSync(path.join(reg.dir, p), t);
      utimesSync(path.join(reg.dir, p), past, past);
    }
    const added = [...exampleDatasets().keys()].map((p) => ['data', 'add', p]);
    for (const argv of [...added, ['data', 'push']]) {
      const r = await reg.mlops(...argv);
      expect(r.code, r.err).toBe(0);
    }
    rmSync(path.join(reg.dir, CACHE_DIR), { recursive: true, force: true });
    scratch = mkdtempSync(path.join(tmpdir(), 'mlops-drift-action-'));
    origin = path.join(scratch, 'origin.git');
    execFileSync('git', ['init', '--bare', '--quiet', origin]);
    fx.git('remote', 'add', 'origin', origin);
    fx.git('push', '--quiet', 'origin', 'main');
    writeFileSync(summary, '');
    core.summary.emptyBuffer();
    stdout = [];
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    // the action reports through @actions/core on stdout (::warning::, ::error::)
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    // setFailed sets the exit code of the process running the tests
    process.exitCode = undefined;
    reg.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  const fx: Fixture = {
    get reg() {
      return reg;
    },
    get origin() {
      return origin;
    },
    git: (...a) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim(),
    inOrigin: (...a) =>
      execFileSync('git', [`--git-dir=${origin}`, ...a], { encoding: 'utf8' }).trim(),
    forge: () => new LocalForge(reg.repo, { login: 'mlops-bot' }),
    /**
     * Logs the example's 5,000 test executions as production traffic over the 22 hours before
     * NOW, in four files, each row's `pass_rate_7d` lowered by `shift` (at least 0) and scored:
     * the `prediction` column is the outcome, wrong on every 20th row (95 % accurate, above the
     * 93.8 % of 1.0.0 at training, so only the pass rate can drift). Returns the log keys.
     */
    async logShifted(shift) {
      const store = new LocalObjectStore(path.join(reg.dir, '.mlops/remote'));
      const csv = exampleDatasets().get('datasets/test-executions.csv')!;
      const [header = '', ...rows] = csv.trimEnd().split('\n');
      const cols = header.split(',');
      const [at, rate, outcome] = ['event_timestamp', 'pass_rate_7d', 'outcome'].map((c) =>
        cols.indexOf(c),
      ) as [number, number, number];
      const start = NOW.getTime() - 22 * HOUR;
      const lines = rows.map((row, i) => {
        const c = row.split(',');
        c[at] = new Date(start + Math.floor((i * 22 * HOUR) / rows.length)).toISOString();
        c[rate] = Math.max(0, Number(c[rate]) - shift).toFixed(4);
        const wrong = c[outcome] === 'failed' ? 'passed' : 'failed';
        return `${c.join(',')},${i % 20 === 0 ? wrong : c[outcome]}`;
      });
      const keys: string[] = [];
      const per = Math.ceil(lines.length / 4);
      for (let f = 0; f < 4; f++) {
        const part = lines.slice(f * per, (f + 1) * per);
        const begins = new Date(start + f * per * ((22 * HOUR) / rows.length));
        const text = `${header},prediction\n${part.join('\n')}\n`;
        keys.push(await writeLogFile(store, MODEL, begins, text));
      }
      return keys;
    },
    /** Runs the action as a step would: inputs and context in the environment, real git. */
    async action(opts = {}) {
      const outputFile = path.join(scratch, 'output.txt');
      const eventFile = path.join(scratch, 'event.json');
      writeFileSync(outputFile, '');
      writeFileSync(eventFile, '{}');
      vi.stubEnv('GITHUB_OUTPUT', outputFile);
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GITHUB_WORKSPACE: reg.dir,
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_EVENT_PATH: eventFile,
        GIT_AUTHOR_NAME: 'drift-bot',
        GIT_AUTHOR_EMAIL: 'drift-bot@example.com',
        ...Object.fromEntries(
          Object.entries(opts.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
        ),
      };
      const deps: Deps = {
        forge: () => Promise.resolve(fx.forge()),
        now: () => opts.now ?? NOW,
        push: opts.push ?? gitPush(env),
        fetch: gitFetch(env),
        reset: gitReset(env),
      };
      await main(env, deps);
      const outputs: Record<string, string> = {};
      for (const m of readFileSync(outputFile, 'utf8').matchAll(
        /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm,
      )) {
        outputs[m[1]!] = m[3]!;
      }
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
  return fx;
}
