import {
  fieldChanges,
  finding,
  formatFieldPath,
  type Deployment,
  type Finding,
} from '../../records/index.js';
import { changedByChange } from './ownership.js';
import type { ChangeRule } from './rule.js';

const IMMUTABLE = new Set(['ModelVersion', 'ModelCard']);

/** Versions and cards never change or disappear; a run is frozen once it has finished. */
export const immutability: ChangeRule = ({ path, status, base, head }) => {
  if (!base) return [];
  const frozen =
    IMMUTABLE.has(base.kind) || (base.kind === 'Run' && base.value.status !== 'running');
  if (!frozen) return [];
  const what = base.kind === 'Run' ? 'finished runs' : `${base.kind} records`;
  if (status === 'removed' || !head) {
    return [
      finding(
        path,
        { line: 1, col: 1 },
        'immutable/deleted',
        `${what} are immutable and cannot be deleted`,
      ),
    ];
  }
  return fieldChanges(base.value, head.value).map((c) => {
    // a removed key has no line of its own: point at its parent
    const at = c.after === undefined ? c.path.slice(0, -1) : c.path;
    return finding(
      path,
      head.locate(at),
      'immutable',
      `${formatFieldPath(c.path)} changed from ${show(c.before)} to ${show(c.after)}; ${what} are immutable (register a new version instead)`,
    );
  });
};

/**
 * A promotion raised against an older production is stale: the base's tip moved on while the
 * change was open (a rollout finished, or started). Only what the change left as it found it
 * is judged here; a field the change itself edited is the ownership rule's to speak for, so
 * one thing gets one finding. `production` may only differ from the tip's by being the tip's
 * candidate (a rollout that finished since), and a new candidate may only be set when no
 * other rollout is in progress.
 */
export const stalePromotion: ChangeRule = ({ path, base, head, fork }) => {
  if (base?.kind !== 'Deployment' || head?.kind !== 'Deployment') return [];
  const b = base.value as unknown as Deployment;
  const h = head.value as unknown as Deployment;
  const own = (field: 'production' | 'archived') => changedByChange(fork, head, field);
  const out: Finding[] = [];
  if (!own('production') && h.production !== b.production && h.production !== b.candidate) {
    out.push(
      finding(
        path,
        head.locate(['production']),
        'stale',
        `production is ${b.production ?? 'none'} on the base but ${h.production ?? 'none'} here: this change was made against an older production; re-raise it from the current base`,
      ),
    );
  }
  // replacing a candidate the change started from is the ownership rule's
  const replaced = Boolean(fork?.value.candidate) && changedByChange(fork, head, 'candidate');
  if (!replaced && h.candidate && h.candidate !== b.candidate && b.candidate) {
    out.push(
      finding(
        path,
        head.locate(['candidate']),
        'stale',
        `${b.candidate} is already being rolled out on the base; wait for it to finish or abort it before promoting ${h.candidate}`,
      ),
    );
  }
  const lost = b.archived.filter((v) => !h.archived.includes(v) && v !== h.production);
  if (!own('archived') && lost.length) {
    out.push(
      finding(
        path,
        head.locate(['archived']),
        'stale',
        `archived versions ${lost.join(', ')} are missing: the change started from an older deployment`,
      ),
    );
  }
  return out;
};

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}
