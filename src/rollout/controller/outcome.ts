import type { Deployment, RolloutPolicy } from '../../records/index.js';
import { editRecordText } from '../../records/index.js';
import type { RecordEdit } from '../../repo/index.js';
import type { Decision, RolloutStatus } from '../state.js';
import { figureLines } from './figures.js';
import { trafficFiles } from './traffic-files.js';

/** One change of a rollout to commit: a start, a tick that changed the state, or an abort. */
export interface RolloutStep {
  action: Decision['action'] | 'start' | 'abort';
  /** One line that says why, with the figures: the commit's subject. */
  reason: string;
  figures: Decision['figures'];
  /** The rollout block after the step; null when the rollout is over. */
  next: RolloutStatus | null;
}

/**
 * The Deployment after a step. A running rollout keeps the candidate with the new rollout
 * block; `promote` makes the candidate production and archives the old production;
 * `rollback` and `abort` put the candidate in `rejected` with the reason (replacing an older
 * rejection of the same version) and clear it.
 * @example
 * deploymentAfter({ ...d, production: '1.0.0', candidate: '1.1.0' }, promoteStep, now)
 * // { …, production: '1.1.0', candidate: null, archived: ['1.0.0'], rollout: null }
 */
export function deploymentAfter(d: Deployment, step: RolloutStep, now: Date): Deployment {
  if (step.next) return { ...d, rollout: step.next };
  const candidate = d.rollout?.candidate ?? d.candidate;
  if (step.action === 'promote' && candidate) {
    const archived =
      d.production && !d.archived.includes(d.production)
        ? [...d.archived, d.production]
        : d.archived;
    return {
      ...d,
      production: candidate,
      candidate: null,
      archived: archived.filter((v) => v !== candidate),
      rollout: null,
    };
  }
  if ((step.action === 'rollback' || step.action === 'abort') && candidate) {
    const rejected = d.rejected.filter((r) => r.version !== candidate);
    rejected.push({ version: candidate, reason: step.reason, at: now.toISOString() });
    return { ...d, candidate: null, rejected, rollout: null };
  }
  return { ...d, rollout: null };
}

/** The share of traffic the candidate gets after a step: the step's weight, 100 once promoted, else 0. */
export function weightAfter(step: RolloutStep): number {
  if (step.next) return step.next.weight;
  return step.action === 'promote' ? 100 : 0;
}

/**
 * Everything a step commits: the Deployment (edited in place, so its comments and order
 * stay) and the traffic configuration rendered for the new weight.
 */
export function stepEdits(
  deploymentPath: string,
  deploymentText: string,
  before: Deployment,
  after: Deployment,
  policy: RolloutPolicy,
  step: RolloutStep,
  rolloutId: string,
): RecordEdit[] {
  const fields = ['production', 'candidate', 'archived', 'rejected', 'rollout'] as const;
  const changed = fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  const content = editRecordText(
    deploymentText,
    changed.map((f) => ({ path: [f], value: after[f] })),
  );
  return [
    { path: deploymentPath, content },
    ...trafficFiles(policy, {
      model: after.model,
      rolloutId,
      step: step.next?.step,
      weight: weightAfter(step),
    }),
  ];
}

/**
 * The commit of a step: the reason as the subject, the figures in the body, and trailers
 * that `mlops history` shows and scripts can grep (`Model`, `Version`, `Rollout`,
 * `Decision`, `Weight`, and `Stage` when the version changes stage).
 */
export function stepCommit(
  model: string,
  version: string,
  baseline: string | null,
  rolloutId: string,
  step: RolloutStep,
): { message: string; trailers: Record<string, string> } {
  const subject = `rollout ${model}: ${step.reason}`;
  const cut = oneLine(subject);
  const whole = cut === subject ? '' : `\n\n${step.reason}`;
  const lines = figureLines(step.figures, {
    baseline: step.next?.baseline ?? baseline,
    candidate: version,
  });
  // a sentence first: an indented `name: value` block alone would read as git trailers
  const body = lines.length
    ? `\n\nThe figures behind it:\n${lines.map((l) => `  ${l}`).join('\n')}`
    : '';
  const stage =
    step.action === 'promote'
      ? 'Production'
      : step.action === 'rollback' || step.action === 'abort'
        ? 'Rejected'
        : undefined;
  return {
    message: `${cut}${whole}${body}`,
    trailers: {
      Model: model,
      Version: version,
      Rollout: rolloutId,
      Decision: step.action,
      Weight: `${weightAfter(step)}%`,
      ...(stage ? { Stage: stage } : {}),
    },
  };
}

/** A subject stays one line; a reason cut here is repeated whole in the body. */
function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
