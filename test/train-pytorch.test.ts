import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import type { ModelVersion, Run } from '../src/records/index.js';
import { exampleRegistry, edit, type TestRegistry } from './helpers/registry.js';

// The PyTorch trainer through the tracking protocol, on the CPU: Debian's python3-torch
// (installed by scripts/test-all.sh) for the system interpreter. On a GPU runner the same
// trainer uses CUDA; that path is proven on a GPU machine, never in the test run.
const MODEL = 'registry/models/generation-agent-dqn/model.yaml';
let reg: TestRegistry;

beforeAll(async () => {
  reg = await exampleRegistry();
  reg.env.PATH = `/usr/bin:/bin:${dirname(process.execPath)}`;
  // the example registry carries training/; the CPU on purpose, as there is no GPU here
  const model = edit(reg.files.get(MODEL), 'gpus: 1', 'gpus: 0');
  await reg.commit({ [MODEL]: model });
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
});
afterAll(() => reg.cleanup());

describe('generation-agent-dqn (PyTorch) under the tracking protocol', () => {
  it('trains on the CPU, records Python and the metrics, and registers the next minor version', async () => {
    const t = await reg.mlops('train', 'generation-agent-dqn', '-p', 'episodes=80', '--json');
    expect(t.code, t.err).toBe(0);
    const [run] = JSON.parse(t.out) as (Run & { run_dir: string })[];
    expect(run!.status).toBe('succeeded');
    expect(run!.environment.python).toMatch(/^3\.\d+\.\d+$/);
    expect(run!.environment.gpus).toEqual([]);
    expect(run!.architecture).toEqual({ type: 'dueling-double-dqn', framework: 'pytorch' });
    for (const m of ['accuracy', 'fault_detection_rate', 'mean_reward', 'latency_p95_ms']) {
      expect(Number.isFinite(run!.metrics[m]), m).toBe(true);
    }
    expect(Object.keys(run!.slices ?? {}).sort()).toEqual(['api', 'ui', 'unit']);
    expect(run!.artifacts.map((a) => a.name)).toEqual(['model.pt']);
    // one metrics line per episode
    const lines = readFileSync(join(run!.run_dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(80);
    expect(t.err).toMatch(/generation-agent-dqn: 300 tests, device cpu, params/);

    const r = await reg.mlops('register', 'generation-agent-dqn', '--run', run!.id, '--json');
    expect(r.code, r.err).toBe(0);
    const { version } = JSON.parse(r.out) as { version: ModelVersion };
    expect(version).toMatchObject({
      version: '2.2.0',
      change: { level: 'minor' },
      artifact: { format: 'pt' },
    });
    const v = await reg.mlops('validate');
    expect(v.code, v.out).toBe(0);
  }, 120_000);
});
