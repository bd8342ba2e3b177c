import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import { loadRecord, type Run } from '../src/records/index.js';
import { exampleRegistry, edit, type TestRegistry } from './helpers/registry.js';

/** What the fake trainer saw (it writes this to its run dir). */
interface Seen {
  data: string | null;
  runId: string;
  cuda: string | null;
  argv: string[];
  rows: number | null;
  startedAt: number;
}

let reg: TestRegistry;
const at = (p: string) => join(reg.dir, p);
const read = (p: string) => readFileSync(at(p), 'utf8');
const MODEL = 'registry/models/execution-agent/model.yaml';
const remoteHas = (hash: string) => {
  const hex = hash.replace(/^sha256:/, '');
  return existsSync(at(`.mlops/remote/files/sha256/${hex.slice(0, 2)}/${hex.slice(2)}`));
};

/** Train execution-agent with the fake trainer in `mode`; returns the CLI result and the Run. */
async function train(mode: string, ...extra: string[]) {
  const r = await reg.mlops(
    'train',
    'execution-agent',
    '-p',
    `mode=${JSON.stringify(mode)}`,
    '--json',
    ...extra,
  );
  const runs = r.out
    ? (JSON.parse(r.out) as (Run & { record_path: string; run_dir: string })[])
    : [];
  return { ...r, run: runs[0]! };
}

