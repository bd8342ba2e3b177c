/**
 * The ownership rules the controller and `mlops audit` replay history with: which changes of a
 * Deployment are the controller's legal steps, and why the others are not.
 */
import { describe, expect, it } from 'vitest';
import { judgeChange, type DeploymentChange } from '../src/audit/index.js';
import type { Deployment, RolloutPolicy } from '../src/records/index.js';

const policy = {
  stages: [
    { weight: 5, hold: '6h' },
    { weight: 20, hold: '12h' },
    { weight: 50, hold: '24h' },
    { weight: 100 },
  ],
} as unknown as RolloutPolicy;

const base: Deployment = {
  kind: 'Deployment',
  schema_version: 1,
  model: 'fraud',
  production: '1.0.0',
  candidate: '1.1.0',
  archived: [],
  rejected: [],
  rollout: null,
} as unknown as Deployment;

const since = '2026-03-01T00:00:00.000Z';
const rollout = (step: number, weight: number, at = since) => ({
  id: 'fraud-1.1.0-x',
  baseline: '1.0.0',
  candidate: '1.1.0',
  step,
  weight,
  since: at,
  failures: 0,
});
const trailers = (decision: string) => ({
  Model: ['fraud'],
  Version: ['1.1.0'],
  Rollout: ['fraud-1.1.0-x'],
  Decision: [decision],
});
const change = (over: Partial<DeploymentChange>): DeploymentChange => ({
  model: 'fraud',
  parents: 1,
  trailers: {},
  time: Date.parse('2026-03-03T00:00:00Z') / 1000,
  before: base,
  after: base,
  traffic: false,
  policy,
  root: false,
  ...over,
});

describe('judgeChange', () => {
  it('accepts the controller’s own start, advance after the hold and promote from the last gate', () => {
    expect(
      judgeChange(
        change({ trailers: trailers('start'), after: { ...base, rollout: rollout(0, 5) } }),
      ),
    ).toEqual({ kind: 'step', decision: 'start', rollout: 'fraud-1.1.0-x', version: '1.1.0' });
    const sixHoursOn = '2026-03-01T06:00:00.000Z';
    expect(
      judgeChange(
        change({
          trailers: trailers('advance'),
          before: { ...base, rollout: rollout(0, 5) },
          after: { ...base, rollout: rollout(1, 20, sixHoursOn) },
          traffic: true,
        }),
      ).kind,
    ).toBe('step');
    expect(
      judgeChange(
        change({
          trailers: trailers('promote'),
          before: { ...base, rollout: rollout(2, 50) },
          after: { ...base, production: '1.1.0', candidate: null, archived: ['1.0.0'] },
        }),
      ).kind,
    ).toBe('step');
    // only the candidate changed: a promotion pull request's business, not the controller's
    expect(judgeChange(change({ after: { ...base, candidate: '1.2.0' } }))).toEqual({
      kind: 'unowned',
    });
  });

  it('names what is wrong with everything else', () => {
    const why = (c: Partial<DeploymentChange>) => {
      const v = judgeChange(change(c));
      return v.kind === 'illegal' ? v.why : v.kind;
    };
    expect(why({ after: { ...base, rollout: rollout(3, 100) } })).toBe(
      'rollout changed by a commit that is not a rollout controller step',
    );
    expect(why({ trailers: trailers('start'), after: { ...base, rollout: rollout(3, 100) } })).toBe(
      'start at step 3, not 0',
    );
    expect(
      why({ trailers: trailers('start'), parents: 2, after: { ...base, rollout: rollout(0, 5) } }),
    ).toBe("rollout changed by a merge: only the controller's own commits may");
    expect(
      why({
        trailers: trailers('advance'),
        before: { ...base, rollout: rollout(0, 5) },
        after: { ...base, rollout: rollout(1, 20, '2026-03-01T01:00:00.000Z') },
      }),
    ).toBe("advance before step 0's hold ended");
    expect(
      why({
        trailers: trailers('advance'),
        before: { ...base, rollout: rollout(0, 5) },
        after: { ...base, rollout: rollout(2, 50, '2026-03-02T00:00:00.000Z') },
      }),
    ).toBe('advance from step 0 to 2');
    expect(
      why({
        trailers: trailers('promote'),
        before: { ...base, rollout: rollout(0, 5) },
        after: { ...base, production: '1.1.0', candidate: null, archived: ['1.0.0'] },
      }),
    ).toBe('promote from step 0, before the last stage');
    expect(
      why({
        trailers: trailers('rollback'),
        before: { ...base, rollout: rollout(0, 5), rejected: [{ version: '0.9.0', reason: 'x' }] },
        after: {
          ...base,
          candidate: null,
          rejected: [{ version: '1.1.0', reason: 'rollback' }],
        },
      }),
    ).toBe("rollback changed rejections other than 1.1.0's");
    expect(why({ after: { ...base, production: '1.1.0' }, root: true })).toBe('seed');
    expect(why({ traffic: true })).toBe(
      'traffic changed by a commit that is not a rollout controller step',
    );
  });
});
