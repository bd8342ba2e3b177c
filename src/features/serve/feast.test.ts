import { describe, expect, it } from 'vitest';
import type { OnlineFeaturesResult } from '../online/get.js';
import { feastResponse, feastResponseJson } from './feast.js';

describe('feastResponseJson', () => {
  it('writes the same text as JSON.stringify(feastResponse(r))', () => {
    const results: OnlineFeaturesResult[] = [
      {
        rows: [
          { test_id: 't1', repo: 7, a: 1.5, b: 'x"y\\z\n\u2028é', c: true, d: null },
          { test_id: 't2', repo: -0, a: Number.NaN, b: '', c: false, d: 1e21 },
          { test_id: 't3', repo: 0, a: Number.POSITIVE_INFINITY, b: null, c: null, d: 3 },
        ],
        joinKeys: ['test_id', 'repo'],
        featureNames: ['a', 'b', 'c', 'd'],
        statuses: [
          ['PRESENT', 'PRESENT', 'PRESENT', 'NOT_FOUND'],
          ['PRESENT', 'OUTSIDE_MAX_AGE', 'PRESENT', 'PRESENT'],
          ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'PRESENT'],
        ],
        eventTimestamps: [
          [Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1, 0, 0, 0, 123), 0, null],
          [1, 2, 3, -86_400_000],
          [null, null, null, Date.UTC(2025, 5, 1)],
        ],
      },
      { rows: [], joinKeys: ['k'], featureNames: ['f'], statuses: [], eventTimestamps: [] },
      { rows: [], joinKeys: [], featureNames: [], statuses: [], eventTimestamps: [] },
      {
        rows: [{ f: 2 }],
        joinKeys: [],
        featureNames: ['f'],
        statuses: [['PRESENT']],
        eventTimestamps: [[5]],
      },
    ];
    // twice over, and each one twice: the names of the last response are reused when they match
    for (const r of [...results, ...results, results[0]!, results[0]!, results[2]!])
      expect(feastResponseJson(r)).toBe(JSON.stringify(feastResponse(r)));
  });
});
