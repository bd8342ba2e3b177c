import { Type, type Static } from '@sinclair/typebox';
import { check } from '../field-checks.js';
import { CronSchedule, Duration, Handle, Strict, recordHead } from './common.js';

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
      high_risk_paths: Type.Array(
        Type.String({
          minLength: 1,
          description:
            'a folder (policies/: everything under it), a path, or a glob (policies/*.yaml), dot files included',
          ...check('path-pattern'),
        }),
      ),
    }),
    approval: Strict({
      auto_approve_low_risk: Type.Boolean(),
      approvers: Type.Array(Handle, { minItems: 1, uniqueItems: true }),
      required_approvals: Type.Integer({ minimum: 1 }),
      training_identity: Type.Optional(
        Type.String({
          pattern: '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\\[bot\\])?$',
          description:
            'the forge login that registers versions (the train workflow commits as it; default mlops-bot): a version registered by anyone else is high risk',
        }),
      ),
    }),
  },
  { title: 'GovernancePolicy', description: 'The checks and approvals a promotion must pass.' },
);
export type GovernancePolicy = Static<typeof GovernancePolicy>;

const Template = Type.String({
  minLength: 1,
  description:
    'placeholders: {model}, {arm} (baseline or candidate), {version}, {window} (e.g. 3600s)',
});

/** Where a rollout's per-arm metrics come from (src/rollout/metrics). */
export const RolloutMetrics = Type.Union([
  Strict(
    {
      provider: Type.Literal('file'),
      prefix: Type.Optional(
        Type.String({
          minLength: 1,
          description:
            'key prefix on the data remote; buckets live under <prefix>/<model>/<rollout id>/ (default metrics)',
        }),
      ),
      remote: Type.Optional(
        Type.String({ minLength: 1, description: 'default: the default remote' }),
      ),
    },
    { description: 'per-arm counters and latency histograms as JSONL in storage' },
  ),
  Strict(
    {
      provider: Type.Literal('prometheus'),
      url: Type.String({
        minLength: 1,
        description: 'the Prometheus server, e.g. http://prometheus:9090',
      }),
      queries: Strict({
        requests: Template,
        errors: Template,
        latency_p95_ms: Template,
        labelled: Type.Optional(Template),
        correct: Type.Optional(Template),
      }),
    },
    { description: 'PromQL templates evaluated over the HTTP API, one per figure and arm' },
  ),
]);
export type RolloutMetrics = Static<typeof RolloutMetrics>;

/** The traffic configuration rendered from the rollout state (src/rollout/traffic). */
export const RolloutTraffic = Strict({
  dir: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'where the configs are written; default registry/models/{model}/traffic',
    }),
  ),
  nginx: Type.Optional(
    Strict({
      key: Type.Optional(Type.String({ pattern: '^\\$[A-Za-z_][A-Za-z0-9_]*$' })),
      control: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      candidate: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    }),
  ),
  envoy: Type.Optional(
    Strict({
      control: Type.String({ minLength: 1 }),
      candidate: Type.String({ minLength: 1 }),
      prefix: Type.Optional(Type.String({ minLength: 1 })),
    }),
  ),
});
export type RolloutTraffic = Static<typeof RolloutTraffic>;

export const RolloutPolicy = Strict(
  {
    ...recordHead('RolloutPolicy'),
    stages: Type.Array(
      Strict({
        weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
        hold: Type.Optional(Duration),
      }),
      { minItems: 1, description: 'weights that rise from stage to stage', ...check('stages') },
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
    metrics: Type.Optional(RolloutMetrics),
    traffic: Type.Optional(RolloutTraffic),
  },
  { title: 'RolloutPolicy', description: 'The stages and judgements of a gradual rollout.' },
);
export type RolloutPolicy = Static<typeof RolloutPolicy>;

const Levels = Strict({ monitor: Type.Number(), warning: Type.Number(), critical: Type.Number() });

export const DriftPolicy = Strict(
  {
    ...recordHead('DriftPolicy'),
    schedule: CronSchedule,
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
    schedule: CronSchedule,
    on_critical_drift: Type.Boolean(),
    warning_deadline: Duration,
    on_demand: Type.Boolean(),
    automated_bump: Type.Union([Type.Literal('minor'), Type.Literal('patch')]),
  },
  { title: 'RetrainingPolicy', description: 'When models are retrained, and how versions bump.' },
);
export type RetrainingPolicy = Static<typeof RetrainingPolicy>;
