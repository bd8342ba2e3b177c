/**
 * The point-in-time join (Feast's historical retrieval) and the latest row per key (what
 * materialization writes online), both over the same key-then-time order.
 */
import type { Column, EntityFrame, ResultFrame, ViewFrame, ViewSpec } from './frames.js';
import { gather } from './gather.js';
import { encodeKeys } from './keys.js';
import { orderByKeyAndTime, type KeyOrder } from './order.js';
import { JoinError } from './errors.js';

export interface JoinOptions {
  /** Name output columns `view__feature` rather than `feature`. */
  fullFeatureNames?: boolean;
}

/** A ttl as a window length: 0, absent or not finite means no limit, as Feast's ttl 0. */
function window(ttlMs: number | undefined): number {
  return ttlMs && ttlMs > 0 && Number.isFinite(ttlMs) ? ttlMs : Infinity;
}

function pickFeatures(spec: ViewSpec): Column[] {
  const { view } = spec;
  if (!spec.features) return view.features;
  return spec.features.map((f) => {
    const col = view.features.find((c) => c.name === f);
    if (!col) throw new JoinError(`feature view ${view.name} has no feature ${f}`);
    return col;
  });
}

/** The output name of each view's features; refuses clashes, naming both sides. */
function outputNames(entities: EntityFrame, specs: ViewSpec[], full: boolean): string[][] {
  const owner = new Map<string, string>(entities.columns.map((c) => [c.name, 'the entity rows']));
  const seenViews = new Set<string>();
  return specs.map((spec) => {
    const v = spec.view.name;
    if (seenViews.has(v)) throw new JoinError(`feature view ${v} is requested twice`);
    seenViews.add(v);
    return pickFeatures(spec).map((c) => {
      const name = full ? `${v}__${c.name}` : c.name;
      const other = owner.get(name);
      if (other !== undefined) {
        const where = other === 'the entity rows' ? other : `feature view ${other}`;
        throw new JoinError(
          `feature ${name} of feature view ${v} clashes with a column of ${where}` +
            (full ? '' : '; use full feature names (view__feature)'),
        );
      }
      owner.set(name, v);
      return name;
    });
  });
}

function entityKeys(entities: EntityFrame, view: ViewFrame): Column[] {
  return view.joinKeys.map((k) => {
    const col = entities.columns.find((c) => c.name === k);
    if (!col)
      throw new JoinError(`the entity rows have no ${k}, a join key of feature view ${view.name}`);
    return col;
  });
}

/**
 * For each entity row, the feature row it gets (or -1): per key, one pass over the entity
 * rows and the feature rows both in time order, the feature pointer only moving forward.
 */
function mergeAsOf(
  ent: KeyOrder,
  ets: Float64Array,
  feat: KeyOrder,
  fts: Float64Array,
  ttlMs: number,
  out: Int32Array,
): void {
  const keys = ent.starts.length - 1;
  const eo = ent.order;
  const fo = feat.order;
  for (let k = 0; k < keys; k++) {
    const es = ent.starts[k]!;
    const ee = ent.starts[k + 1]!;
    const fs = feat.starts[k]!;
    const fe = feat.starts[k + 1]!;
    if (es === ee || fs === fe) continue;
    let j = fs;
    for (let p = es; p < ee; p++) {
      const e = eo[p]!;
      const t = ets[e]!;
      while (j < fe && fts[fo[j]!]! <= t) j++;
      if (j === fs) continue;
      // the last row at or before t: latest event time, then latest created, then last in source
      const c = fo[j - 1]!;
      if (fts[c]! >= t - ttlMs) out[e] = c;
    }
  }
}

/**
 * Feast's historical retrieval: for each entity row and view, the view's row with the same
 * join keys and the latest event time in `[entity ts - ttl, entity ts]` (ties: latest
 * created, then last in the source); nulls when there is none. Every entity row is kept, in
 * order, with its columns; each view's features follow, in the order of `views`.
 *
 * @example
 * const out = pointInTimeJoin(entities, [{ view: stats, ttlMs: 86_400_000 }], { fullFeatureNames: true });
 * out.columns.map((c) => c.name); // ['user_id', 'event_timestamp', 'user_stats__clicks', …]
 */
export function pointInTimeJoin(
  entities: EntityFrame,
  views: ViewSpec[],
  opts: JoinOptions = {},
): ResultFrame {
  const names = outputNames(entities, views, opts.fullFeatureNames ?? false);
  const matches: Int32Array[] = views.map(() => new Int32Array(entities.length).fill(-1));
  // views on the same join keys share one key encoding and one order of the entity rows
  const groups = new Map<string, number[]>();
  views.forEach((spec, v) => {
    const sig = JSON.stringify(spec.view.joinKeys);
    groups.set(sig, [...(groups.get(sig) ?? []), v]);
  });
  for (const members of groups.values()) {
    const first = views[members[0]!]!.view;
    const { ids, count } = encodeKeys([
      entityKeys(entities, first),
      ...members.map((v) => views[v]!.view.keys),
    ]);
    const ent = orderByKeyAndTime(ids[0]!, count, entities.timestamps);
    members.forEach((v, m) => {
      const { view, ttlMs } = views[v]!;
      if (view.length !== view.eventTs.length)
        throw new Error(`feature view ${view.name}: length mismatch`);
      const feat = orderByKeyAndTime(ids[m + 1]!, count, view.eventTs, view.createdTs);
      mergeAsOf(ent, entities.timestamps, feat, view.eventTs, window(ttlMs), matches[v]!);
    });
  }
  const columns = [...entities.columns];
  views.forEach((spec, v) => {
    pickFeatures(spec).forEach((col, f) => columns.push(gather(col, matches[v]!, names[v]![f]!)));
  });
  return { length: entities.length, columns };
}

/**
 * For each key of a view, the row materialization writes online as of `asOfMs`: the latest
 * with `asOfMs - ttlMs <= event ts <= asOfMs` (ties: latest created, then last in the source).
 * Row indices into the view, in the order keys first appear in it; keys with no such row are
 * left out. A ttl of 0 means no limit.
 */
export function latestPerKey(view: ViewFrame, asOfMs: number, ttlMs: number): Int32Array {
  const { ids, count } = encodeKeys([view.keys]);
  const { order, starts } = orderByKeyAndTime(ids[0]!, count, view.eventTs, view.createdTs);
  const ts = view.eventTs;
  const from = asOfMs - window(ttlMs);
  const out = new Int32Array(count);
  let n = 0;
  for (let k = 0; k < count; k++) {
    // the first position in the run whose time is after asOf, by binary search
    let lo = starts[k]!;
    let hi = starts[k + 1]!;
    const s = lo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[order[mid]!]! <= asOfMs) lo = mid + 1;
      else hi = mid;
    }
    if (lo === s) continue;
    const r = order[lo - 1]!;
    if (ts[r]! >= from) out[n++] = r;
  }
  return out.slice(0, n);
}
