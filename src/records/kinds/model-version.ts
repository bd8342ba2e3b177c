import { Type, type Static } from '@sinclair/typebox';
import {
  ContentHash,
  Metrics,
  Name,
  RepoPath,
  RunId,
  SemVer,
  SliceMetrics,
  Strict,
  Timestamp,
  recordHead,
} from './common.js';

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
    metrics: Metrics,
    slices: Type.Optional(SliceMetrics),
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