beforeAll(async () => {
  reg = await exampleRegistry();
  reg.env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  const model = edit(
    reg.files.get(MODEL),
    'command: node training/execution-agent/dist/train.js',
    'command: node training/fake-trainer.mjs --gpus {num_gpus}',
  );
  await reg.commit({
    [MODEL]: model,
    'training/fake-trainer.mjs': readFileSync(join(__dirname, 'fixtures/fake-trainer.mjs'), 'utf8'),
  });
  mkdirSync(at('datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(at(p), t);
});
afterAll(() => reg.cleanup());

describe('mlops train: the tracking protocol', () => {
  it('runs the command with its run dir, params, data and substitutions, and writes a valid Run', async () => {
    const { code, run, err } = await train('ok', '--reason', 'nightly');
    expect(code, err).toBe(0);
    expect(run.status).toBe('succeeded');
    expect(run.id).toMatch(/^\d{8}-\d{6}-execution-agent(-\d+)?$/);
    expect(run.trigger).toEqual({ type: 'manual', reason: 'nightly' });
    expect(run.command).toBe('node training/fake-trainer.mjs --gpus 0');
    expect(run.params).toMatchObject({ learning_rate: 0.1, epochs: 200, seed: 7, mode: 'ok' });
    expect(run.metrics).toEqual({ accuracy: 0.93, latency_p95_ms: 2.5 });
    expect(run.slices).toEqual({ api: { accuracy: 0.91 } });
    expect(run.architecture).toEqual({ type: 'logistic-regression', framework: 'typescript' });
    expect(run.inputs.datasets).toEqual([
      { name: 'test-executions', hash: expect.stringMatching(/^sha256:17151a67/) as unknown },
    ]);
    expect(run.code_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(run.environment).toMatchObject({ node: process.version, gpus: [] });
    expect(run.environment.os).toMatch(/\S+ \S+ \S+/);

    const seen = JSON.parse(readFileSync(join(run.run_dir, 'seen-env.json'), 'utf8')) as Seen;
    expect(seen).toMatchObject({
      data: at('datasets/test-executions.csv'),
      runId: run.id,
      argv: ['--gpus', '0'],
      rows: 5000,
    });

    // the record validates where it lies
    const loaded = loadRecord(run.record_path, readFileSync(at(run.record_path)));
    expect(loaded.ok && loaded.findings).toEqual([]);
    // the artifact and the metric history are on the remote, by hash
    expect(run.artifacts).toHaveLength(1);
    expect(run.artifacts[0]).toMatchObject({
      name: 'model.json',
      uri: `mlops://local/runs/${run.id}/model.json`,
    });
    expect(remoteHas(run.artifacts[0]!.hash)).toBe(true);
    expect(remoteHas(run.metric_history!.hash)).toBe(true);
    const history = tableFromIPC(readFileSync(join(run.run_dir, 'metrics.arrow')));
    expect(history.numRows).toBe(5);
    expect([...history.getChild('step')!]).toEqual([0, 1, 2, 3, 4]);
    expect(history.getChild('loss')!.get(1)).toBe(0.5);
  });

  it('a command that exits non-zero gives a failed Run with its reason and last lines, and pushes nothing', async () => {
    const { code, run } = await train('fail');
    expect(code).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.failure!.reason).toBe('exited with code 3');
    expect(run.failure!.last_lines).toEqual(['trained 5 steps', 'CUDA out of memory (pretend)']);
    expect(run.artifacts).toEqual([]);
    // the model file it wrote before failing never left the machine
    const written = readFileSync(join(run.run_dir, 'artifacts/model.json'));
    const { createHash } = await import('node:crypto');
    expect(remoteHas(createHash('sha256').update(written).digest('hex'))).toBe(false);
    expect(loadRecord(run.record_path, readFileSync(at(run.record_path))).ok).toBe(true);
  });

  it('a command past its timeout is stopped (its whole group) and recorded as killed', async () => {
    const started = Date.now();
    const { code, run } = await train('sleep', '--timeout', '1s');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(code).toBe(1);
    expect(run.status).toBe('killed');
    expect(run.failure!.reason).toBe('timed out after 1s');
    expect(readFileSync(join(run.run_dir, 'got-sigterm'), 'utf8')).toBe('yes');
    expect(run.failure!.last_lines).toContain('sleeping');
  });

  it('a command killed by a signal is recorded as killed', async () => {
    const { code, run } = await train('suicide');
    expect(code).toBe(1);
    expect(run.status).toBe('killed');
    expect(run.failure!.reason).toMatch(/^killed by SIGKILL/);
  });

  it.each([
    ['malformed', /^metrics\.jsonl:6: not valid JSON: \{"step": 9, "loss": 0\.1$/],
    ['nan', /^metrics\.jsonl:6: metric "loss" is not finite \(NaN\)$/],
    ['infinite', /^metrics\.json: metric "accuracy" is not finite \(Infinity\)$/],
  ])('bad metrics (%s) fail the run by name, and nothing is pushed', async (mode, reason) => {
    const { code, run } = await train(mode);
    expect(code).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.failure!.reason).toMatch(reason);
    expect(run.artifacts).toEqual([]);
  });

  it('--commit commits the Run record alone, with trailers', async () => {
    const { code, run } = await train('fail', '--commit');
    expect(code).toBe(1);
    const { execFileSync } = await import('node:child_process');
    const log = execFileSync('git', ['log', '-1', '--format=%s%n%b', '--name-only'], {
      cwd: reg.dir,
      encoding: 'utf8',
    });
    expect(log).toContain(`Record failed run ${run.id} of execution-agent`);
    expect(log).toContain(`Run: ${run.id}`);
    expect(log.trim().split('\n').at(-1)).toBe(run.record_path);
  });
});

describe('mlops runs', () => {
  it('ls lists every run with its status; compare marks the best value of each metric', async () => {
    const a = (await train('ok', '-p', 'accuracy=0.91')).run;
    const b = (await train('ok', '-p', 'accuracy=0.95')).run;
    await train('fail');
    const ls = await reg.mlops('runs', 'ls', '--model', 'execution-agent');
    expect(ls.code).toBe(0);
    expect(ls.out).toMatch(
      new RegExp(`${a.id} +execution-agent +succeeded +manual +\\d+s +accuracy 0\\.91`),
    );
    expect(ls.out).toMatch(/ +failed +manual /);
    const cmp = await reg.mlops('runs', 'compare', a.id, b.id);
    expect(cmp.code).toBe(0);
    const rows = cmp.out.split('\n');
    expect(rows.find((r) => r.startsWith('accuracy (↑)'))).toMatch(/0\.91 +0\.95 \*$/);
    expect(rows.find((r) => r.startsWith('latency_p95_ms (↓)'))).toMatch(/2\.5 \* +2\.5 \*$/);
    // params are shown, never marked
    expect(rows.find((r) => r.startsWith('accuracy '))).toMatch(/^accuracy +0\.91 +0\.95$/);
    expect(rows.find((r) => r.startsWith('mode'))).toMatch(/ok +ok/);
    const missing = await reg.mlops('runs', 'compare', a.id, '20990101-000000-nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no run "20990101-000000-nope"');
  });
});

describe('mlops train: inputs', () => {
  it('pulls a missing dataset from its remote into the work tree before running', async () => {
    expect((await reg.mlops('data', 'add', 'datasets/test-executions.csv')).code).toBe(0);
    expect((await reg.mlops('data', 'push', 'test-executions')).code).toBe(0);
    rmSync(at('datasets/test-executions.csv'));
    rmSync(at('.mlops/cache'), { recursive: true });
    const { code, run } = await train('ok');
    expect(code).toBe(0);
    const seen = JSON.parse(readFileSync(join(run.run_dir, 'seen-env.json'), 'utf8')) as Seen;
    expect(seen.rows).toBe(5000);
  });

  it('refuses a work-tree file that differs from its pointer, and leaves it as it was', async () => {
    const changed =
      exampleDatasets().get('datasets/test-executions.csv')! +
      't9999,api,2026-03-01T00:00:00.000Z,1,1,0,passed\n';
    writeFileSync(at('datasets/test-executions.csv'), changed);
    const before = (await reg.mlops('runs', 'ls', '--json')).out;
    const r = await reg.mlops('train', 'execution-agent');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /datasets\/test-executions\.csv differs from data\/test-executions\.yaml .*mlops data add/,
    );
    expect(read('datasets/test-executions.csv')).toBe(changed);
    expect((await reg.mlops('runs', 'ls', '--json')).out).toBe(before);
    writeFileSync(
      at('datasets/test-executions.csv'),
      exampleDatasets().get('datasets/test-executions.csv')!,
    );
  });

  it('names a dataset that is nowhere', async () => {
    rmSync(at('datasets/test-executions.csv'));
    rmSync(at('.mlops/cache'), { recursive: true });
    rmSync(at('.mlops/remote'), { recursive: true });
    const r = await reg.mlops('train', 'execution-agent');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /test-executions: sha256:17151a67\w+ is not in the cache and could not be pulled from remote "local"/,
    );
    writeFileSync(
      at('datasets/test-executions.csv'),
      exampleDatasets().get('datasets/test-executions.csv')!,
    );
  });

  it('a broken model record is refused with its location, and nothing runs', async () => {
    mkdirSync(at('registry/models/broken'));
    writeFileSync(
      at('registry/models/broken/model.yaml'),
      read('registry/models/execution-agent/model.yaml')
        .replace('name: execution-agent', 'name: broken')
        .replace('gpus: 0', 'gpus: -1'),
    );
    const r = await reg.mlops('train', 'broken');
    rmSync(at('registry/models/broken'), { recursive: true });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'mlops: registry/models/broken/model.yaml:11:9: schema/minimum: training.gpus must be >= 0; got -1\n',
    );
    expect(existsSync(at('registry/runs/broken'))).toBe(false);
  });

  it('an unknown model is a usage error', async () => {
    const r = await reg.mlops('train', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no model "nope" (registry/models/nope/model.yaml does not exist)');
  });
});
