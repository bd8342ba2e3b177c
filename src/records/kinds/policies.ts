import { Type, type Static } from '@sinclair/typebox';
import { Duration, Handle, Strict, recordHead } from './common.js';

const Share = Type.Number({ minimum: 0, maximum: 1 });

export const GovernancePolicy = Strict(
  {
    ...recordHead('GovernancePolicy'),
    checks: Strict({
      min_accuracy: Share,
      max_latency_p95_ms: Type.Number({ exclusiveMinimum: 0 }),
      min_improvement: Type.Number({ description: 'relative, 0.02 = 2 % over production' }),
      max_slice_gap: Share,
    }),
    risk: Strict({
      max_metric_drop: Share,
      high_risk_paths: Type.Array(Type.String({ minLength: 1 })),
    }),
    approval: Strict({
      auto_approve_low_risk: Type.Boolean(),
      approvers: Type.Array(Handle, { minItems: 1, uniqueItems: true }),
      required_approvals: Type.Integer({ minimum: 1 }),
    }),
  },
  { title: 'GovernancePolicy', description: 'The checks and approvals a promotion must pass.' },
);
export type GovernancePolicy = Static<typeof GovernancePolicy>;

export const RolloutPolicy = Strict(
  {
    ...recordHead('RolloutPolicy'),
    stages: Type.Array(
      Strict({
        weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
        hold: Type.Optional(Duration),
      }),
      { minItems: 1 },
    ),
    analysis: Strict({
      promote_probability: Share,
      keep_control_probability: Share,
      min_samples_per_arm: Type.Integer({ minimum: 1 }),
    }),
    rollback: Strict({
      max_error_rate_ratio: Type.Number({ exclusiveMinimum: 1 }),
      max_latency_ratio: Type.Number({ exclusiveMinimum: 1 }),
      max_accuracy_drop: Share,
    }),
  },
  { title: 'RolloutPolicy', description: 'The stages and judgements of a gradual rollout.' },
);
export type RolloutPolicy = Static<typeof RolloutPolicy>;

const Levels = Strict({ monitor: Type.Number(), warning: Type.Number(), critical: Type.Number() });

export const DriftPolicy = Strict(
  {
    ...recordHead('DriftPolicy'),
    schedule: Type.String({ minLength: 9, description: 'cron expression' }),
    window: Duration,
    psi: Levels,
    accuracy_drop: Levels,
    dataset_drift_share: Share,
  },
  { title: 'DriftPolicy', description: 'When inputs or accuracy have drifted, and how far.' },
);
export type DriftPolicy = Static<typeof DriftPolicy>;

export const RetrainingPolicy = Strict(
  {
    ...recordHead('RetrainingPolicy'),
    schedule: Type.String({ minLength: 9, description: 'cron expression' }),
    on_critical_drift: Type.Boolean(),
    warning_deadline: Duration,
    on_demand: Type.Boolean(),
    automated_bump: Type.Union([Type.Literal('minor'), Type.Literal('patch')]),
  },
  { title: 'RetrainingPolicy', description: 'When models are retrained, and how versions bump.' },
);
export type RetrainingPolicy = Static<typeof RetrainingPolicy>;
