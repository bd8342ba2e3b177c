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
  /** The view's features asked for, each one's column index in featureNames, and its name. */
  features: string[];
  cols: number[];
  names: string[];
  /** The view's one join key when it has one: its value is then the entity key as is. */
  singleKey: string | undefined;
}

/** A request's features resolved: the views to read, the columns and the join keys. */
interface Plan {
  reads: ViewRead[];
  featureNames: string[];
  joinKeys: string[];
}

/**
 * Plans by defs object, then by feature list (or service), so that a server answering the same
 * features again and again resolves them once. Like the index, it takes defs (and their
 * services) as fixed once used. Only plans that resolved are kept; a bounded number of lists.
 */
interface PlanCache {
  byRefs: Map<string, Plan>;
  byService: WeakMap<FeatureService, Plan>;
  byServiceFull: WeakMap<FeatureService, Plan>;
}
const plans = new WeakMap<FeatureDefs, PlanCache>();
const MAX_CACHED_LISTS = 1024;

/** A feature list as a cache key; undefined when one cannot be made unambiguously. */
function refsKey(features: readonly string[], full: boolean): string | undefined {
  let key = full ? '1' : '0';
  for (const ref of features) {
    if (typeof ref !== 'string' || ref.includes('\0')) return undefined;
    key += '\0' + ref;
  }
  return key;
}

function cachedPlan(defs: FeatureDefs, request: OnlineFeaturesRequest): Plan {
  indexOf(defs); // a bad definition is reported first, as plan() does
  if ((request.features === undefined) === (request.service === undefined))
    throw new OnlineFeaturesError('BAD_REQUEST', 'ask for either features or a feature service');
  let cache = plans.get(defs);
  if (!cache) {
    cache = { byRefs: new Map(), byService: new WeakMap(), byServiceFull: new WeakMap() };
    plans.set(defs, cache);
  }
  const full = request.fullFeatureNames === true;
  if (request.service) {
    const byService = full ? cache.byServiceFull : cache.byService;
    let p = byService.get(request.service);
    if (!p) byService.set(request.service, (p = plan(defs, request)));
    return p;
  }
  const key = Array.isArray(request.features) ? refsKey(request.features, full) : undefined;
  if (key === undefined) return plan(defs, request);
  let p = cache.byRefs.get(key);
  if (!p) {
    p = plan(defs, request);
    if (cache.byRefs.size >= MAX_CACHED_LISTS) cache.byRefs.clear();
    cache.byRefs.set(key, p);
  }
  return p;
}

/** Resolves the request's features: the views to read, and the column names. */
function plan(defs: FeatureDefs, request: OnlineFeaturesRequest): Plan {
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
    if (!read) {
      const singleKey = info.joinKeys.length === 1 ? info.joinKeys[0] : undefined;
      read = { info, features: [], cols: [], names: [], singleKey };
      reads.set(viewName, read);
    }
    read.features.push(feature);
    read.cols.push(featureNames.length);
    read.names.push(column);
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

/** The entity keys of `rows` in the view of `r`. */
function keysOf(r: ViewRead, rows: readonly Record<string, FeatureValue>[]): string[] {
  const k = r.singleKey;
  // one join key: the key is its value (a string, or a finite number as String writes it)
  if (k !== undefined)
    return rows.map((row) => {
      const v = row[k];
      return typeof v === 'string' ? v : String(v);
    });
  return rows.map((row) => entityKey(r.info.joinKeys, row));
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
  const { reads, featureNames, joinKeys } = cachedPlan(defs, request);
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const entityRows = request.entityRows;
  const rows: Record<string, FeatureValue>[] = entityRows.map((given, i) => {
    const row: Record<string, FeatureValue> = {};
    for (let j = 0; j < joinKeys.length; j++) {
      const k = joinKeys[j]!;
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
  const hits =
    reads.length === 1
      ? [await store.read(reads[0]!.info.view.name, keysOf(reads[0]!, rows))]
      : await Promise.all(reads.map((r) => store.read(r.info.view.name, keysOf(r, rows))));
  const width = featureNames.length;
  const statuses = rows.map(() => new Array<FeatureStatus>(width));
  const eventTimestamps = rows.map(() => new Array<number | null>(width));
  for (let v = 0; v < reads.length; v++) {
    const r = reads[v]!;
    const ttlMs = r.info.ttlMs;
    const { features, cols, names } = r;
    const viewHits = hits[v]!;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const rowStatuses = statuses[i]!;
      const rowTimes = eventTimestamps[i]!;
      const hit = viewHits[i];
      if (hit == null) {
        for (let c = 0; c < features.length; c++) {
          const col = cols[c]!;
          row[names[c]!] = null;
          rowStatuses[col] = 'NOT_FOUND';
          rowTimes[col] = null;
        }
        continue;
      }
      const expired = nowMs - hit.eventTs > ttlMs;
      const values = hit.values;
      for (let c = 0; c < features.length; c++) {
        const feature = features[c]!;
        const col = cols[c]!;
        // hasOwn: a feature may be named like an Object.prototype member (`constructor`)
        const value = Object.hasOwn(values, feature) ? values[feature] : undefined;
        if (value === undefined) {
          row[names[c]!] = null;
          rowStatuses[col] = 'NOT_FOUND';
        } else {
          row[names[c]!] = expired ? null : value;
          rowStatuses[col] = expired ? 'OUTSIDE_MAX_AGE' : 'PRESENT';
        }
        rowTimes[col] = hit.eventTs;
      }
    }
  }
  // copies: the plan's lists are cached, and a caller may change what it is given
  return {
    rows,
    joinKeys: joinKeys.slice(),
    featureNames: featureNames.slice(),
    statuses,
    eventTimestamps,
  };
}
