/**
 * Who may change what in a Deployment: the pure rules the rollout controller and `mlops
 * audit` replay history with. A promotion pull request may set `candidate`; `production`,
 * `rollout`, `archived`, `rejected` and the traffic files change only through the
 * controller's own steps, each a one-parent commit with the controller's trailers making a
 * legal transition of the state machine (see `rollout/state.ts` and `rollout/decide.ts`).
 */
import type { Deployment, RolloutPolicy } from '../records/index.js';
import { durationMs } from '../records/index.js';
import type { Trailers } from '../repo/index.js';

/** The Deployment fields only the controller writes. */
export const OWNED_FIELDS = ['production', 'rollout', 'archived', 'rejected'] as const;
export type OwnedField = (typeof OWNED_FIELDS)[number];

/** The decisions a controller step commit carries in its `Decision:` trailer. */
export const STEP_DECISIONS = [
  'start',
  'advance',
  'continue',
  'wait-for-data',
  'promote',
  'rollback',
  'abort',
] as const;
export type StepDecision = (typeof STEP_DECISIONS)[number];

/** One commit that changed a model's Deployment or traffic files, as replay sees it. */
export interface DeploymentChange {
  /** The model the Deployment is of. */
  model: string;
  /** Number of parents: a controller step has exactly one. */
  parents: number;
  trailers: Trailers;
  /** The commit's author time, in seconds. */
  time: number;
  /** The Deployment at the first parent and at the commit; null where there is none. */
  before: Deployment | null;
  after: Deployment | null;
  /** Whether the commit changed the model's traffic files. */
  traffic: boolean;
  /** The rollout policy at the first parent (what the controller decided by), if any. */
  policy: RolloutPolicy | null;
  /** Whether this is the first commit of the branch (the import that seeds the registry). */
  root: boolean;
}

/** What a change is, once judged. */
export type Verdict =
  /** Nothing the controller owns changed. */
  | { kind: 'unowned' }
  /** The registry's first commit set the Deployment up (production included): the trust anchor. */
  | { kind: 'seed' }
  /** A legal controller step. */
  | { kind: 'step'; decision: StepDecision; rollout: string; version: string }
  /** An owned field or a traffic file changed any other way; `why` says how. */
  | { kind: 'illegal'; why: string; fields: string[] };

/**
 * The owned fields that differ between two states of a Deployment.
 * @example
 * ownedChanges({ ...d, production: '1.0.0' }, { ...d, production: '1.1.0' }) // ['production']
 */
export function ownedChanges(before: Deployment | null, after: Deployment | null): OwnedField[] {
  return OWNED_FIELDS.filter((f) => {
    const b: unknown = before ? before[f] : undefined;
    const a: unknown = after ? after[f] : undefined;
    return JSON.stringify(b ?? empty(f)) !== JSON.stringify(a ?? empty(f));
  });
}

function empty(f: OwnedField): unknown {
  return f === 'archived' || f === 'rejected' ? [] : null;
}

/**
 * Judges one change of a Deployment: unowned, the seed, a legal controller step, or illegal
 * with the reason. A Deployment created after the first commit may hold no production,
 * rollout, archive or rejection: those come only from the controller.
 * @example
 * judgeChange({ model: 'fraud', parents: 1, trailers: {}, time, before, after: { ...before, production: '9.9.9' },
 *   traffic: false, policy, root: false })
 * // { kind: 'illegal', why: 'production changed by a commit that is not a rollout controller step', fields: ['production'] }
 */
export function judgeChange(c: DeploymentChange): Verdict {
  const fields: string[] = ownedChanges(c.before, c.after);
  if (c.traffic) fields.push('traffic');
  if (!fields.length) return { kind: 'unowned' };
  if (c.root) return { kind: 'seed' };
  const what = fields.join(', ');
  const illegal = (why: string): Verdict => ({ kind: 'illegal', why, fields });
  const one = (k: string) => (c.trailers[k]?.length === 1 ? c.trailers[k][0]! : undefined);
  const decision = one('Decision') as StepDecision | undefined;
  const rollout = one('Rollout');
  const version = one('Version');
  if (!decision || !rollout || !version || one('Model') !== c.model)
    return illegal(`${what} changed by a commit that is not a rollout controller step`);
  if (c.parents !== 1)
    return illegal(`${what} changed by a merge: only the controller's own commits may`);
  if (!STEP_DECISIONS.includes(decision)) return illegal(`unknown decision "${decision}"`);
  if (!c.before || !c.after)
    return illegal('a controller step neither creates nor deletes the Deployment');
  const why = transitionError(c.before, c.after, decision, rollout, version, c);
  return why ? illegal(why) : { kind: 'step', decision, rollout, version };
}

