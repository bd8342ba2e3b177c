import type { ArmWindow, RolloutSnapshot, TickResult } from '../../rollout/index.js';
import { holdEnd, labelledAccuracy } from '../../rollout/index.js';
import type { Io } from '../io.js';

/** One model's tick (or, with `dryRun`, what a tick would do) as a few readable lines. */
export function printTick(io: Io, r: TickResult, dryRun: boolean, after: RolloutSnapshot): void {
  const d = r.decision;
  const verb = dryRun && d.changed ? 'would ' : '';
  const committed = r.commit ? ` [committed ${r.commit.slice(0, 7)}]` : '';
  io.out(`${r.model}: ${verb}${d.reason}${committed}\n`);
  const dep = after.deployment;
  const state = dep.rollout;
  if (state) {
    const ends = holdEnd(state, after.policy).toISOString();
    io.out(
      `  rollout ${state.id}: step ${state.step}, ${state.weight} % to ${state.candidate} since ${state.since} (hold ends ${ends})\n`,
    );
  } else {
    io.out(`  production ${dep.production ?? '-'}, candidate ${dep.candidate ?? '-'}\n`);
  }
  if (r.window && state) {
    io.out(`  ${arm(`baseline ${state.baseline ?? '-'}`, r.window.baseline)}\n`);
    io.out(`  ${arm(`candidate ${state.candidate}`, r.window.candidate)}\n`);
  } else if (r.source && !r.window) {
    io.out(`  no metrics this tick: ${r.unreachable ?? r.source}\n`);
  }
}

function arm(name: string, a: ArmWindow): string {
  const rate = a.requests ? `${((100 * a.errors) / a.requests).toFixed(2)} % errors` : 'no errors';
  const p95 = a.latencyP95Ms === null ? 'p95 -' : `p95 ${a.latencyP95Ms.toFixed(1)} ms`;
  const acc = labelledAccuracy(a, 1);
  const accuracy = acc === null ? '' : `, accuracy ${(100 * acc).toFixed(2)} % of ${a.labelled}`;
  return `${name}: ${a.requests} requests, ${rate}, ${p95}${accuracy}`;
}

/** A tick for `--json`: the decision and the figures, without the provider's internals. */
export function tickJson(r: TickResult) {
  return {
    model: r.model,
    action: r.decision.action,
    reason: r.decision.reason,
    changed: r.decision.changed,
    figures: r.decision.figures,
    rollout: r.decision.next,
    window: r.window,
    source: r.source ?? null,
    unreachable: r.unreachable ?? null,
    commit: r.commit ?? null,
    read_at: r.readAt,
  };
}
