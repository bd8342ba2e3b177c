import { describe, expect, it } from 'vitest';
import { GpuPool, parseGpuCsv, queryGpus, type Exec } from './gpus.js';
import { progressLine } from './progress.js';
import { makeRunId } from './run-id.js';
import { usesPython } from './environment.js';

const SMI =
  '0, NVIDIA A100-SXM4-40GB, 40960, 535.104.05\n1, NVIDIA A100-SXM4-40GB, 40960, 535.104.05\n2, Tesla T4, 15360, 535.104.05\n';
const exec =
  (stdout: string | null): Exec =>
  () =>
    Promise.resolve(stdout === null ? null : { code: 0, stdout, stderr: '' });

describe('GPUs', () => {
  it('parses nvidia-smi csv (names may hold commas)', () => {
    expect(parseGpuCsv('0, NVIDIA RTX A6000, Rev 2, 49140, 550.54.14\n')).toEqual([
      { index: 0, name: 'NVIDIA RTX A6000, Rev 2', memory_mb: 49140, driver: '550.54.14' },
    ]);
  });

  it('honours a CUDA_VISIBLE_DEVICES the runner already set; no nvidia-smi means no GPU', async () => {
    expect((await queryGpus(exec(SMI), '2,0')).map((g) => g.index)).toEqual([0, 2]);
    expect(await queryGpus(exec(SMI))).toHaveLength(3);
    expect(await queryGpus(exec(null))).toEqual([]);
  });

  it('the pool never hands out a GPU twice', () => {
    const pool = new GpuPool(parseGpuCsv(SMI));
    const a = pool.take(2)!;
    expect(pool.take(2)).toBeNull();
    const b = pool.take(1)!;
    expect(new Set([...a, ...b].map((g) => g.index)).size).toBe(3);
    pool.give(a);
    expect(pool.take(2)!.map((g) => g.index)).toEqual([0, 1]);
    expect(pool.take(0)).toEqual([]);
  });
});

describe('small things', () => {
  it('run ids sort by time and say what ran', () => {
    expect(makeRunId(new Date('2026-11-26T07:05:09.999Z'), 'Execution Agent!')).toBe(
      '20261126-070509-execution-agent',
    );
    expect(makeRunId(new Date('2026-11-26T07:05:09Z'), '***')).toBe('20261126-070509-run');
  });

  it('knows a Python command when it sees one', () => {
    expect(usesPython('python training/x.py')).toBe(true);
    expect(usesPython('torchrun --nproc_per_node 4 train.py')).toBe(true);
    expect(usesPython('/usr/bin/python3 -u train.py')).toBe(true);
    expect(usesPython('node training/execution-agent/dist/train.js')).toBe(false);
  });

  it('the progress line shows step, the first metrics and the clock', () => {
    expect(
      progressLine({
        step: 1200,
        metrics: { loss: 0.23456, acc: 0.9, lr: 0.00001 },
        elapsedMs: 3_725_000,
      }),
    ).toBe('step 1200 · loss 0.2346 · acc 0.9 · lr 1.000e-5 · 1:02:05');
  });
});
