import {
  finding,
  isGeneratedPath,
  type Deployment,
  type Finding,
  type LoadedRecord,
} from '../../records/index.js';
import type { ChangeRule } from './rule.js';

/**
 * The fields of a Deployment only the rollout controller writes, in its own commits on the
 * branch. A change validated against a base (a pull request) may set `candidate`, and nothing
 * else: production moves only by a verified rollout, and the rollout's history (archive,
 * rejections) is what later approvals are judged against.
 */
export const CONTROLLER_FIELDS = ['production', 'rollout', 'archived', 'rejected'] as const;

type ControllerField = (typeof CONTROLLER_FIELDS)[number];

const EMPTY: Record<ControllerField, unknown> = {
  production: null,
  rollout: null,
  archived: [],
  rejected: [],
};

const OWNED =
  'is owned by the rollout controller: a pull request may only set candidate (to a registered version of its model)';

/**
 * Who may change what in a Deployment (DESIGN §1.8): a change may set `candidate` where there
 * was none; `production`, `rollout`, `archived` and `rejected` are the rollout controller's,
 * and so are clearing or replacing a candidate (an abort), deleting the Deployment, and a new
 * Deployment that does not start empty. Whether the candidate is a registered version of the
 * model is the `reference` rule's to say, on any tree. Findings point at the field's line.
 * @example
 * deploymentOwnership({ path, status: 'modified', base: before, head: after })
 * // [{ rule: 'owner/controller', message: 'production is owned by the rollout controller: …' }]
 */
export const deploymentOwnership: ChangeRule = ({ path, status, base, head }) => {
  if ((base ?? head)?.kind !== 'Deployment') return [];
  if (status === 'removed') {
    return [
      finding(
        path,
        { line: 1, col: 1 },
        'owner/deleted',
        'a Deployment is owned by the rollout controller and cannot be deleted by a pull request',
      ),
    ];
  }
  // a head that does not load has its schema findings already
  if (head?.kind !== 'Deployment') return [];
  const h = head.value as unknown as Deployment;
  const b = base?.kind === 'Deployment' ? (base.value as unknown as Deployment) : undefined;
  const out: Finding[] = [];
  for (const field of CONTROLLER_FIELDS) {
    const before = b ? b[field] : EMPTY[field];
    if (same(before, h[field])) continue;
    const what = b ? `changed from ${show(before)} to ${show(h[field])}` : `is ${show(h[field])}`;
    out.push(
      finding(path, head.locate([field]), 'owner/controller', `${field} ${OWNED}; here it ${what}`),
    );
  }
  if (b?.candidate && b.candidate !== h.candidate) {
    out.push(
      finding(
        path,
        head.locate(['candidate']),
        'owner/controller',
        `candidate ${b.candidate} is being rolled out: only the rollout controller clears or replaces it (mlops rollout abort), here it is ${h.candidate ?? 'null'}`,
      ),
    );
  }
  return out;
};

/**
 * Whether a Deployment field is the change's own doing (differs from the merge base), in
 * which case {@link deploymentOwnership} speaks for it and the staleness rule stays silent.
 */
export function changedByChange(
  fork: LoadedRecord | undefined,
  head: LoadedRecord | undefined,
  field: ControllerField | 'candidate',
): boolean {
  if (!fork || !head) return false;
  return !same(fork.value[field], head.value[field]);
}

/**
 * The traffic configuration the rollout controller renders at each step: under
 * `registry/models/<model>/traffic/` by default, or the folder a rollout policy names
 * (`traffic.dir`, where `{model}` stands for any model).
 * @example
 * const owned = trafficPaths(['deploy/{model}/traffic']);
 * owned('deploy/fraud/traffic/nginx.conf') // true
 * owned('registry/models/fraud/traffic/envoy.yaml') // true (the default folder)
 */
export function trafficPaths(dirs: readonly string[]): (path: string) => boolean {
  const patterns = dirs.map(
    (d) =>
      new RegExp(
        '^' +
          d
            .replace(/\/+$/, '')
            .split('{model}')
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+') +
          '/',
      ),
  );
  return (path) => isGeneratedPath(path) || patterns.some((p) => p.test(path));
}

/**
 * The folder prefix a traffic dir template lives under, to list what changed there (`''`,
 * the whole tree, for a template that starts with `{model}`).
 * @example
 * trafficPrefix('deploy/{model}/traffic') // 'deploy/'
 */
export function trafficPrefix(dir: string): string {
  if (!dir.includes('{model}')) return dir.replace(/\/*$/, '/');
  const fixed = dir.split('{model}')[0]!;
  return fixed.slice(0, fixed.lastIndexOf('/') + 1);
}

/**
 * A traffic file added, edited or deleted by a change: the controller renders these from the
 * Deployment, so a hand-made one would send users where no rollout decided.
 */
export function trafficOwnership(path: string, status: 'added' | 'removed' | 'modified'): Finding {
  const verb = status === 'added' ? 'adds' : status === 'removed' ? 'deletes' : 'edits';
  return finding(
    path,
    { line: 1, col: 1 },
    'owner/controller',
    `this change ${verb} traffic configuration, which only the rollout controller writes (from the Deployment, at each rollout step)`,
  );
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const items = v.map((x) => {
      const item = typeof x === 'string' ? x : (x as { version?: unknown }).version;
      return typeof item === 'string' ? item : '…';
    });
    return `[${items.join(', ')}]`;
  }
  const r = v as { candidate?: unknown; weight?: unknown };
  return `a rollout of ${String(r.candidate)} at ${String(r.weight)} %`;
}
