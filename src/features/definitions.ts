import {
  durationMs,
  type Entity,
  type FeatureService,
  type FeatureView,
} from '../records/index.js';
import { readWorktreeFolder } from '../repo/index.js';
import { viewJoinKeys, type FeatureDefs } from './online/get.js';

export type { FeatureDefs } from './online/get.js';

/** A request names something the definitions do not have, or mixes them wrongly. */
export class FeatureRefError extends Error {
  override name = 'FeatureRefError';
  readonly code = 'BAD_FEATURE_REF';
}

/** The records under `registry/features/` in the work tree (an invalid one is an error). */
export function loadFeatureDefs(root: string): Required<FeatureDefs> {
  type Any = Entity | FeatureView | FeatureService;
  const all = readWorktreeFolder<Any>(root, 'registry/features');
  return {
    entities: all.filter((r): r is Entity => r.kind === 'Entity'),
    views: all.filter((r): r is FeatureView => r.kind === 'FeatureView'),
    services: all.filter((r): r is FeatureService => r.kind === 'FeatureService'),
  };
}

/** One view and the features wanted from it, in the order asked. */
export interface ViewSelection {
  view: FeatureView;
  features: string[];
  /** The view's entities' join keys, in order. */
  joinKeys: string[];
  ttlMs: number;
}

/**
 * What a historical request or a model's inputs name, resolved against the definitions:
 * `view:feature` references (a bare `view` takes all its features, as a model's
 * `inputs.features` names views) or a feature service, grouped by view in first-named order.
 * Online requests are resolved by `getOnlineFeatures`, which takes `view:feature` only.
 * @throws FeatureRefError naming the unknown view, feature, service or entity
 * @example
 * selectFeatures(defs, ['test_execution_features:pass_rate_7d'])
 * // [{ view, features: ['pass_rate_7d'], joinKeys: ['test_id'], ttlMs: 2592000000 }]
 */
export function selectFeatures(
  defs: FeatureDefs,
  refs: readonly string[] | { service: string },
): ViewSelection[] {
  const wanted = new Map<string, string[] | 'all'>();
  const want = (view: string, feature: string | null) => {
    const had = wanted.get(view);
    if (feature === null) wanted.set(view, 'all');
    else if (had !== 'all') wanted.set(view, [...(had ?? []), feature]);
  };
  if ('service' in refs) {
    const { service } = refs;
    const services = defs.services ?? [];
    const s = services.find((x) => x.name === service);
    if (!s) throw new FeatureRefError(`no feature service "${service}" ${have(services)}`);
    for (const f of s.features) {
      if (f.features) f.features.forEach((name) => want(f.view, name));
      else want(f.view, null);
    }
  } else {
    for (const ref of refs) {
      const [view, feature, extra] = ref.split(':');
      if (!view || extra !== undefined || feature === '')
        throw new FeatureRefError(`"${ref}" is not view:feature (or a view's name)`);
      want(view, feature ?? null);
    }
  }
  if (wanted.size === 0) throw new FeatureRefError('no features named');
  return [...wanted].map(([name, features]) => {
    const view = defs.views.find((v) => v.name === name);
    if (!view) throw new FeatureRefError(`no feature view "${name}" ${have(defs.views)}`);
    const names = view.schema.map((c) => c.name);
    const list = features === 'all' ? names : [...new Set(features)];
    for (const f of list) {
      if (!names.includes(f))
        throw new FeatureRefError(`view ${name} has no feature "${f}" (has: ${names.join(', ')})`);
    }
    return {
      view,
      features: list,
      joinKeys: viewJoinKeys(view, defs.entities),
      ttlMs: ttlOf(view),
    };
  });
}

export function ttlOf(view: FeatureView): number {
  const ms = durationMs(view.ttl);
  if (ms === null) throw new FeatureRefError(`view ${view.name}: ttl "${view.ttl}" is no duration`);
  return ms;
}

function have(list: readonly { name: string }[]): string {
  return `(have: ${list.map((x) => x.name).join(', ') || 'none'})`;
}
