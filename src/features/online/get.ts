/**
 * `getOnlineFeatures`: the latest values of some features for some entities, read from an
 * online store, with ttl enforced (Feast leaves expiry to the store, and most of its stores do
 * not expire, feast-dev/feast#1802; a stale value served as fresh is worse than a null here).
 */
import { durationMs } from '../../records/duration.js';
import type { Entity, FeatureService, FeatureView } from '../../records/kinds/features.js';
import { entityKey, type FeatureValue, type OnlineStore } from '../types.js';

/** The loaded records a request is resolved against. */
export interface FeatureDefs {
  views: readonly FeatureView[];
  entities: readonly Entity[];
  /** Only needed to resolve services by name (the feature server does). */
  services?: readonly FeatureService[];
}

export interface OnlineFeaturesRequest {
  /** `view:feature` references; or give `service`. */
  features?: readonly string[];
  service?: FeatureService;
  entityRows: readonly Record<string, string | number>[];
  /** Name columns `view__feature` rather than `feature`. */
  fullFeatureNames?: boolean;
}

/** Feast's field statuses, the three an online read can give. */
export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

export interface OnlineFeaturesResult {
  /** Per entity row: its join keys as given, then each feature (null when missing or expired). */
  rows: Record<string, FeatureValue>[];
  /** The join keys echoed in the rows, in the order the views name them. */
  joinKeys: string[];
  /** The feature columns, in the order asked. */
  featureNames: string[];
  /** Per row, per feature (in `featureNames` order). */
  statuses: FeatureStatus[][];
  /** Per row, per feature: the stored row's event time (epoch ms), null when not found. */
  eventTimestamps: (number | null)[][];
}

export type OnlineFeaturesErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_VIEW'
  | 'UNKNOWN_FEATURE'
  | 'UNKNOWN_ENTITY'
  | 'UNKNOWN_SERVICE'
  | 'VIEW_NOT_ONLINE'
  | 'MISSING_JOIN_KEY'
  | 'NAME_CLASH'
  | 'BAD_DEFINITION';

