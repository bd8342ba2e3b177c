import { Type, type Static } from '@sinclair/typebox';
import { check } from '../field-checks.js';
import { ContentHash, Name, RepoPath, Strict, recordHead } from './common.js';

const Mostly = Type.Optional(
  Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'share that must pass: of non-null values, or of all rows for not_null',
  }),
);
const Column = Type.String({ minLength: 1 });

function expectation<K extends string, P extends Parameters<typeof Type.Object>[0]>(
  type: K,
  props: P,
) {
  return Strict({ type: Type.Literal(type), ...props });
}

const expectationKinds = [
  expectation('not_null', { column: Column, mostly: Mostly }),
  expectation('between', {
    column: Column,
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    strict_min: Type.Optional(Type.Boolean()),
    strict_max: Type.Optional(Type.Boolean()),
    mostly: Mostly,
  }),
  expectation('in_set', {
    column: Column,
    values: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
      minItems: 1,
    }),
    mostly: Mostly,
  }),
  expectation('unique', { column: Column, mostly: Mostly }),
  expectation('match_regex', {
    column: Column,
    regex: Type.String({
      minLength: 1,
      description: 'RE2 syntax (no backreferences or lookaround), found anywhere in the value',
      ...check('regex'),
    }),
    mostly: Mostly,
  }),
  expectation('row_count_between', {
    min: Type.Optional(Type.Integer({ minimum: 0 })),
    max: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  expectation('mean_between', {
    column: Column,
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  }),
] as const;

type ExpectationUnion = ReturnType<typeof Type.Union<[...typeof expectationKinds]>>;
/**
 * One expectation, Great Expectations style. Emitted as `oneOf` with a
 * discriminator on `type` so a mistake is reported against the right kind.
 */
export const Expectation = Type.Unsafe<Static<ExpectationUnion>>({
  oneOf: expectationKinds,
  discriminator: { propertyName: 'type' },
  required: ['type'],
  type: 'object',
});
export type Expectation = Static<ExpectationUnion>;

export const DataFormat = Type.Union(
  ['csv', 'parquet', 'arrow', 'json', 'jsonl', 'directory', 'binary'].map((f) => Type.Literal(f)),
);

export const Dataset = Strict(
  {
    ...recordHead('Dataset'),
    name: Name,
    description: Type.Optional(Type.String()),
    path: RepoPath,
    hash: ContentHash,
    size: Type.Integer({ minimum: 0 }),
    files: Type.Integer({ minimum: 1 }),
    format: DataFormat,
    rows: Type.Optional(Type.Integer({ minimum: 0 })),
    columns: Type.Optional(
      Type.Array(
        Strict({ name: Type.String({ minLength: 1 }), type: Type.String({ minLength: 1 }) }),
      ),
    ),
    remote: Type.Optional(Name),
    lineage: Type.Optional(
      Strict({
        derived_from: Type.Optional(Type.Array(Name)),
        command: Type.Optional(Type.String()),
      }),
    ),
    expectations: Type.Optional(Type.Array(Expectation)),
  },
  { title: 'Dataset', description: 'A pointer to versioned data, named by its content hash.' },
);
export type Dataset = Static<typeof Dataset>;

const LocalRemote = Strict({ type: Type.Literal('local'), path: Type.String({ minLength: 1 }) });
const S3Remote = Strict({
  type: Type.Literal('s3'),
  bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' }),
  prefix: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  endpoint: Type.Optional(Type.String({ pattern: '^https?://' })),
  path_style: Type.Optional(Type.Boolean()),
});
type RemoteUnion = ReturnType<typeof Type.Union<[typeof LocalRemote, typeof S3Remote]>>;
export const Remote = Type.Unsafe<Static<RemoteUnion>>({
  oneOf: [LocalRemote, S3Remote],
  discriminator: { propertyName: 'type' },
  required: ['type'],
  type: 'object',
});
export type Remote = Static<RemoteUnion>;

export const Remotes = Strict(
  {
    ...recordHead('Remotes'),
    default: Name,
    hash_algorithm: Type.Optional(
      Type.Union([Type.Literal('sha256'), Type.Literal('md5')], {
        description:
          'how new pointers name content: sha256 (default), or md5 to share a DVC remote',
      }),
    ),
    remotes: Type.Record(Name, Remote),
  },
  { title: 'Remotes', description: 'Named storage remotes for data and artifacts.' },
);
export type Remotes = Static<typeof Remotes>;

export { RepoPath };
