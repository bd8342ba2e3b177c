import { describe, expect, it } from 'vitest';
import { formatMetricsLine, parseMetricsLines, type MetricsBucket } from './file-format.js';

const good = {
  ts: '2026-03-01T00:00:00Z',
  arm: 'candidate',
  version: '1.3.0',
  requests: 10,
  errors: 1,
  labelled: 4,
  correct: 3,
  latency_ms: { le: [5, 10, 25, '+Inf'], counts: [2, 5, 3, 0] },
};
const line = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, ...patch });
/** The one problem a single line gives, or the buckets when there is none. */
const problem = (patch: Record<string, unknown>): string => {
  const { problems } = parseMetricsLines(`${line(patch)}\n`, 'm.jsonl');
  expect(problems).toHaveLength(1);
  return problems[0]!;
};

describe('parseMetricsLines', () => {
  it('reads a good line into a bucket', () => {
    const { buckets, problems } = parseMetricsLines(`${line({})}\n`, 'm.jsonl');
    expect(problems).toEqual([]);
    expect(buckets).toEqual([
      {
        ts: new Date('2026-03-01T00:00:00Z'),
        arm: 'candidate',
        version: '1.3.0',
        requests: 10,
        errors: 1,
        labelled: 4,
        correct: 3,
        latency: { bounds: [5, 10, 25], counts: [2, 5, 3, 0] },
      },
    ]);
  });

  it('takes labelled/correct and latency_ms as optional, and ignores blank lines', () => {
    const text = `\n${JSON.stringify({ ts: '2026-03-01T01:00:00+01:00', arm: 'baseline', version: '1', requests: 0, errors: 0 })}\n\n`;
    const { buckets, problems } = parseMetricsLines(text, 'm.jsonl');
    expect(problems).toEqual([]);
    expect(buckets).toEqual([
      {
        ts: new Date('2026-03-01T00:00:00Z'),
        arm: 'baseline',
        version: '1',
        requests: 0,
        errors: 0,
      },
    ]);
  });

  it('names each bad line with its file and line number, and keeps the good ones', () => {
    const text = [line({}), 'not json', '', '[1]', line({ arm: 'b' })].join('\n');
    const { buckets, problems } = parseMetricsLines(text, 'metrics/a.jsonl');
    expect(buckets).toHaveLength(1);
    expect(problems.map((p) => p.replace(/ not JSON: .*/, ' not JSON'))).toEqual([
      'metrics/a.jsonl:2: not JSON',
      'metrics/a.jsonl:4: not a JSON object',
      'metrics/a.jsonl:5: arm must be "baseline" or "candidate", got "b"',
    ]);
  });

  it('refuses unknown keys, bad times and empty versions', () => {
    expect(problem({ error: 1 })).toBe('m.jsonl:1: unknown key "error"');
    expect(problem({ ts: '2026-03-01T00:00:00' })).toMatch(
      /ts must be an ISO 8601 time with a zone/,
    );
    expect(problem({ ts: '2026-13-45T00:00:00Z' })).toMatch(/ts must be/);
    expect(problem({ ts: 1 })).toMatch(/ts must be/);
    expect(problem({ version: '' })).toMatch(/version must be a non-empty string/);
  });

  it('wants non-negative integer counts', () => {
    expect(problem({ requests: -1 })).toBe(
      'm.jsonl:1: requests must be a non-negative integer, got -1',
    );
    expect(problem({ errors: 0.5 })).toMatch(/errors must be a non-negative integer, got 0.5/);
    expect(problem({ requests: '10' })).toMatch(/requests must be a non-negative integer/);
    expect(problem({ errors: undefined })).toMatch(/errors must be a non-negative integer/);
    expect(problem({ labelled: -2 })).toMatch(/labelled must be a non-negative integer/);
  });

  it('wants errors <= requests, correct <= labelled, and labelled with correct', () => {
    expect(problem({ errors: 11 })).toBe('m.jsonl:1: errors (11) exceeds requests (10)');
    expect(problem({ correct: 5 })).toBe('m.jsonl:1: correct (5) exceeds labelled (4)');
    expect(problem({ correct: undefined })).toMatch(/labelled and correct come together/);
  });

  it('checks the histogram: +Inf last, increasing bounds, one count per bound, sum = requests', () => {
    const h = (le: unknown[], counts: unknown[]) => problem({ latency_ms: { le, counts } });
    expect(h([5, 10], [5, 5])).toMatch(
      /latency_ms: le must be an array of bounds ending with "\+Inf"/,
    );
    expect(h([10, 5, '+Inf'], [5, 5, 0])).toBe(
      'm.jsonl:1: latency_ms: le must increase: le[1] 5 after 10',
    );
    expect(h([5, 5, '+Inf'], [5, 5, 0])).toMatch(/le must increase/);
    expect(h([-1, '+Inf'], [5, 5])).toMatch(/le\[0\] must be a finite non-negative number/);
    expect(h(['5', '+Inf'], [5, 5])).toMatch(/le\[0\] must be a finite/);
    expect(h([5, '+Inf'], [10])).toMatch(/counts must be an array of 2 counts/);
    expect(h([5, '+Inf'], [10, -0.5])).toMatch(/counts\[1\] must be a non-negative integer/);
    expect(h([5, '+Inf'], [4, 5])).toBe(
      'm.jsonl:1: latency_ms: counts sum to 9, not requests (10)',
    );
    expect(problem({ latency_ms: [1] })).toMatch(/latency_ms: must be an object/);
    expect(problem({ latency_ms: { le: ['+Inf'], counts: [10], p: 1 } })).toMatch(
      /unknown key "p"/,
    );
  });
});

describe('formatMetricsLine', () => {
  it('writes what parseMetricsLines reads back', () => {
    const bucket: MetricsBucket = {
      ts: new Date('2026-03-01T00:05:00Z'),
      arm: 'baseline',
      version: '1.2.0',
      requests: 3,
      errors: 0,
      labelled: 2,
      correct: 2,
      latency: { bounds: [10, 50], counts: [1, 1, 1] },
    };
    const text = formatMetricsLine(bucket);
    expect(text).toBe(
      '{"ts":"2026-03-01T00:05:00.000Z","arm":"baseline","version":"1.2.0","requests":3,"errors":0,' +
        '"labelled":2,"correct":2,"latency_ms":{"le":[10,50,"+Inf"],"counts":[1,1,1]}}',
    );
    expect(parseMetricsLines(text, 'x')).toEqual({ buckets: [bucket], problems: [] });
  });
});
