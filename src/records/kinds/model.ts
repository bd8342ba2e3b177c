import { Type, type Static } from '@sinclair/typebox';
import { Duration, Handle, Name, Scalar, Strict, recordHead } from './common.js';

export const GovernanceOverrides = Strict(
  {
    min_accuracy: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    max_latency_p95_ms: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    min_improvement: Type.Optional(Type.Number()),
    max_slice_gap: Type.Optional(Type.Number({ minimum: 0 })),
    approvers: Type.Optional(Type.Array(Handle, { uniqueItems: true })),
  },
  { description: 'per-model governance overrides; reviewed like policy' },
);

export const Model = Strict(
  {
    ...recordHead('Model'),
    name: Name,
    description: Type.String({ minLength: 1 }),
    owners: Type.Array(Handle, { minItems: 1, uniqueItems: true }),
    task: Type.String({ minLength: 1 }),
    training: Strict({
      command: Type.String({ minLength: 1 }),
      runner_labels: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
      gpus: Type.Integer({ minimum: 0, maximum: 64 }),
      params: Type.Record(Type.String(), Scalar),
      inputs: Strict({
        datasets: Type.Array(Name, { uniqueItems: true }),
        features: Type.Optional(Type.Array(Name, { uniqueItems: true })),
      }),
      timeout: Duration,
    }),
    evaluation: Strict({
      primary_metric: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
      direction: Type.Union([Type.Literal('maximize'), Type.Literal('minimize')]),
    }),
    governance: Type.Optional(GovernanceOverrides),
  },
  { title: 'Model', description: 'A model and how it is trained and judged.' },
);
export type Model = Static<typeof Model>;
