/**
 * What both online stores share: the "never older" rule, the checks on rows they are given,
 * and a JSON encoding of feature values that round-trips every number exactly.
 */
import type { FeatureValue, OnlineRow } from '../types.js';

/** A missing created time sorts before every real one: a row with one beats a row without. */
export const NO_CREATED = -Infinity;

/**
 * Whether a row with (`eventTs`, `createdTs`) replaces a stored row with (`storedEventTs`,
 * `storedCreatedTs`): only when it is strictly newer. Equal event and created times keep the
 * stored row, so a repeated materialization is a no-op rather than a rewrite.
 */
export function replaces(
  eventTs: number,
  createdTs: number,
  storedEventTs: number,
  storedCreatedTs: number,
): boolean {
  return eventTs > storedEventTs || (eventTs === storedEventTs && createdTs > storedCreatedTs);
}

/**
 * Throws on a row the stores cannot keep faithfully: a non-finite time, or a value that is
 * not a {@link FeatureValue} (an Arrow int64 arrives as a bigint, and JSON cannot hold one).
 */
export function checkRow(view: string, row: OnlineRow): void {
  const where = () => `online row ${JSON.stringify(row.key)} of view ${view}`;
  if (typeof row.key !== 'string') throw new Error(`${where()}: the key is not a string`);
  if (typeof row.eventTs !== 'number' || !Number.isFinite(row.eventTs))
    throw new Error(`${where()}: eventTs ${String(row.eventTs)} is not a finite number`);
  if (
    row.createdTs !== undefined &&
    (typeof row.createdTs !== 'number' || !Number.isFinite(row.createdTs))
  )
    throw new Error(`${where()}: createdTs ${String(row.createdTs)} is not a finite number`);
  for (const [name, v] of Object.entries(row.values)) {
    const t = typeof v;
    if (v !== null && t !== 'number' && t !== 'string' && t !== 'boolean')
      throw new Error(`${where()}: feature ${name} is a ${t}, not a number, string, bool or null`);
  }
}

/** The tag of a number JSON cannot write. A FeatureValue is never an object, so no clash. */
interface TaggedNumber {
  $num: 'NaN' | 'Infinity' | '-Infinity' | '-0';
}

/** A value as JSON can carry it: itself, or NaN, ±Infinity and -0 as `{"$num": "…"}`. */
export function toJsonValue(v: FeatureValue): FeatureValue | TaggedNumber {
  if (typeof v !== 'number' || (Number.isFinite(v) && !Object.is(v, -0))) return v;
  return { $num: Object.is(v, -0) ? '-0' : (String(v) as TaggedNumber['$num']) };
}

/** The inverse of {@link toJsonValue}. */
export function fromJsonValue(x: unknown): FeatureValue {
  if (x !== null && typeof x === 'object') return Number((x as TaggedNumber).$num);
  return x as FeatureValue;
}

/** One value as a JSON text, exact for every number (the Redis store's field encoding). */
export function encodeValue(v: FeatureValue): string {
  return JSON.stringify(toJsonValue(v));
}

export function decodeValue(text: string): FeatureValue {
  return fromJsonValue(JSON.parse(text));
}
