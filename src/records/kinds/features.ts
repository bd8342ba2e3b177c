import { Type, type Static } from '@sinclair/typebox';
import { Duration, Name, Strict, recordHead } from './common.js';

export const ValueType = Type.Union(
  ['string', 'int32', 'int64', 'float32', 'float64', 'bool', 'bytes', 'unix_timestamp'].map((t) =>
    Type.Literal(t),
  ),
);

export const Entity = Strict(
  {
    ...recordHead('Entity'),
    name: Name,
    description: Type.Optional(Type.String()),
    join_keys: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true }),
    value_type: ValueType,
  },
  { title: 'Entity', description: 'What features are about, and the keys that join them.' },
);
export type Entity = Static<typeof Entity>;

export const FeatureView = Strict(
  {
    ...recordHead('FeatureView'),
    name: Name,
    description: Type.Optional(Type.String()),
    entities: Type.Array(Name, { minItems: 1, uniqueItems: true }),
    schema: Type.Array(
      Strict({ name: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), dtype: ValueType }),
      {
        minItems: 1,
      },
    ),
    source: Strict({
      dataset: Name,
      timestamp_field: Type.String({ minLength: 1 }),
      created_timestamp_field: Type.Optional(Type.String({ minLength: 1 })),
    }),
    ttl: Duration,
    online: Type.Boolean(),
  },
  { title: 'FeatureView', description: 'A group of features read from one source, Feast style.' },
);
export type FeatureView = Static<typeof FeatureView>;

export const FeatureService = Strict(
  {
    ...recordHead('FeatureService'),
    name: Name,
    description: Type.Optional(Type.String()),
    features: Type.Array(
      Strict({
        view: Name,
        features: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
      }),
      { minItems: 1 },
    ),
  },
  { title: 'FeatureService', description: 'The features one model consumes.' },
);
export type FeatureService = Static<typeof FeatureService>;
