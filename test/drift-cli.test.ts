import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { LocalObjectStore, ensureToolDir } from '../src/data/index.js';
import { exampleDatasets, testExecutionsCsv } from '../src/demo/datasets.js';
import { writeLogFile } from '../src/drift/index.js';
import { LocalForge } from '../src/forge/index.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

// `mlops drift` and `mlops retrain` on the example registry: execution-agent's production
// 1.0.0 was trained on test-executions (its lineage hash), whose rows the shifts below move.
const MODEL = 'execution-agent';
const HOUR = 3_600_000;
let reg: TestRegistry;
afterEach(() => reg.cleanup());

async function registry() {
  reg = await exampleRegistry();
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
  // the reference is read by hash from the cache: put it there as `mlops data add` does
  expect((await mlops(new Date(), 'data', 'add', 'datasets/test-executions.csv')).code).toBe(0);
}

async function mlops(at: Date, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    cwd: reg.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_AUTHOR_NAME: 'Ops' },
    now: () => at,
    isTTY: false,
  });
  return { code, out, err };
}
const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' });

/**
 * A day of production rows before `end`: the example executions with pass_rate_7d lowered
 * by `shift` (0.023 gives a PSI of 0.22, a warning; 0.35 is far past critical).
 */
async function logDay(end: Date, shift: number, extra = (c: string[]) => c) {
  const [header = '', ...rows] = testExecutionsCsv().trimEnd().split('\n');
  const start = end.getTime() - 24 * HOUR;
  const lines = rows.map((row, i) => {
    const c = row.split(',');
    c[2] = new Date(start + Math.floor((i * 24 * HOUR) / rows.length)).toISOString();
    c[4] = Math.max(0, Number(c[4]) - shift).toFixed(4);
    return extra(c).join(',');
  });
  const store = new LocalObjectStore(join(ensureToolDir(reg.dir), 'remote'));
  await writeLogFile(store, MODEL, new Date(start), `${header}\n${lines.join('\n')}\n`);
}

