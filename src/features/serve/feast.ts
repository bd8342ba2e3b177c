/**
 * Feast's HTTP shapes for `POST /get-online-features`, so a client written for Feast's Python
 * feature server works against ours.
 *
 * In: `{"features": ["view:feature", …]}` or `{"feature_service": "name"}`, entities by column
 * (`"entities": {"test_id": ["t1", "t2"]}`), optional `"full_feature_names": true`.
 * Out: `{"metadata": {"feature_names": [join keys…, features…]}, "results": [one per name:
 * {"values": […], "statuses": […], "event_timestamps": […]}]}`, each list one entry per
 * entity row. Join-key columns are PRESENT at the epoch, as Feast writes them.
 */
import {
  OnlineFeaturesError,
  type FeatureDefs,
  type FeatureStatus,
  type OnlineFeaturesRequest,
  type OnlineFeaturesResult,
} from '../online/get.js';
import type { FeatureValue } from '../types.js';

export interface FeastResponse {
  metadata: { feature_names: string[] };
  results: { values: FeatureValue[]; statuses: FeatureStatus[]; event_timestamps: string[] }[];
}

const bad = (message: string) => new OnlineFeaturesError('BAD_REQUEST', message);
const EPOCH = '1970-01-01T00:00:00Z';

/** A body's JSON as a request for `getOnlineFeatures`; throws OnlineFeaturesError. */
export function parseFeastRequest(body: unknown, defs: FeatureDefs): OnlineFeaturesRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('the body is not a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b))
    if (!['features', 'feature_service', 'entities', 'full_feature_names'].includes(k))
      throw bad(`unknown field ${JSON.stringify(k)}`);
  const request: { -readonly [K in keyof OnlineFeaturesRequest]: OnlineFeaturesRequest[K] } = {
    entityRows: entityRows(b.entities),
  };
  if (b.features !== undefined && b.feature_service !== undefined)
    throw bad('give "features" or "feature_service", not both');
  if (b.features !== undefined) {
    if (!Array.isArray(b.features) || !b.features.every((f) => typeof f === 'string'))
      throw bad('"features" is not a list of "view:feature" strings');
    request.features = b.features;
  } else if (b.feature_service !== undefined) {
    if (typeof b.feature_service !== 'string') throw bad('"feature_service" is not a name');
    const name = b.feature_service;
    const service = defs.services?.find((s) => s.name === name);
    if (!service)
      throw new OnlineFeaturesError('UNKNOWN_SERVICE', `no feature service is named ${name}`);
    request.service = service;
  } else throw bad('give "features" or "feature_service"');
  if (b.full_feature_names !== undefined) {
    if (typeof b.full_feature_names !== 'boolean') throw bad('"full_feature_names" is not a bool');
    request.fullFeatureNames = b.full_feature_names;
  }
  return request;
}

/** Feast's columns (`{"test_id": ["t1", "t2"]}`) as rows (`[{test_id: "t1"}, …]`). */
function entityRows(entities: unknown): Record<string, string | number>[] {
  if (entities === null || typeof entities !== 'object' || Array.isArray(entities))
    throw bad('"entities" is missing or not an object of join key → list of values');
  const columns = Object.entries(entities as Record<string, unknown>);
  if (columns.length === 0) throw bad('"entities" names no join key');
  let n = -1;
  for (const [key, values] of columns) {
    if (!Array.isArray(values)) throw bad(`entities.${key} is not a list`);
    if (n >= 0 && values.length !== n)
      throw bad(`the entity columns differ in length (${key} has ${values.length}, not ${n})`);
    n = values.length;
    for (const v of values)
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
        throw bad(`entities.${key} holds ${JSON.stringify(v)}, not a string or a number`);
  }
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, string | number> = {};
    for (const [key, values] of columns) row[key] = (values as (string | number)[])[i]!;
    return row;
  });
}

/** An epoch-ms time as protobuf's JSON writes a Timestamp: no fraction when it is zero. */
function timestamp(ms: number | null): string {
  if (ms === null) return EPOCH;
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** The result of `getOnlineFeatures` in Feast's columnar response shape. */
export function feastResponse(r: OnlineFeaturesResult): FeastResponse {
  // the features of one view share a row's time: format each time once
  const formatted = new Map<number | null, string>();
  const ts = (ms: number | null) => {
    let text = formatted.get(ms);
    if (text === undefined) formatted.set(ms, (text = timestamp(ms)));
    return text;
  };
  const results: FeastResponse['results'] = r.joinKeys.map((k) => ({
    values: r.rows.map((row) => row[k] ?? null),
    statuses: r.rows.map((): FeatureStatus => 'PRESENT'),
    event_timestamps: r.rows.map(() => EPOCH),
  }));
  r.featureNames.forEach((name, col) => {
    results.push({
      values: r.rows.map((row) => row[name] ?? null),
      statuses: r.statuses.map((s) => s[col]!),
      event_timestamps: r.eventTimestamps.map((t) => ts(t[col] ?? null)),
    });
  });
  return { metadata: { feature_names: [...r.joinKeys, ...r.featureNames] }, results };
}
