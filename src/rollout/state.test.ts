import { describe, expect, it } from 'vitest';
import { abortRollout, holdEnd } from './state.js';
import { at, policy, start } from './testing.js';

describe('startRollout', () => {
  it('starts at the first stage, now, with no failures, and says so', () => {
    expect(start()).toEqual({
      id: 'fraud-1.3.0',
      baseline: '1.2.0',
      candidate: '1.3.0',
      step: 0,
      weight: 5,
      since: '2026-03-01T00:00:00.000Z',
      failures: 0,
      last_decision: {
        action: 'start',
        at: '2026-03-01T00:00:00.000Z',
        reason: 'start: 1.3.0 at 5 % for 6h against baseline 1.2.0',
      },
    });
    expect(holdEnd(start(), policy).toISOString()).toBe('2026-03-01T06:00:00.000Z');
  });
});

describe('abortRollout', () => {
  it('ends the rollout with the reason, and does nothing without one', () => {
    expect(abortRollout(start(), 'aborted by @alice', at(1))).toEqual({
      action: 'abort',
      reason: 'abort 1.3.0 at 5 %: aborted by @alice',
      figures: { step: 0, weight: 5, at: at(1).toISOString() },
      next: null,
      changed: true,
    });
    expect(abortRollout(null, 'x', at(1))).toMatchObject({ next: null, changed: false });
  });
});
