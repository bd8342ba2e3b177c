import { describe, expect, it, vi } from 'vitest';
import { decide } from './decide.js';
import { startRollout, type RolloutStatus } from './state.js';
import { H, at, policy, start, t0 } from './testing.js';
import type { Analysis, Analyze, Counts, RolloutWindow } from './window.js';

const good: RolloutWindow = {
  baseline: { requests: 19000, errors: 190, latencyP95Ms: 100 },
  candidate: { requests: 1000, errors: 9, latencyP95Ms: 101 },
};
const withCandidate = (c: Partial<RolloutWindow['candidate']>): RolloutWindow => ({
  ...good,
  candidate: { ...good.candidate, ...c },
});

/** A fake analysis that says what it is told and remembers what it was asked. */
function fake(decision: Analysis['decision'] = 'promote', probability = 0.97) {
  return vi.fn<Analyze>((_control: Counts, _treatment: Counts) => ({
    probability,
    decision,
    reason: `fake says ${decision}`,
  }));
}

describe('decide', () => {
  it('does nothing without a rollout', () => {
    expect(decide(null, good, policy, t0, fake())).toMatchObject({
      action: 'continue',
      next: null,
      changed: false,
    });
  });

  it('continues within the hold without touching the state, the same every time', () => {
    const state = start();
    const analyze = fake();
    const d = decide(state, good, policy, at(2), analyze);
    expect(d).toMatchObject({ action: 'continue', changed: false, next: state });
    expect(d.reason).toBe('hold 5 % for 4h more (until 2026-03-01T06:00:00.000Z)');
    expect(d.figures).toMatchObject({ step: 0, weight: 5, remaining_ms: 4 * H });
    expect(d.next?.last_decision).toEqual(state.last_decision);
    expect(decide(state, good, policy, at(2), analyze)).toEqual(d);
    expect(analyze).not.toHaveBeenCalled();
  });

  it('resumes mid-dwell after a restart: the hold counts from the persisted since', () => {
    const before = decide(start(), good, policy, at(6), fake()).next;
    expect(before?.step).toBe(1);
    // The process dies; a new one reads the block back from the Deployment 7 hours later.
    const persisted = JSON.parse(JSON.stringify(before)) as RolloutStatus;
    const d = decide(persisted, good, policy, at(13), fake());
    expect(d).toMatchObject({ action: 'continue', changed: false });
    expect(d.figures.remaining_ms).toBe(5 * H);
    expect(decide(persisted, good, policy, at(17.99), fake()).action).toBe('continue');
    expect(decide(persisted, good, policy, at(18), fake())).toMatchObject({
      action: 'advance',
      next: { step: 2, weight: 50, since: at(18).toISOString() },
    });
  });

  it('advances 5 → 20 → 50 at each hold end and promotes on reaching 100 %', () => {
    const analyze = fake('promote', 0.97);
    let state: RolloutStatus | null = start();
    const weights = [state.weight];
    const now = [6, 18, 42].map(at);
    const actions = now.map((t) => {
      const d = decide(state, good, policy, t, analyze);
      state = d.next;
      if (state) weights.push(state.weight);
      return d;
    });
    expect(weights).toEqual([5, 20, 50]);
    expect(actions.map((d) => [d.action, d.changed])).toEqual([
      ['advance', true],
      ['advance', true],
      ['promote', true],
    ]);
    expect(actions[0]?.reason).toBe(
      'advance 1.3.0 from 5 % to 20 %: held 6h without a trigger, ' +
        'P(candidate better) = 0.97 on success rate (fake says promote)',
    );
    expect(actions[0]?.next).toMatchObject({
      step: 1,
      weight: 20,
      since: at(6).toISOString(),
      failures: 0,
      last_decision: { action: 'advance', at: at(6).toISOString() },
    });
    expect(actions[2]).toMatchObject({ next: null, figures: { probability: 0.97 } });
    expect(actions[2]?.reason).toMatch(/^promote 1\.3\.0 at 50 %: held 24h without a trigger, P/);
    expect(analyze).toHaveBeenCalledWith(
      { successes: 18810, trials: 19000 },
      { successes: 991, trials: 1000 },
    );
  });

  it('advances on an inconclusive analysis too: only keep-control stops it', () => {
    expect(decide(start(), good, policy, at(6), fake('continue', 0.6)).action).toBe('advance');
  });

  it('holds the last gated stage until the analysis says promote, committing only the first hold', () => {
    const state = { ...start(), step: 2, weight: 50 };
    const first = decide(state, good, policy, at(24), fake('continue', 0.8));
    expect(first).toMatchObject({ action: 'continue', changed: true });
    expect(first.reason).toMatch(
      /^hold ended; not yet shown better, holding 50 %: P\(candidate better\) = 0\.8 on success rate, needs ≥ 0\.95/,
    );
    expect(first.next).toMatchObject({ step: 2, weight: 50, since: state.since });
    const again = decide(first.next, good, policy, at(30), fake('continue', 0.8));
    expect(again).toMatchObject({ action: 'continue', changed: false });
    expect(decide(first.next, good, policy, at(36), fake('promote', 0.96)).action).toBe('promote');
  });

  it('walks to a 100 % stage with a hold, then promotes at its end without an A/B', () => {
    const stages = [...policy.stages.slice(0, 3), { weight: 100, hold: '1h' }];
    const held = { ...policy, stages };
    const state = { ...start(), step: 2, weight: 50 };
    const d = decide(state, good, held, at(24), fake());
    expect(d).toMatchObject({ action: 'advance', next: { step: 3, weight: 100 } });
    const analyze = fake('wait-for-data');
    const noControl: RolloutWindow = {
      ...good,
      baseline: { requests: 0, errors: 0, latencyP95Ms: null },
    };
    expect(decide(d.next, noControl, held, at(24.5), analyze).action).toBe('continue');
    const p = decide(d.next, noControl, held, at(25), analyze);
    expect(p).toMatchObject({ action: 'promote', next: null, changed: true });
    expect(p.reason).toBe(
      'promote 1.3.0 at 100 %: held 1h without a trigger (no control traffic at 100 % to compare against)',
    );
    expect(analyze).not.toHaveBeenCalled();
  });

  it('rolls back on each trigger at any time, naming its figures', () => {
    const cases: [Partial<RolloutWindow['candidate']>, string, string][] = [
      [{ errors: 31 }, 'error_rate', "error rate 3.1 % (31 of 1000) is 3.1× the baseline's 1 %"],
      [{ latencyP95Ms: 180 }, 'latency', "latency p95 180 ms is 1.8× the baseline's 100 ms"],
    ];
    for (const [c, id, text] of cases) {
      const d = decide(start(), withCandidate(c), policy, at(1), fake());
      expect(d).toMatchObject({ action: 'rollback', next: null, changed: true });
      expect(d.figures.triggers).toBe(id);
      expect(d.reason).toContain(`rollback 1.3.0 at 5 %: ${text}`);
    }
    const labelled: RolloutWindow = {
      baseline: { ...good.baseline, labelled: 4000, correct: 3800 },
      candidate: { ...good.candidate, labelled: 1000, correct: 800 },
    };
    const d = decide(start(), labelled, policy, at(1), fake());
    expect(d.reason).toContain('accuracy 80 % (800 of 1000 labelled) is 15.8 % below');
    expect(d.figures).toMatchObject({ triggers: 'accuracy', accuracy_baseline: 0.95 });
  });

  it('rolls back when the analysis says keep the control, with its probability', () => {
    const d = decide(start(), good, policy, at(6), fake('keep-control', 0.0312));
    expect(d).toMatchObject({ action: 'rollback', next: null, changed: true });
    expect(d.reason).toBe(
      'rollback 1.3.0 at 5 %: the A/B analysis says keep the control: ' +
        'P(candidate better) = 0.0312 on success rate (fake says keep-control)',
    );
    expect(d.figures).toMatchObject({ probability: 0.0312, analysis_decision: 'keep-control' });
  });

  it('judges accuracy rather than errors when both arms have enough labels', () => {
    const analyze = fake();
    const labelled: RolloutWindow = {
      baseline: { ...good.baseline, labelled: 4000, correct: 3600 },
      candidate: { ...good.candidate, labelled: 1000, correct: 910 },
    };
    decide(start(), labelled, policy, at(6), analyze);
    expect(analyze).toHaveBeenCalledWith(
      { successes: 3600, trials: 4000 },
      { successes: 910, trials: 1000 },
    );
    const few = { ...labelled, candidate: { ...labelled.candidate, labelled: 999 } };
    decide(start(), few, policy, at(6), analyze);
    expect(analyze).toHaveBeenLastCalledWith(
      { successes: 18810, trials: 19000 },
      { successes: 991, trials: 1000 },
    );
  });

  it('waits for data past the hold, committing only the first tick that waits', () => {
    const analyze = fake();
    const thin = withCandidate({ requests: 400, errors: 2 });
    const first = decide(start(), thin, policy, at(6.5), analyze);
    expect(first).toMatchObject({ action: 'wait-for-data', changed: true });
    expect(first.reason).toBe(
      'hold ended; waiting for data: the candidate has 400 of the 1000 requests per arm the analysis needs',
    );
    expect(first.next).toMatchObject({
      step: 0,
      weight: 5,
      since: t0.toISOString(),
      last_decision: { action: 'continue', at: at(6.5).toISOString(), reason: first.reason },
    });
    const again = decide(first.next, thin, policy, at(7), analyze);
    expect(again).toMatchObject({ action: 'wait-for-data', changed: false, next: first.next });
    expect(analyze).not.toHaveBeenCalled();
    expect(decide(first.next, good, policy, at(7.5), analyze).action).toBe('advance');
  });

  it('waits when the analysis itself asks for data, on the same terms', () => {
    const d = decide(start(), good, policy, at(6), fake('wait-for-data', 0.5));
    expect(d).toMatchObject({ action: 'wait-for-data', changed: true });
    expect(d.reason).toBe('hold ended; waiting for data: fake says wait-for-data');
  });

  it('counts ticks without metrics, rolls back after 3, and resets on data', () => {
    const one = decide(start(), null, policy, at(1), fake());
    expect(one).toMatchObject({ action: 'continue', changed: true, next: { failures: 1 } });
    expect(one.reason).toBe('no metrics this tick (1 of 3 before a rollback)');
    const two = decide(one.next, null, policy, at(1.25), fake());
    expect(two.next?.failures).toBe(2);
    const reset = decide(two.next, good, policy, at(1.5), fake());
    expect(reset).toMatchObject({ action: 'continue', changed: true, next: { failures: 0 } });
    expect(reset.reason).toMatch(/^metrics back after 2 failed tick\(s\); hold 5 %/);
    expect(decide(reset.next, good, policy, at(1.75), fake()).changed).toBe(false);
    const three = decide(two.next, null, policy, at(1.5), fake());
    expect(three).toMatchObject({ action: 'rollback', next: null, changed: true });
    expect(three.reason).toBe('rollback 1.3.0 at 5 %: no metrics for 3 ticks');
  });

  it('advances by the holds alone when there is no baseline to compare against', () => {
    const state = startRollout('m-1.0.0', null, '1.0.0', policy, t0);
    const analyze = fake('keep-control');
    expect(decide(state, good, policy, at(6), analyze).action).toBe('advance');
    expect(analyze).not.toHaveBeenCalled();
  });

  it('reads a step past the last stage as the last stage', () => {
    const state = { ...start(), step: 9, weight: 100 };
    expect(decide(state, good, policy, t0, fake()).action).toBe('promote');
  });
});
