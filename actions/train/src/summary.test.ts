import { describe, expect, it } from 'vitest';
import type { ModelVersion, Run } from '../../../src/records/index.js';
import { trainSummary } from './summary.js';

const GPU = { name: 'NVIDIA H100 80GB HBM3', memory_mb: 81559, driver: '550.54.15' };

function run(over: Partial<Run> = {}): Run {
  return {
    kind: 'Run',
    schema_version: 1,
    id: '20260201-020000-m',
    experiment: 'm',
    model: 'm',
    status: 'succeeded',
    started_at: '2026-02-01T02:00:00Z',
    ended_at: '2026-02-01T03:05:09Z',
    code_commit: 'a'.repeat(40),
    trigger: { type: 'drift', reason: 'PSI 0.31 on <feature>' },
    params: {},
    metrics: { accuracy: 0.88, latency_p95_ms: 120 },
    inputs: { datasets: [] },
    artifacts: [],
    environment: {
      runner: 'gpu-1',
      os: 'Linux 6.8.0 x86_64',
      node: 'v24.1.0',
      python: '3.11.7',
      gpus: [GPU, GPU, { ...GPU, name: 'NVIDIA A10' }],
    },
    ...over,
  };
}

const production = {
  version: '2.0.0',
  metrics: { accuracy: 0.9, f1: 0.8 },
} as unknown as ModelVersion;

describe('trainSummary', () => {
  it('compares with production and marks a threshold missed with ❌', () => {
    const md = trainSummary({
      model: 'm',
      run: run(),
      production,
      thresholds: { min_accuracy: 0.9, max_latency_p95_ms: 100 },
      registered: {
        version: '2.1.0',
        branch: 'register/m/20260201-020000-m',
        commit: 'b'.repeat(40),
      },
    });
    expect(md).toContain('✅ **succeeded**: run `20260201-020000-m` in 1 h 5 min\n');
    expect(md).toContain('Trigger: drift, PSI 0.31 on &#60;feature&#62;\n');
    expect(md).toContain(
      '| metric | this run | production (2.0.0) | Δ | policy threshold |\n|---|---:|---:|---:|---|\n' +
        '| accuracy | 0.88 | 0.9 | -0.02 | ≥ 0.9 ❌ |\n' +
        '| latency_p95_ms | 120 | — | — | < 100 ❌ |\n' +
        '| f1 | — | 0.8 | — |  |\n',
    );
    expect(md).toContain(
      '- GPUs: 2 × NVIDIA H100 80GB HBM3 (81559 MB, driver 550.54.15), 1 × NVIDIA A10 (81559 MB, driver 550.54.15)\n- Python 3.11.7, Node v24.1.0\n',
    );
    expect(md).toContain(
      'Registered m 2.1.0 (branch `register/m/20260201-020000-m`, commit `bbbbbbb`)',
    );
  });

  it('a failed run: its reason and last lines in a fence longer than any backticks inside', () => {
    const failed = run({
      status: 'failed',
      metrics: {},
      failure: { reason: 'exited with code 1', last_lines: ['```', 'Traceback: boom'] },
    });
    const md = trainSummary({
      model: 'm',
      run: failed,
      thresholds: {},
      recorded: { branch: 'runs/m/20260201-020000-m', commit: 'c'.repeat(40) },
    });
    expect(md).toContain('❌ **failed**: run `20260201-020000-m` in 1 h 5 min\n');
    expect(md).not.toContain('| metric |');
    expect(md).toContain('**Reason:** exited with code 1\n');
    expect(md).toContain('Last output:\n\n````\n```\nTraceback: boom\n````\n');
    expect(md).toContain(
      'the Run is recorded on branch `runs/m/20260201-020000-m` (commit `ccccccc`)',
    );
    expect(md).not.toContain('Registered m');
  });

  it('without production or GPUs, and when nothing trained', () => {
    const md = trainSummary({
      model: 'm',
      run: run({ metrics: { accuracy: 0.95 }, environment: { runner: 'r', os: 'o', gpus: [] } }),
      durationMs: 2345,
      thresholds: { min_accuracy: 0.9 },
    });
    expect(md).toContain('✅ **succeeded**: run `20260201-020000-m` in 2.3 s\n');
    expect(md).toContain('| metric | this run | production (none) | Δ | policy threshold |');
    expect(md).toContain('| accuracy | 0.95 | — | — | ≥ 0.9 ✅ |');
    expect(md).toContain('- GPUs: none\n');
    expect(trainSummary({ model: 'm', thresholds: {}, error: 'm needs 1 GPU' })).toBe(
      '### Training m\n\n❌ **not trained**: m needs 1 GPU\n',
    );
  });
});
