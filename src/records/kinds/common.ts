import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_DURATION_TEXT } from '../duration.js';
import { check } from '../field-checks.js';

/** Names of models, datasets, features, entities: lower-case, digits, `-` and `_`. */
export const Name = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'lower-case letters, digits, "-" and "_"; at most 63 characters',
});

/**
 * Semantic version 2.0.0, without a leading `v`; MAJOR.MINOR.PATCH of at most 15 digits each.
 * The pattern is src/registry/semver.ts's SEMVER_PATTERN (records import nothing of ours; a
 * test checks that the two are the same).
 */
export const SemVer = Type.String({
  pattern:
    '^(0|[1-9]\\d{0,14})\\.(0|[1-9]\\d{0,14})\\.(0|[1-9]\\d{0,14})(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$',
  description: 'a semantic version such as 2.1.0',
});

/** Content hash: `sha256:` (default) or `md5:` (DVC interop). */
export const ContentHash = Type.String({
  pattern: '^(sha256:[0-9a-f]{64}|md5:[0-9a-f]{32})$',
  description: 'sha256:<64 hex> or md5:<32 hex>',
});

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 date-time' });

/** `30s`, `15m`, `6h`, `30d`, `2w`; at most 365 days (src/records/duration.ts says why). */
export const Duration = Type.String({
  pattern: '^[1-9][0-9]*(s|m|h|d|w)$',
  description: `a duration such as 6h or 30d, at most ${MAX_DURATION_TEXT}`,
  ...check('duration'),
});

/** A cron schedule as GitHub Actions reads one: five fields, checked by croner. */
export const CronSchedule = Type.String({
  minLength: 9,
  description: 'a cron schedule of five fields (minute hour day-of-month month day-of-week)',
  ...check('cron'),
});

export const RunId = Type.String({
  pattern: '^[0-9]{8}-[0-9]{6}-[a-z0-9][a-z0-9-]{0,62}$',
  description: 'YYYYMMDD-HHMMSS-<slug>',
});

/** A repository-relative path: no leading slash, no `..` segment. */
export const RepoPath = Type.String({
  pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\0]+$',
  description: 'a path relative to the repository root, without ".."',
});

/** GitHub handle (user or team `org/team`), with or without a leading `@`. */
export const Handle = Type.String({
  pattern: '^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9._-]+)?$',
  description: 'a GitHub user or org/team',
});

export const Metrics = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), Type.Number(), {
  description: 'metric name → value',
});

export const SliceMetrics = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.:-]+$' }), Metrics, {
  description: 'slice name → metrics on that slice',
});

export const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/** Every record starts with `kind` and `schema_version`. */
export function recordHead<K extends string>(kind: K) {
  return {
    kind: Type.Literal(kind),
    schema_version: Type.Literal(1),
  };
}

/** Objects in records never accept unknown keys. */
export function Strict<T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: { description?: string; $id?: string; title?: string } = {},
) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export type AnySchema = TSchema;
