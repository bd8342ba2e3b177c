/**
 * The drift action's test fixture: the example registry as a real git repository whose
 * `origin` is a bare repository, so the real `git push`, `git fetch` and `git reset` run; only
 * the forge is the local one, kept in the registry's .git. The example datasets are added and
 * pushed to the registry's local data remote (`.mlops/remote`), then dropped from the cache,
 * so each check pulls its reference from the remote as a fresh CI checkout does.
 * `driftFixture()` registers the hooks that build and remove it around each test.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { CACHE_DIR, LocalObjectStore } from '../../../src/data/index.js';
import { exampleDatasets } from '../../../src/demo/datasets.js';
import { writeLogFile } from '../../../src/drift/index.js';
import {
  actionStep,
  bareOrigin,
  committerTestDeps,
  originTools,
  type OriginTools,
  type StepResult,
} from '../../../test/helpers/action-step.js';
import { exampleRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { main, type Deps } from './main.js';

export const MODEL = 'execution-agent';
export const STATUS = `registry/models/${MODEL}/drift.yaml`;
export const NOW = new Date('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

export interface Fixture extends OriginTools {
  readonly reg: TestRegistry;
  readonly origin: string;
  logShifted(shift: number): Promise<string[]>;
  action(opts?: {
    now?: Date;
    inputs?: Record<string, string>;
    push?: Deps['push'];
  }): Promise<StepResult>;
}

/**
 * Builds the fixture before each test and removes it after. @actions/core caches the summary
 * file's path on first use: one summary file per test file, emptied before each test.
 */
export function driftFixture(): Fixture {
  const step = actionStep('drift');
  let reg: TestRegistry;
  let scratch: string;
  let origin: string;

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
    origin = bareOrigin(reg.dir, scratch);
    step.capture();
  });

  afterEach(() => {
    step.release();
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
    ...originTools(
      () => reg,
      () => origin,
    ),
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
      const env = step.prepare(scratch, reg.dir, { name: 'schedule' }, opts.inputs, {
        GIT_AUTHOR_NAME: 'drift-bot',
        GIT_AUTHOR_EMAIL: 'drift-bot@example.com',
      });
      await main(
        env,
        committerTestDeps(env, () => fx.forge(), opts.now ?? NOW, opts.push),
      );
      return step.result(scratch);
    },
  };
  return fx;
}
