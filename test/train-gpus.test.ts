import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import type { Run } from '../src/records/index.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

// GPUs are hardware we cannot have here: a stand-in `nvidia-smi` answers the one query the
// tool makes, in the format the real one prints (csv, noheader, nounits).
const FAKE_SMI = `#!/bin/sh
[ "$1" = "--query-gpu=index,name,memory.total,driver_version" ] && [ "$2" = "--format=csv,noheader,nounits" ] || exit 9
echo "0, NVIDIA H100 80GB HBM3, 81559, 550.54.15"
echo "1, NVIDIA H100 80GB HBM3, 81559, 550.54.15"
`;

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
let basePath: string;
const at = (p: string) => join(reg.dir, p);
const MODELS = ['execution-agent', 'generation-agent-dqn', 'requirements-agent'];

function gpuModel(name: string): string {
  const text = reg.files.get(`registry/models/${name}/model.yaml`)!;
  return text
    .replace(/command: .*/, 'command: node training/fake-trainer.mjs')
    .replace(/gpus: \d+/, 'gpus: 1');
}

async function json(...argv: string[]) {
  const r = await reg.mlops(...argv, '--json');
  return { ...r, runs: r.out ? (JSON.parse(r.out) as (Run & { run_dir: string })[]) : [] };
}

beforeAll(async () => {
  reg = await exampleRegistry();
  basePath = process.env.PATH ?? '/usr/bin:/bin';
  reg.env.PATH = basePath;
  const edits: Record<string, string> = {
    'training/fake-trainer.mjs': readFileSync(join(__dirname, 'fixtures/fake-trainer.mjs'), 'utf8'),
  };
  for (const m of MODELS) edits[`registry/models/${m}/model.yaml`] = gpuModel(m);
  await reg.commit(edits);
  mkdirSync(at('datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(at(p), t);
  mkdirSync(at('.fakebin'));
  writeFileSync(at('.fakebin/nvidia-smi'), FAKE_SMI);
  chmodSync(at('.fakebin/nvidia-smi'), 0o755);
});
afterAll(() => reg.cleanup());

describe('mlops train on GPUs', () => {
  it('refuses, before running anything, a GPU model on a machine without GPUs', async () => {
    const r = await reg.mlops('train', 'generation-agent-dqn');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'generation-agent-dqn needs 1 GPU and this machine has none (nvidia-smi found no device); it is never trained on the CPU instead',
    );
    expect(existsSync(at('.mlops/runs'))).toBe(false);
    expect(readdirSync(at('registry/runs/generation-agent-dqn'))).toHaveLength(2); // the example's two
  });

  it('gives a run its GPUs in CUDA_VISIBLE_DEVICES and records name, memory and driver', async () => {
    reg.env.PATH = `${at('.fakebin')}:${basePath}`;
    const { code, runs, err } = await json('train', 'generation-agent-dqn');
    expect(code, err).toBe(0);
    const seen = JSON.parse(readFileSync(join(runs[0]!.run_dir, 'seen-env.json'), 'utf8')) as Seen;
    expect(seen.cuda).toBe('0');
    expect(runs[0]!.environment.gpus).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', memory_mb: 81559, driver: '550.54.15' },
    ]);
  });

  it('--all --parallel trains at once, one GPU set each; a third model waits for a free GPU', async () => {
    reg.env.PATH = `${at('.fakebin')}:${basePath}`;
    const { code, runs, err } = await json('train', '--all', '--parallel', '-p', 'mode="slow"');
    expect(code, err).toBe(0);
    expect(runs.map((r) => r.model)).toEqual(MODELS);
    const seen = runs.map((r) => ({
      ...(JSON.parse(readFileSync(join(r.run_dir, 'seen-env.json'), 'utf8')) as Seen),
      endedAt: Number(readFileSync(join(r.run_dir, 'ended-at'), 'utf8')),
    }));
    // two GPUs, three models: the first two overlap on different GPUs, the third starts after one ends
    const [a, b, c] = [...seen].sort((x, y) => x.startedAt - y.startedAt);
    expect(a!.cuda).not.toBe(b!.cuda);
    expect(b!.startedAt).toBeLessThan(a!.endedAt);
    expect(c!.startedAt).toBeGreaterThanOrEqual(Math.min(a!.endedAt, b!.endedAt));
    expect(new Set(seen.map((s) => s.cuda))).toEqual(new Set(['0', '1']));
  });

  it('a model needing more GPUs than the machine has is refused', async () => {
    reg.env.PATH = `${at('.fakebin')}:${basePath}`;
    await reg.commit({
      'registry/models/requirements-agent/model.yaml': gpuModel('requirements-agent').replace(
        'gpus: 1',
        'gpus: 4',
      ),
    });
    const r = await reg.mlops('train', 'requirements-agent');
    expect(r.code).toBe(2);
    expect(r.err).toContain('requirements-agent needs 4 GPUs; this machine has 2');
  });
});

describe('signals', () => {
  it('Ctrl-C or SIGTERM to mlops reaches the command, and the run is recorded as stopped', async () => {
    reg.env.PATH = basePath;
    const cli = join(__dirname, '..', 'bin', 'mlops.js');
    const child = spawn(
      process.execPath,
      [cli, 'train', 'execution-agent', '-p', 'mode="wait-signal"', '--json'],
      {
        cwd: reg.dir,
        env: { PATH: `${at('.fakebin')}:${basePath}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('sleeping')) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, err).toBe(1);
    const [run] = JSON.parse(out) as (Run & { run_dir: string })[];
    expect(run!.status).toBe('killed');
    expect(run!.failure!.reason).toBe('stopped by SIGTERM (forwarded)');
    expect(readFileSync(join(run!.run_dir, 'got-sigterm'), 'utf8')).toBe('yes');
  });
});
