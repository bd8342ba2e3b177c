import { Type, type Static } from '@sinclair/typebox';
import { Name, SemVer, Strict, Timestamp, recordHead } from './common.js';

const Level = Type.Union(
  (['ok', 'monitor', 'warning', 'critical'] as const).map((l) => Type.Literal(l)),
);

export const DriftStatus = Strict(
  {
    ...recordHead('DriftStatus'),
    model: Name,
    /** The production version the check judged (its training data is the reference). */
    version: Type.Optional(SemVer),
    level: Level,
    /** When the model entered this level. */
    since: Timestamp,
    /** The check that set it. */
    checked_at: Timestamp,
    reference: Strict({ name: Type.String({ minLength: 1 }), rows: Type.Integer({ minimum: 0 }) }),
    current: Strict({
      name: Type.String({ minLength: 1 }),
      rows: Type.Integer({ minimum: 0 }),
      from: Type.Optional(Timestamp),
      to: Type.Optional(Timestamp),
    }),
    /** PSI of each column that is not ok, worst first. */
    drifted: Type.Array(
      Strict({
        column: Type.String({ minLength: 1 }),
        psi: Type.Number({ minimum: 0 }),
        level: Level,
      }),
    ),
    dataset_drift_share: Type.Number({ minimum: 0, maximum: 1 }),
    accuracy_drop: Type.Optional(Type.Number()),
    /** What the level called for: nothing, an issue, or a retraining. */
    action: Type.Union([Type.Literal('none'), Type.Literal('issue'), Type.Literal('retrain')]),
    reason: Type.String({ minLength: 1 }),
  },
  {
    title: 'DriftStatus',
    description:
      'The drift level of a model, committed only when it changes: git history is the drift timeline.',
  },
);
export type DriftStatus = Static<typeof DriftStatus>;
