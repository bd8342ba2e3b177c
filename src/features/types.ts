/**
 * The shapes the feature store's parts agree on: values as they are served, the online
 * store's port, and how an entity is named by its join keys.
 */

/** A feature value as stored and served. Timestamps are epoch milliseconds. */
export type FeatureValue = number | string | boolean | null;

/** One entity's latest values of one feature view, as materialization writes them. */
export interface OnlineRow {
  /** The entity key: see {@link entityKey}. */
  key: string;
  values: Record<string, FeatureValue>;
  /** The row's event time, epoch ms: ttl is measured from it, and newer wins. */
  eventTs: number;
  /** The row's created time, epoch ms, when the source has one: breaks event-time ties. */
  createdTs?: number;
}

/** What a read found for one entity key: null when the store has no row for it. */
export interface OnlineHit {
  values: Record<string, FeatureValue>;
  eventTs: number;
}

/**
 * Where materialized features live for serving. `embedded` (a file in `.mlops/`, loaded in
 * memory) and `redis` (a hash per entity key) implement it and pass the same test suite.
 */
export interface OnlineStore {
  /** Names the store in messages: `embedded .mlops/online/…`, `redis 127.0.0.1:6379/0`. */
  readonly describe: string;
  /**
   * Writes a view's rows. A row never replaces a stored row that is newer (later event time,
   * or the same event time and a later or equal created time): a late materialization of
   * older data cannot roll a value back.
   */
  write(view: string, rows: readonly OnlineRow[]): Promise<{ written: number; skipped: number }>;
  /**
   * The stored rows of a view for the keys, in the keys' order; null for a key without one.
   * Expiry is the caller's (see `getOnlineFeatures`): the store returns what it has.
   */
  read(view: string, keys: readonly string[]): Promise<(OnlineHit | null)[]>;
  /** The end of the last materialization of a view (epoch ms), for `materialize-incremental`. */
  watermark(view: string): Promise<number | null>;
  setWatermark(view: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * An entity's key from its join-key values, in the entity's `join_keys` order: the values
 * alone for one key (`t0001`), `name=value` pairs joined by `&` for several, so that keys of
 * different entities or orders never collide.
 * @example
 * entityKey(['test_id'], { test_id: 't0001' })                 // 't0001'
 * entityKey(['repo', 'test_id'], { repo: 'web', test_id: 7 })  // 'repo=web&test_id=7'
 */
export function entityKey(
  joinKeys: readonly string[],
  row: Readonly<Record<string, unknown>>,
): string {
  const part = (k: string) => {
    const v = row[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    throw new Error(`entity row has no ${k}, or not a string or number`);
  };
  if (joinKeys.length === 1) return part(joinKeys[0]!);
  return joinKeys.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(part(k))}`).join('&');
}