/** Why the step is not a legal transition of the state machine; undefined when it is. */
function transitionError(
  b: Deployment,
  a: Deployment,
  decision: StepDecision,
  id: string,
  version: string,
  c: DeploymentChange,
): string | undefined {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const kept = (...fs: (keyof Deployment)[]) =>
    fs.filter((f) => !same(b[f], a[f])).map((f) => `${decision} changed ${f}`)[0];
  const stages = c.policy?.stages ?? [];
  if (decision === 'start') {
    if (b.rollout) return `start while rollout ${b.rollout.id} was running`;
    if (b.candidate !== version)
      return `start of ${version}, but the candidate was ${b.candidate ?? 'none'}`;
    const r = a.rollout;
    if (!r || r.id !== id || r.candidate !== version)
      return `start did not write rollout ${id} of ${version}`;
    if (r.step !== 0 || r.failures !== 0) return `start at step ${r.step}, not 0`;
    if (r.baseline !== b.production)
      return `start against ${r.baseline ?? 'none'}, not production ${b.production ?? 'none'}`;
    if (stages[0] && r.weight !== stages[0].weight)
      return `start at ${r.weight} %, not the first stage's ${stages[0].weight} %`;
    return kept('production', 'candidate', 'archived', 'rejected');
  }
  const r = b.rollout;
  if (!r) return `${decision} without a rollout in progress`;
  if (r.id !== id) return `${decision} of rollout ${id}, but ${r.id} was running`;
  if (r.candidate !== version)
    return `${decision} of ${version}, but ${r.candidate} was rolling out`;
  const holdOk = (end: number) => {
    const hold = stages[Math.min(r.step, stages.length - 1)]?.hold;
    const ms = hold === undefined ? 0 : (durationMs(hold) ?? 0);
    return end + 1000 >= Date.parse(r.since) + ms;
  };
  if (decision === 'advance' || decision === 'continue' || decision === 'wait-for-data') {
    const n = a.rollout;
    if (!n || n.id !== r.id || n.candidate !== r.candidate || n.baseline !== r.baseline)
      return `${decision} changed the rollout's id, candidate or baseline`;
    if (decision === 'advance') {
      if (n.step !== r.step + 1) return `advance from step ${r.step} to ${n.step}`;
      const w = stages[n.step]?.weight;
      if (w !== undefined && n.weight !== w)
        return `advance to ${n.weight} %, not stage ${n.step}'s ${w} %`;
      if (!holdOk(Date.parse(n.since))) return `advance before step ${r.step}'s hold ended`;
    } else if (n.step !== r.step || n.weight !== r.weight) {
      return `${decision} moved the rollout from ${r.weight} % to ${n.weight} %`;
    }
    return kept('production', 'candidate', 'archived', 'rejected');
  }
  if (a.rollout) return `${decision} left a rollout block`;
  if (decision === 'promote') {
    const last = stages.length - 1;
    const lastHold = stages[last]?.hold;
    if (stages.length && r.step < last && !(r.step === last - 1 && lastHold === undefined))
      return `promote from step ${r.step}, before the last stage`;
    if (!holdOk(c.time * 1000)) return `promote before step ${r.step}'s hold ended`;
    if (a.production !== r.candidate)
      return `promote set production to ${a.production ?? 'none'}, not ${r.candidate}`;
    if (a.candidate !== null) return 'promote left a candidate';
    const archived =
      b.production && !b.archived.includes(b.production)
        ? [...b.archived, b.production]
        : b.archived;
    if (
      !same(
        archived.filter((v) => v !== r.candidate),
        a.archived,
      )
    )
      return 'promote archived the wrong versions';
    return kept('rejected');
  }
  // rollback, abort: the candidate goes to `rejected`, production stays
  if (a.candidate !== null) return `${decision} left a candidate`;
  const others = (d: Deployment) => d.rejected.filter((x) => x.version !== r.candidate);
  if (!same(others(b), others(a)) || !a.rejected.some((x) => x.version === r.candidate))
    return `${decision} changed rejections other than ${r.candidate}'s`;
  return kept('production', 'archived');
}
