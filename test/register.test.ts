import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import type { ModelVersion, Run } from '../src/records/index.js';
import { exampleRegistry, edit, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
let registered: Run;
const MODEL = 'registry/models/execution-agent/model.yaml';
const git = (...args: string[]) => execFileSync('git', args, { cwd: reg.dir, encoding: 'utf8' });

async function trained(...params: string[]): Promise<Run> {
  const r = await reg.mlops(
    'train',
    'execution-agent',
    '--json',
    ...params.flatMap((p) => ['-p', p]),
  );
  return (JSON.parse(r.out) as Run[])[0]!;
}

async function register(...argv: string[]) {
  const r = await reg.mlops('register', 'execution-agent', ...argv);
  return r;
}

beforeAll(async () => {
  reg = await exampleRegistry();
  reg.env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  await reg.commit({
    [MODEL]: edit(
      reg.files.get(MODEL),
      'command: node training/execution-agent/dist/train.js',
      'command: node training/fake-trainer.mjs',
    ),
    'training/fake-trainer.mjs': readFileSync(join(__dirname, 'fixtures/fake-trainer.mjs'), 'utf8'),
  });
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
});
afterAll(() => reg.cleanup());

describe('mlops register', () => {
  it('writes the Run, ModelVersion, ModelCard and its Markdown in one commit with trailers, and they validate', async () => {
    const run = await trained('accuracy=0.95');
    registered = run;
    const before = git('rev-parse', 'HEAD').trim();
    const r = await register('--run', run.id, '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as { version: ModelVersion; commit: string; files: string[] };
    expect(out.version).toMatchObject({
      version: '1.1.0',
      run: run.id,
      metrics: { accuracy: 0.95, latency_p95_ms: 2.5 },
      slices: { api: { accuracy: 0.91 } },
      architecture: { type: 'logistic-regression', framework: 'typescript' },
      change: { level: 'minor' },
      artifact: { uri: run.artifacts[0]!.uri, hash: run.artifacts[0]!.hash, format: 'json' },
      lineage: { datasets: run.inputs.datasets },
      card: 'model-cards/execution-agent/1.1.0.yaml',
    });
    // exactly one commit, holding the four files
    expect(git('rev-list', `${before}..HEAD`).trim().split('\n')).toEqual([out.commit]);
    expect(git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(
      [
        `registry/runs/execution-agent/${run.id}.yaml`,
        'registry/models/execution-agent/versions/1.1.0.yaml',
        'model-cards/execution-agent/1.1.0.yaml',
        'model-cards/execution-agent/1.1.0.md',
      ].sort(),
    );
    const message = git('log', '-1', '--format=%B');
    expect(message).toMatch(/^Register execution-agent 1\.1\.0 from run /);
    expect(message).toContain('Model: execution-agent\nVersion: 1.1.0\n');
    expect(message).toContain('Change: minor');
    const card = readFileSync(join(reg.dir, 'model-cards/execution-agent/1.1.0.md'), 'utf8');
    expect(card).toContain('| accuracy | | 0.95 | ≥ 0.9 | ✅ |');
    // limitations carried from 1.0.0's card
    expect(card).toContain("Trained on one organisation's test history");
    const v = await reg.mlops('validate', '--base', before);
    expect(v.code, v.out + v.err).toBe(0);
  });

  it('refuses to register the same run twice', async () => {
    const r = await register('--run', registered.id);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is already registered as execution-agent 1.1.0');
  });

  it('a failed run registers nothing', async () => {
    const run = await trained('mode="fail"');
    const head = git('rev-parse', 'HEAD');
    const r = await register('--run', run.id);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`cannot register run ${run.id}: .*failed`));
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain', 'registry/models', 'model-cards')).toBe('');
  });

  it('bumps MAJOR when the architecture changes against production, PATCH on request', async () => {
    const patch = await trained('mode="ok"', 'seed=8');
    const p = await register('--run', patch.id, '--patch', '--reason', 'fix the threshold');
    expect(p.code, p.err).toBe(0);
    expect(p.out).toContain('registered execution-agent 1.1.1 (patch: fix the threshold)');
    const major = await trained('arch="gradient-boosting"');
    const m = await register('--run', major.id);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toMatch(
      /registered execution-agent 2\.0\.0 \(major: architecture changed from logistic-regression/,
    );
  });

  it('refuses a run whose artifact is not on its remote', async () => {
    const run = await trained('seed=9');
    rmSync(join(reg.dir, '.mlops/remote'), { recursive: true });
    const r = await register('--run', run.id);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`its artifact ${run.artifacts[0]!.hash} is not on remote "local"`);
  });

  it('names an unknown run', async () => {
    const r = await register('--run', '20990101-000000-nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no run "20990101-000000-nope"');
  });
});