/** A request that cannot be answered as asked: the feature server turns it into a 400. */
export class OnlineFeaturesError extends Error {
  override readonly name = 'OnlineFeaturesError';
  constructor(
    readonly code: OnlineFeaturesErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A view's join keys: its entities' `join_keys`, in the view's entity order. The online key of
 * a row is `entityKey(viewJoinKeys(view, entities), row)`: materialization writes with it.
 */
export function viewJoinKeys(view: FeatureView, entities: readonly Entity[]): string[] {
  return view.entities.flatMap((name) => {
    const e = entities.find((x) => x.name === name);
    if (!e)
      throw new OnlineFeaturesError(
        'UNKNOWN_ENTITY',
        `feature view ${view.name} names entity ${name}, which is not defined`,
      );
    return e.join_keys;
  });
}

interface ViewInfo {
  view: FeatureView;
  joinKeys: string[];
  ttlMs: number;
  features: Set<string>;
}

/** Per defs object: views by name with their join keys, ttl and features, built once. */
const indexes = new WeakMap<FeatureDefs, Map<string, ViewInfo>>();

function indexOf(defs: FeatureDefs): Map<string, ViewInfo> {
  let index = indexes.get(defs);
  if (index) return index;
  index = new Map();
  for (const view of defs.views) {
    const ttlMs = durationMs(view.ttl);
    if (ttlMs === null)
      throw new OnlineFeaturesError('BAD_DEFINITION', `feature view ${view.name}: bad ttl`);
    const features = new Set(view.schema.map((f) => f.name));
    index.set(view.name, { view, joinKeys: viewJoinKeys(view, defs.entities), ttlMs, features });
  }
  indexes.set(defs, index);
  return index;
}

/** One view to read, and where its features go. */
interface ViewRead {
  info: ViewInfo;
  /** [feature name in the view, column index in featureNames] */
  columns: [string, number][];
}

/** Resolves the request's features: the views to read, and the column names. */
function plan(defs: FeatureDefs, request: OnlineFeaturesRequest) {
  const index = indexOf(defs);
  const refs: [string, string][] = [];
  if ((request.features === undefined) === (request.service === undefined))
    throw new OnlineFeaturesError('BAD_REQUEST', 'ask for either features or a feature service');
  if (request.service) {
    for (const part of request.service.features) {
      const info = index.get(part.view);
      if (!info)
        throw new OnlineFeaturesError(
          'UNKNOWN_VIEW',
          `feature service ${request.service.name} names view ${part.view}, which is not defined`,
        );
      for (const f of part.features ?? info.view.schema.map((x) => x.name))
        refs.push([part.view, f]);
    }
  } else {
    for (const ref of request.features ?? []) {
      const at = typeof ref === 'string' ? ref.indexOf(':') : -1;
      if (at <= 0 || at === ref.length - 1)
        throw new OnlineFeaturesError(
          'BAD_REQUEST',
          `feature reference ${JSON.stringify(ref)} is not "view:feature"`,
        );
      refs.push([ref.slice(0, at), ref.slice(at + 1)]);
    }
  }
  if (refs.length === 0) throw new OnlineFeaturesError('BAD_REQUEST', 'no features asked for');

  const reads = new Map<string, ViewRead>();
  const featureNames: string[] = [];
  const owner = new Map<string, string>(); // column name -> the reference that took it
  for (const [viewName, feature] of refs) {
    const info = index.get(viewName);
    if (!info)
      throw new OnlineFeaturesError('UNKNOWN_VIEW', `no feature view is named ${viewName}`);
    if (!info.view.online)
      throw new OnlineFeaturesError(
        'VIEW_NOT_ONLINE',
        `feature view ${viewName} is not served online (online: false)`,
      );
    if (!info.features.has(feature))
      throw new OnlineFeaturesError(
        'UNKNOWN_FEATURE',
        `feature view ${viewName} has no feature ${feature} (it has ${[...info.features].join(', ')})`,
      );
    const column = request.fullFeatureNames ? `${viewName}__${feature}` : feature;
    const ref = `${viewName}:${feature}`;
    const taken = owner.get(column);
    if (taken !== undefined)
      throw new OnlineFeaturesError(
        'NAME_CLASH',
        taken === ref
          ? `feature ${ref} is asked for twice`
          : `features ${taken} and ${ref} are both named ${column}: ask for full feature names`,
      );
    owner.set(column, ref);
    let read = reads.get(viewName);
    if (!read) reads.set(viewName, (read = { info, columns: [] }));
    read.columns.push([feature, featureNames.length]);
    featureNames.push(column);
  }
  const joinKeys = [...new Set([...reads.values()].flatMap((r) => r.info.joinKeys))];
  for (const k of joinKeys) {
    const taken = owner.get(k);
    if (taken !== undefined)
      throw new OnlineFeaturesError(
        'NAME_CLASH',
        `feature ${taken} has the name of join key ${k}: ask for full feature names`,
      );
  }
  return { reads: [...reads.values()], featureNames, joinKeys };
}

/**
 * Reads the features of `request` for each entity row: one `store.read` per view, all views
 * at once. A value is null, with status NOT_FOUND, when the store has no row for the entity or
 * the row lacks the feature; null with OUTSIDE_MAX_AGE when `now - eventTs > ttl`.
 * @throws OnlineFeaturesError on an unknown or offline view or feature, a missing join key,
 *   or two features sharing a column name
 */
export async function getOnlineFeatures(
  store: OnlineStore,
  defs: FeatureDefs,
  request: OnlineFeaturesRequest,
  now: Date | number,
): Promise<OnlineFeaturesResult> {
  const { reads, featureNames, joinKeys } = plan(defs, request);
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const entityRows = request.entityRows;
  const rows: Record<string, FeatureValue>[] = entityRows.map((given, i) => {
    const row: Record<string, FeatureValue> = {};
    for (const k of joinKeys) {
      const v = given[k];
      if (v === undefined || v === null)
        throw new OnlineFeaturesError('MISSING_JOIN_KEY', `entity row ${i} has no ${k}`);
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
        throw new OnlineFeaturesError(
          'BAD_REQUEST',
          `entity row ${i}: ${k} is ${JSON.stringify(v)}, not a string or a number`,
        );
      row[k] = v;
    }
    return row;
  });
  const hits = await Promise.all(
    reads.map((r) =>
      store.read(
        r.info.view.name,
        rows.map((row) => entityKey(r.info.joinKeys, row)),
      ),
    ),
  );
  const statuses = rows.map(() => new Array<FeatureStatus>(featureNames.length));
  const eventTimestamps = rows.map(() => new Array<number | null>(featureNames.length));
  reads.forEach((r, v) => {
    const ttlMs = r.info.ttlMs;
    rows.forEach((row, i) => {
      const hit = hits[v]![i];
      const expired = hit != null && nowMs - hit.eventTs > ttlMs;
      for (const [feature, col] of r.columns) {
        const name = featureNames[col]!;
        // hasOwn: a feature may be named like an Object.prototype member (`constructor`)
        const value = hit && Object.hasOwn(hit.values, feature) ? hit.values[feature] : undefined;
        if (hit == null || value === undefined) {
          row[name] = null;
          statuses[i]![col] = 'NOT_FOUND';
          eventTimestamps[i]![col] = hit?.eventTs ?? null;
        } else {
          row[name] = expired ? null : value;
          statuses[i]![col] = expired ? 'OUTSIDE_MAX_AGE' : 'PRESENT';
          eventTimestamps[i]![col] = hit.eventTs;
        }
      }
    });
  });
  return { rows, joinKeys, featureNames, statuses, eventTimestamps };
}
