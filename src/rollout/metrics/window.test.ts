import { describe, expect, it } from 'vitest';
import type { Arm, MetricsBucket } from './file-format.js';
import { aggregateWindow, histogramQuantile, MetricsWindowError } from './window.js';

const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 0, min));
const bucket = (arm: Arm, min: number, patch: Partial<MetricsBucket> = {}): MetricsBucket => ({
  ts: at(min),
  arm,
  version: arm === 'baseline' ? '1.2.0' : '1.3.0',
  requests: 100,
  errors: 1,
  latency: { bounds: [10, 50, 100], counts: [50, 30, 20, 0] },
  ...patch,
});
const range = { from: at(0), to: at(60) };

describe('aggregateWindow', () => {
  it('sums each arm over from <= ts < to: the start is in, the end is out', () => {
    const w = aggregateWindow(
      [
        bucket('baseline', -1, { requests: 1000, errors: 1000, latency: undefined }),
        bucket('baseline', 0),
        bucket('baseline', 30),
        bucket('baseline', 60, { requests: 1000, errors: 1000, latency: undefined }),
        bucket('candidate', 59, { errors: 3 }),
      ],
      range,
    );
    expect(w.baseline).toEqual({ requests: 200, errors: 2, latencyP95Ms: 87.5 });
    expect(w.candidate).toEqual({ requests: 100, errors: 3, latencyP95Ms: 87.5 });
  });

  it('takes p95 from the merged histogram, interpolated within its bucket', () => {
    const w = aggregateWindow(
      [
        bucket('candidate', 0, { latency: { bounds: [10, 50, 100], counts: [50, 30, 20, 0] } }),
        bucket('candidate', 5, { latency: { bounds: [10, 50, 100], counts: [70, 30, 0, 0] } }),
      ],
      range,
    );
    // merged counts 120, 60, 20, 0: rank 0.95 × 200 = 190; cumulative 120, 180, 200 → 50 + 50 × (190 − 180) / 20 = 75
    expect(w.candidate.latencyP95Ms).toBe(75);
  });

  it('gives the last finite bound when the 95th percentile is in the +Inf bucket', () => {
    const latency = { bounds: [10, 50, 100], counts: [90, 0, 0, 10] };
    expect(aggregateWindow([bucket('baseline', 0, { latency })], range).baseline.latencyP95Ms).toBe(
      100,
    );
  });

  it('gives null for an arm without requests, or without a histogram', () => {
    const w = aggregateWindow(
      [
        bucket('baseline', 0, { latency: undefined }),
        bucket('candidate', 0, {
          requests: 0,
          errors: 0,
          latency: { bounds: [10], counts: [0, 0] },
        }),
      ],
      range,
    );
    expect(w.baseline).toEqual({ requests: 100, errors: 1, latencyP95Ms: null });
    expect(w.candidate).toEqual({ requests: 0, errors: 0, latencyP95Ms: null });
    expect(aggregateWindow([], range).candidate).toEqual({
      requests: 0,
      errors: 0,
      latencyP95Ms: null,
    });
  });

  it('reports labelled/correct only for an arm whose buckets had them', () => {
    const w = aggregateWindow(
      [
        bucket('baseline', 0, { labelled: 40, correct: 37 }),
        bucket('baseline', 1),
        bucket('baseline', 2, { labelled: 10, correct: 9 }),
        bucket('candidate', 0),
      ],
      range,
    );
    expect(w.baseline).toMatchObject({ labelled: 50, correct: 46 });
    expect(w.candidate).not.toHaveProperty('labelled');
    expect(w.candidate).not.toHaveProperty('correct');
  });

  it('leaves out buckets of another version when asked', () => {
    const w = aggregateWindow(
      [bucket('candidate', 0), bucket('candidate', 1, { version: '1.2.9' })],
      range,
      { candidate: '1.3.0' },
    );
    expect(w.candidate.requests).toBe(100);
  });

  it('refuses to merge one arm’s histograms with different bounds', () => {
    const other = { bounds: [10, 60, 100], counts: [50, 30, 20, 0] };
    expect(() =>
      aggregateWindow([bucket('baseline', 0), bucket('baseline', 1, { latency: other })], range),
    ).toThrow(MetricsWindowError);
  });
});

describe('histogramQuantile', () => {
  it('interpolates from 0 in the first bucket, and is null when empty', () => {
    expect(histogramQuantile(0.5, { bounds: [10, 20], counts: [4, 0, 0] })).toBe(5);
    expect(histogramQuantile(0.95, { bounds: [10, 20], counts: [0, 0, 0] })).toBeNull();
    expect(histogramQuantile(0.95, { bounds: [], counts: [5] })).toBeNull();
  });

  it('skips empty buckets to the one holding the rank', () => {
    // rank 0.95 × 20 = 19: cumulative 10, 10, 20 → bucket (20,40]: 20 + 20 × 9/10 = 38
    expect(histogramQuantile(0.95, { bounds: [10, 20, 40], counts: [10, 0, 10, 0] })).toBe(38);
  });
});
