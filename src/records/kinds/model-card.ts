import { Type, type Static } from '@sinclair/typebox';
import { ContentHash, Handle, Name, SemVer, Strict, recordHead } from './common.js';

const Texts = Type.Array(Type.String({ minLength: 1 }));
const DataRef = Strict({
  dataset: Name,
  hash: ContentHash,
  description: Type.Optional(Type.String()),
});

/** The sections of "Model Cards for Model Reporting" (Mitchell et al., 2019). */
export const ModelCard = Strict(
  {
    ...recordHead('ModelCard'),
    model: Name,
    version: SemVer,
    model_details: Strict({
      description: Type.String({ minLength: 1 }),
      architecture: Type.String({ minLength: 1 }),
      framework: Type.String({ minLength: 1 }),
      owners: Type.Array(Handle, { minItems: 1 }),
      date: Type.String({ format: 'date' }),
      license: Type.Optional(Type.String()),
      references: Type.Optional(Texts),
    }),
    intended_use: Strict({
      primary_uses: Texts,
      primary_users: Texts,
      out_of_scope: Texts,
    }),
    factors: Texts,
    metrics: Type.Array(
      Strict({
        name: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
        value: Type.Number(),
        threshold: Type.Optional(Type.Number()),
        direction: Type.Optional(Type.Union([Type.Literal('min'), Type.Literal('max')])),
        slice: Type.Optional(Type.String()),
      }),
    ),
    evaluation_data: Type.Array(DataRef),
    training_data: Type.Array(DataRef),
    limitations: Texts,
    ethical_considerations: Texts,
    caveats: Type.Optional(Texts),
    retraining: Strict({
      schedule: Type.String(),
      triggers: Texts,
    }),
  },
  { title: 'ModelCard', description: 'The model card of one version; immutable.' },
);
export type ModelCard = Static<typeof ModelCard>;