describe('mlops drift', () => {
  it('finds a critical shift, says so with exit 1, and writes the reports', async () => {
    await registry();
    const now = new Date('2026-06-01T00:00:00Z');
    await logDay(now, 0.35);
    const r = await mlops(
      now,
      'drift',
      MODEL,
      '--markdown',
      'out/drift.md',
      '--html',
      'out/drift.html',
    );
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(
      /^execution-agent 1\.0\.0: critical drift: PSI [\d.]+ on pass_rate_7d \(critical\)/,
    );
    expect(r.out).toMatch(
      /current production logs 2026-05-31T00:00:00\.000Z → 2026-06-01T00:00:00\.000Z \(1 files\): 5000 rows/,
    );
    expect(r.out).toMatch(/^execution_time_ms +wasserstein +0 +0\.1 +no +0 +ok$/m);
    expect(readFileSync(join(reg.dir, 'out/drift.md'), 'utf8')).toMatch(/🚨/);
    expect(readFileSync(join(reg.dir, 'out/drift.html'), 'utf8')).toContain(
      'id="hist-pass_rate_7d"',
    );
  });

  it('a warning opens one issue, a second warning updates it, and only the level change is committed', async () => {
    await registry();
    const first = new Date('2026-06-01T00:00:00Z');
    await logDay(first, 0.023);
    const before = Number(git('rev-list', '--count', 'main').trim());
    const r1 = await mlops(first, 'drift', MODEL, '--act', '--as', 'ops');
    expect(r1.code, r1.err).toBe(0);
    expect(r1.out).toMatch(/PSI 0\.22\d* on pass_rate_7d \(warning\)/);
    expect(r1.out).toMatch(
      /drift status committed \([0-9a-f]{7}\)\n +opened issue #1: Drift warning: execution-agent/,
    );
    expect(Number(git('rev-list', '--count', 'main').trim())).toBe(before + 1);
    expect(git('log', '-1', '--format=%B')).toMatch(/Drift-Level: warning\nAction: issue/);
    const status = readFileSync(join(reg.dir, `registry/models/${MODEL}/drift.yaml`), 'utf8');
    expect(status).toMatch(/^level: warning$/m);
    expect((await mlops(first, 'validate')).code).toBe(0);

    const second = new Date(first.getTime() + 24 * HOUR);
    await logDay(second, 0.023);
    const r2 = await mlops(second, 'drift', MODEL, '--act', '--as', 'ops');
    expect(r2.out).toMatch(
      /level unchanged \(warning\): nothing committed\n +updated issue #1: Drift warning: execution-agent/,
    );
    expect(Number(git('rev-list', '--count', 'main').trim())).toBe(before + 1);
    const forge = new LocalForge(reg.repo, { login: 'ops' });
    expect((await forge.findIssue('Drift warning: execution-agent'))?.number).toBe(1);
    expect((await forge.findIssue('Drift warning: execution-agent'))?.body).toContain(
      second.toISOString(),
    );
  });

  it('critical dispatches retraining once, when the level changes, not at every check', async () => {
    await registry();
    const first = new Date('2026-06-01T00:00:00Z');
    await logDay(first, 0.35);
    const r1 = await mlops(first, 'drift', MODEL, '--act', '--as', 'ops');
    expect(r1.out).toMatch(/drift status committed \([0-9a-f]{7}\)\n +retraining dispatched/);
    const second = new Date(first.getTime() + HOUR);
    const r2 = await mlops(second, 'drift', MODEL, '--act', '--as', 'ops');
    expect(r2.code).toBe(1);
    expect(r2.out).toMatch(
      /level unchanged \(critical\): nothing committed\n +still critical: retraining was dispatched when the level changed/,
    );
    const dispatched = await new LocalForge(reg.repo, { login: 'ops' }).dispatches();
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]).toMatchObject({
      event_type: 'retrain',
      client_payload: { model: MODEL, trigger: 'drift' },
    });
  });

  it('an empty window is an error that says where it looked, not an ok', async () => {
    await registry();
    const r = await mlops(new Date('2026-06-01T00:00:00Z'), 'drift', MODEL);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^mlops: no production rows of execution-agent were logged in \[2026-05-31T00:00:00\.000Z, 2026-06-01T00:00:00\.000Z\) under logs\/execution-agent\//,
    );
  });
});

describe('mlops retrain', () => {
  it('a failed stage stops the pipeline with its reason, and nothing downstream runs', async () => {
    await registry();
    const now = new Date('2026-06-01T00:00:00Z');
    // a replica logged pass rates above 1: the dataset's expectation between(0, 1) must catch it
    await logDay(now, 0, (c) => {
      c[4] = '1.5000';
      return c;
    });
    const runs = () => git('ls-files', 'registry/runs').split('\n').filter(Boolean).length;
    const before = runs();
    const r = await mlops(now, 'retrain', MODEL, '--reason', 'weekly', '--trigger', 'schedule');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /✔ collect new data: 5000 labelled rows from 1 log files added to test-executions \(10000 rows now\)\n/,
    );
    expect(r.out).toMatch(
      /✘ validate data: test-executions breaks its expectations: between\(pass_rate_7d\): 5000 unexpected; the new version is not kept\n$/,
    );
    // the bad rows are gone again: the work tree holds the committed version
    expect(git('status', '--porcelain', 'data')).toBe('');
    expect(readFileSync(join(reg.dir, 'datasets/test-executions.csv'), 'utf8')).toBe(
      exampleDatasets().get('datasets/test-executions.csv'),
    );
    expect(r.out).not.toContain('train');
    expect(runs()).toBe(before);
    expect(git('ls-files', `registry/models/${MODEL}/versions`).trim().split('\n')).toEqual([
      `registry/models/${MODEL}/versions/1.0.0.yaml`,
    ]);
  });
});
