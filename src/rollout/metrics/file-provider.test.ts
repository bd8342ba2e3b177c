import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../data/index.js';
import type { Arm, MetricsBucket } from './file-format.js';
import { FileMetricsProvider, MetricsFileError, writeMetricsBucket } from './file-provider.js';

const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 0, min));
const bucket = (arm: Arm, min: number, requests: number, errors: number): MetricsBucket => ({
  ts: at(min),
  arm,
  version: arm === 'baseline' ? '1.2.0' : '1.3.0',
  requests,
  errors,
  labelled: requests / 2,
  correct: Math.max(0, requests / 2 - errors),
  latency: { bounds: [10, 50, 100], counts: [requests / 2, requests / 2, 0, 0] },
});
const range = { from: at(0), to: at(60) };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlops-metrics-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileMetricsProvider on a LocalObjectStore', () => {
  it('reads every *.jsonl under the prefix, and only those, into the window', async () => {
    const store = new LocalObjectStore(join(dir, 'remote'));
    const loc = { store, prefix: 'metrics/fraud/r1' };
    expect(await writeMetricsBucket(loc, bucket('baseline', 0, 1000, 10))).toBe(
      'metrics/fraud/r1/20260301T000000Z-baseline.jsonl',
    );
    await writeMetricsBucket(loc, [bucket('candidate', 0, 40, 2), bucket('candidate', 15, 60, 0)]);
    await writeMetricsBucket(loc, bucket('baseline', 60, 500, 500)); // past the window's end
    // another rollout's files, and a file of another kind under the prefix, are not read
    await writeMetricsBucket(
      { store, prefix: 'metrics/fraud/r2/' },
      bucket('candidate', 1, 10, 10),
    );
    await writeFile(join(dir, 'x.txt'), 'not metrics');
    await store.put('metrics/fraud/r1/notes.txt', join(dir, 'x.txt'), 11);

    const provider = new FileMetricsProvider(loc);
    expect((await provider.read()).files).toEqual([
      'metrics/fraud/r1/20260301T000000Z-baseline.jsonl',
      'metrics/fraud/r1/20260301T000000Z-candidate.jsonl',
      'metrics/fraud/r1/20260301T010000Z-baseline.jsonl',
    ]);
    expect(await provider.window(range)).toEqual({
      baseline: { requests: 1000, errors: 10, latencyP95Ms: 46, labelled: 500, correct: 490 },
      candidate: { requests: 100, errors: 2, latencyP95Ms: 46, labelled: 50, correct: 48 },
    });
  });

  it('reads zero counts when nothing falls in the window, or there are no files', async () => {
    const store = new LocalObjectStore(join(dir, 'remote'));
    const loc = { store, prefix: 'metrics/fraud/r1/' };
    const zero = { requests: 0, errors: 0, latencyP95Ms: null };
    expect(await new FileMetricsProvider(loc).window(range)).toEqual({
      baseline: zero,
      candidate: zero,
    });
    await writeMetricsBucket(loc, bucket('baseline', 90, 10, 0));
    expect(await new FileMetricsProvider(loc).window(range)).toEqual({
      baseline: zero,
      candidate: zero,
    });
  });

  it('is null, saying why, when the storage cannot be read: a failed tick, not zero traffic', async () => {
    const broken = new LocalObjectStore(join(dir, 'remote'));
    broken.list = () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9000');
    };
    const p = new FileMetricsProvider({ store: broken, prefix: 'm/' });
    expect(await p.window(range)).toBeNull();
    expect(p.unreachable).toBe('file metrics under m/: connect ECONNREFUSED 127.0.0.1:9000');
  });

  it('throws every problem, file and line, rather than judge part of the data', async () => {
    const store = new LocalObjectStore(join(dir, 'remote'));
    const loc = { store, prefix: 'm/' };
    await writeMetricsBucket(loc, bucket('baseline', 0, 10, 0));
    await writeFile(join(dir, 'bad.jsonl'), '\n{"ts": "yesterday"}\n');
    await store.put('m/bad.jsonl', join(dir, 'bad.jsonl'), 21);
    const error = await new FileMetricsProvider(loc).window(range).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsFileError);
    expect((error as MetricsFileError).problems).toEqual([
      'm/bad.jsonl:2: ts must be an ISO 8601 time with a zone, got "yesterday"',
    ]);
  });

  it('never overwrites a metrics file', async () => {
    const loc = { store: new LocalObjectStore(join(dir, 'remote')), prefix: 'm/' };
    await writeMetricsBucket(loc, bucket('baseline', 0, 10, 0));
    await expect(writeMetricsBucket(loc, bucket('baseline', 0, 20, 0))).rejects.toThrow(
      /already in/,
    );
  });
});

describe('writeMetricsBucket', () => {
  it('refuses a bucket that breaks the format, writing nothing', async () => {
    const loc = { dir: join(dir, 'metrics') };
    const bad = { ...bucket('baseline', 0, 10, 0), errors: 11 };
    await expect(writeMetricsBucket(loc, bad, 'bad.jsonl')).rejects.toThrow(
      'bad.jsonl:1: errors (11) exceeds requests (10)',
    );
    expect(await new FileMetricsProvider(loc).read()).toMatchObject({ files: [] });
  });
});

describe('FileMetricsProvider on a local directory', () => {
  it('reads *.jsonl files in nested folders, filtering versions when asked', async () => {
    const loc = { dir: join(dir, 'metrics') };
    await writeMetricsBucket(loc, bucket('baseline', 0, 100, 1));
    await writeMetricsBucket(
      { dir: join(dir, 'metrics', 'replica-2') },
      bucket('baseline', 0, 100, 3),
    );
    await writeMetricsBucket(
      loc,
      { ...bucket('candidate', 0, 10, 0), version: '1.2.9' },
      'old.jsonl',
    );
    await writeMetricsBucket(loc, bucket('candidate', 0, 10, 1));
    await expect(writeMetricsBucket(loc, bucket('candidate', 0, 10, 1))).rejects.toThrow(/EEXIST/);

    const w = await new FileMetricsProvider(loc).window(range, { candidate: '1.3.0' });
    expect(w?.baseline).toMatchObject({ requests: 200, errors: 4 });
    expect(w?.candidate).toMatchObject({ requests: 10, errors: 1 });
    const absent = await new FileMetricsProvider({ dir: join(dir, 'absent') }).window(range);
    expect(absent?.candidate.requests).toBe(0);
  });
});
