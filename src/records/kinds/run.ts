import { Type, type Static } from '@sinclair/typebox';
import {
  ContentHash,
  Metrics,
  Name,
  RunId,
  Scalar,
  Strict,
  Timestamp,
  recordHead,
} from './common.js';
import { MetricValues, SliceValues } from './model-version.js';

export const RunStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('killed'),
]);

const StoredObject = Strict({
  uri: Type.String({ minLength: 1 }),
  hash: ContentHash,
  size: Type.Integer({ minimum: 0 }),
});

export const Run = Strict(
  {
    ...recordHead('Run'),
    id: RunId,
    experiment: Name,
    model: Name,
    status: RunStatus,
    started_at: Timestamp,
    ended_at: Type.Optional(Timestamp),
    code_commit: Type.String({ pattern: '^[0-9a-f]{40}$' }),
    trigger: Strict({
      type: Type.Union([
        Type.Literal('schedule'),
        Type.Literal('drift'),
        Type.Literal('manual'),
        Type.Literal('push'),
      ]),
      reason: Type.Optional(Type.String()),
      actor: Type.Optional(Type.String()),
      drift: Type.Optional(Metrics),
    }),
    command: Type.Optional(
      Type.String({ minLength: 1, description: 'the command as run, after substitutions' }),
    ),
    params: Type.Record(Type.String(), Scalar),
    metrics: MetricValues,
    slices: Type.Optional(SliceValues),
    metric_history: Type.Optional(StoredObject),
    architecture: Type.Optional(
      Strict(
        { type: Type.String({ minLength: 1 }), framework: Type.String({ minLength: 1 }) },
        { description: 'what the trainer reported in architecture.json' },
      ),
    ),
    inputs: Strict({
      datasets: Type.Array(Strict({ name: Name, hash: ContentHash })),
      features: Type.Optional(Type.Array(Name)),
    }),
    artifacts: Type.Array(
      Strict({ name: Type.String({ minLength: 1 }), ...StoredObject.properties }),
    ),
    environment: Strict({
      runner: Type.String(),
      os: Type.String(),
      node: Type.Optional(Type.String()),
      python: Type.Optional(Type.String()),
      gpus: Type.Array(
        Strict({
          name: Type.String(),
          memory_mb: Type.Integer({ minimum: 0 }),
          driver: Type.String(),
        }),
      ),
    }),
    failure: Type.Optional(
      Strict({ reason: Type.String(), last_lines: Type.Array(Type.String()) }),
    ),
  },
  { title: 'Run', description: 'One tracked training run; immutable once finished.' },
);
export type Run = Static<typeof Run>;
