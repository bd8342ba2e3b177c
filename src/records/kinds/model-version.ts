import { Type, type Static } from '@sinclair/typebox';
import {
  ContentHash,
  Name,
  RepoPath,
  RunId,
  SemVer,
  Strict,
  Timestamp,
  recordHead,
} from './common.js';

/**
 * Metric name → value, with the names of common.ts's `Metrics` (lower-case letters, digits,
 * `_`), closed: a name outside the pattern is refused instead of slipping through unchecked
 * (a pattern-keyed record leaves other keys open unless told otherwise). Values must also be
 * finite, which a schema cannot say; validation's `schema/finite` rule does.
 */
export const MetricValues = Type.Record(
  Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
  Type.Number(),
  {
    additionalProperties: false,
    description: 'metric name (lower-case letters, digits, "_") → value',
  },
);

/** Slice name → the metrics on that slice, closed as {@link MetricValues} is. */
export const SliceValues = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_.:-]+$' }),
  MetricValues,
  {
    additionalProperties: false,
    description: 'slice name (letters, digits, "_", ".", ":", "-") → metrics on that slice',
  },
);

export const ChangeLevel = Type.Union([
  Type.Literal('major'),
  Type.Literal('minor'),
  Type.Literal('patch'),
]);

export const ModelVersion = Strict(
  {
    ...recordHead('ModelVersion'),
    model: Name,
    version: SemVer,
    created_at: Timestamp,
    run: RunId,
    artifact: Strict({
      uri: Type.String({ minLength: 1 }),
      hash: ContentHash,
      size: Type.Integer({ minimum: 0 }),
      format: Type.String({ minLength: 1 }),
    }),
    metrics: MetricValues,
    slices: Type.Optional(SliceValues),
    architecture: Strict({
      type: Type.String({ minLength: 1 }),
      framework: Type.String({ minLength: 1 }),
    }),
    lineage: Strict({
      datasets: Type.Array(Strict({ name: Name, hash: ContentHash })),
    }),
    features: Type.Array(Name, { uniqueItems: true }),
    change: Strict({ level: ChangeLevel, reason: Type.String({ minLength: 1 }) }),
    card: RepoPath,
  },
  { title: 'ModelVersion', description: 'One registered, immutable version of a model.' },
);
export type ModelVersion = Static<typeof ModelVersion>;
