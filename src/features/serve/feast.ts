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
const FIELDS = new Set(['features', 'feature_service', 'entities', 'full_feature_names']);

/** A body's JSON as a request for `getOnlineFeatures`; throws OnlineFeaturesError. */
export function parseFeastRequest(body: unknown, defs: FeatureDefs): OnlineFeaturesRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('the body is not a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b))
    if (!FIELDS.has(k)) throw bad(`unknown field ${JSON.stringify(k)}`);
  const request: { -readonly [K in keyof OnlineFeaturesRequest]: OnlineFeaturesRequest[K] } = {
    entityRows: entityRows(b.entities),
  };
  if (b.features !== undefined && b.feature_service !== undefined)
    throw bad('give "features" or "feature_service", not both');
  if (b.features !== undefined) {
    if (!Array.isArray(b.features) || !allStrings(b.features))
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

function allStrings(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') return false;
  return true;
}

/** Feast's columns (`{"test_id": ["t1", "t2"]}`) as rows (`[{test_id: "t1"}, …]`). */
function entityRows(entities: unknown): Record<string, string | number>[] {
  if (entities === null || typeof entities !== 'object' || Array.isArray(entities))
    throw bad('"entities" is missing or not an object of join key → list of values');
  const keys = Object.keys(entities);
  if (keys.length === 0) throw bad('"entities" names no join key');
  const columns: unknown[][] = [];
  let n = -1;
  for (const key of keys) {
    const values = (entities as Record<string, unknown>)[key];
    if (!Array.isArray(values)) throw bad(`entities.${key} is not a list`);
    if (n >= 0 && values.length !== n)
      throw bad(`the entity columns differ in length (${key} has ${values.length}, not ${n})`);
    n = values.length;
    for (const v of values)
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
        throw bad(`entities.${key} holds ${JSON.stringify(v)}, not a string or a number`);
    columns.push(values);
  }
  const rows = new Array<Record<string, string | number>>(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, string | number> = {};
    for (let c = 0; c < keys.length; c++) row[keys[c]!] = columns[c]![i] as string | number;
    rows[i] = row;
  }
  return rows;
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

/** Formatted times, JSON-quoted, kept across responses (rows of a view share a few times). */
const quotedTimes = new Map<number, string>();
const QUOTED_EPOCH = JSON.stringify(EPOCH);
const QUOTED_STATUS = new Map<unknown, string>(
  (['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'] as const).map((s) => [s, `"${s}"`]),
);

function quotedTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return QUOTED_EPOCH;
  let text = quotedTimes.get(ms);
  if (text === undefined) {
    text = JSON.stringify(timestamp(ms));
    if (quotedTimes.size >= 4096) quotedTimes.clear();
    quotedTimes.set(ms, text);
  }
  return text;
}

/** One value as JSON.stringify writes it inside an array. */
function jsonValue(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    default:
      return v === null || v === undefined ? 'null' : (JSON.stringify(v) ?? 'null');
  }
}

/** The last response's names and the text they open a response with: a server repeats them. */
let lastNames: string[] = [];
let lastHead = '';

function head(joinKeys: readonly string[], featureNames: readonly string[]): string {
  const n = joinKeys.length + featureNames.length;
  let same = lastNames.length === n && n > 0;
  for (let i = 0; same && i < n; i++)
    same = lastNames[i] === (i < joinKeys.length ? joinKeys[i] : featureNames[i - joinKeys.length]);
  if (!same) {
    lastNames = [...joinKeys, ...featureNames];
    lastHead = `{"metadata":{"feature_names":${JSON.stringify(lastNames)}},"results":[`;
  }
  return lastHead;
}

/**
 * `JSON.stringify(feastResponse(r))`, the same text, written directly: the feature server's
 * hot path, without the columnar objects in between.
 */
export function feastResponseJson(r: OnlineFeaturesResult): string {
  const { rows, joinKeys, featureNames } = r;
  const n = rows.length;
  let out = head(joinKeys, featureNames);
  for (let j = 0; j < joinKeys.length; j++) {
    const k = joinKeys[j]!;
    if (j > 0) out += ',';
    out += '{"values":[';
    for (let i = 0; i < n; i++) out += (i > 0 ? ',' : '') + jsonValue(rows[i]![k] ?? null);
    out += '],"statuses":[';
    for (let i = 0; i < n; i++) out += i > 0 ? ',"PRESENT"' : '"PRESENT"';
    out += '],"event_timestamps":[';
    for (let i = 0; i < n; i++) out += (i > 0 ? ',' : '') + QUOTED_EPOCH;
    out += ']}';
  }
  const { statuses, eventTimestamps } = r;
  for (let col = 0; col < featureNames.length; col++) {
    const name = featureNames[col]!;
    if (col > 0 || joinKeys.length > 0) out += ',';
    out += '{"values":[';
    for (let i = 0; i < n; i++) out += (i > 0 ? ',' : '') + jsonValue(rows[i]![name] ?? null);
    out += '],"statuses":[';
    for (let i = 0; i < statuses.length; i++) {
      const s = statuses[i]![col];
      out += (i > 0 ? ',' : '') + (QUOTED_STATUS.get(s) ?? jsonValue(s));
    }
    out += '],"event_timestamps":[';
    for (let i = 0; i < eventTimestamps.length; i++)
      out += (i > 0 ? ',' : '') + quotedTime(eventTimestamps[i]![col]);
    out += ']}';
  }
  return out + ']}';
}
