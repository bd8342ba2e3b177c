import { Type, type Static } from '@sinclair/typebox';
import { Name, SemVer, Strict, Timestamp, recordHead } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const RolloutDecision = Strict({
  action: Type.Union([
    Type.Literal('start'),
    Type.Literal('continue'),
    Type.Literal('advance'),
    Type.Literal('promote'),
    Type.Literal('rollback'),
    Type.Literal('abort'),
  ]),
  at: Timestamp,
  reason: Type.String(),
});

export const RolloutStatus = Strict({
  id: Type.String({ minLength: 1 }),
  baseline: Nullable(SemVer),
  candidate: SemVer,
  step: Type.Integer({ minimum: 0 }),
  weight: Type.Number({ minimum: 0, maximum: 100 }),
  since: Timestamp,
  failures: Type.Integer({ minimum: 0 }),
  last_decision: Type.Optional(RolloutDecision),
});

export const Deployment = Strict(
  {
    ...recordHead('Deployment'),
    model: Name,
    production: Nullable(SemVer),
    candidate: Nullable(SemVer),
    archived: Type.Array(SemVer, { uniqueItems: true }),
    rejected: Type.Array(
      Strict({
        version: SemVer,
        reason: Type.String({ minLength: 1 }),
        at: Type.Optional(Timestamp),
      }),
    ),
    rollout: Nullable(RolloutStatus),
  },
  {
    title: 'Deployment',
    description: 'The one moving pointer of a model: which version is where.',
  },
);
export type Deployment = Static<typeof Deployment>;
