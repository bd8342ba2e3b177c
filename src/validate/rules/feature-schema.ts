import {
  finding,
  type Dataset,
  type Entity,
  type FeatureView,
  type Finding,
} from '../../records/index.js';
import type { RecordRule } from './rule.js';

/**
 * The column types (as Dataset pointers name them, see `typeName` in src/data/table) a
 * declared feature type can be read from without losing meaning: integers widen, floats take
 * integers too, a timestamp feature takes a timestamp, a date or epoch integers.
 */
const READS_FROM: Record<string, (column: string) => boolean> = {
  string: (c) => c === 'string',
  bytes: (c) => c === 'binary' || c === 'string',
  bool: (c) => c === 'bool',
  int32: (c) => /^(u?int(8|16)|int32)$/.test(c),
  int64: (c) => /^(u?int(8|16|32)|int64)$/.test(c),
  float32: (c) => /^(float(16|32)|u?int(8|16))$/.test(c),
  float64: (c) => /^(float(16|32|64)|u?int(8|16|32|64)|decimal\(.*\))$/.test(c),
  unix_timestamp: (c) => c === 'timestamp' || c === 'date' || /^u?int(32|64)$/.test(c),
};

/** The schema allows only the types above; anything else reads from nothing. */
const readsFrom = (t: string) => READS_FROM[t] ?? (() => false);

const TIME_COLUMN = (c: string) => c === 'timestamp' || c === 'date';

/**
 * A FeatureView's source must hold what the view says it reads, by the column schema its
 * Dataset pointer records: every feature with a compatible type, each entity's join keys
 * (typed as the entity says), the event timestamp field and the created timestamp field as
 * timestamps. A pointer that records no columns cannot vouch for any of it: that is an error
 * too (`mlops data add` records them for CSV, Parquet, Arrow and JSON Lines).
 */
export const featureSchema: RecordRule = async (rec, tree) => {
  if (rec.kind !== 'FeatureView') return [];
  const v = rec.value as unknown as FeatureView;
  const dataset = (await tree.record(`data/${v.source.dataset}.yaml`))?.value as unknown as
    Dataset | undefined;
  if (!dataset) return []; // the references rule names a missing dataset
  const out: Finding[] = [];
  const at = (path: (string | number)[], message: string) =>
    out.push(finding(rec.path, rec.locate(path), 'feature-schema', message));
  if (!dataset.columns?.length) {
    at(
      ['source', 'dataset'],
      `dataset ${dataset.name} records no column schema to check the view against (re-add it with mlops data add ${dataset.path})`,
    );
    return out;
  }
  const columns = new Map(dataset.columns.map((c) => [c.name, c.type]));
  const has = `(${dataset.name} has: ${dataset.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`;
  const check = (
    path: (string | number)[],
    what: string,
    name: string,
    ok: (c: string) => boolean,
    want: string,
  ) => {
    const type = columns.get(name);
    if (type === undefined)
      at(path, `${what} "${name}" is not a column of dataset ${dataset.name} ${has}`);
    else if (!ok(type))
      at(path, `${what} "${name}" is ${want}, but dataset ${dataset.name} has it as ${type}`);
  };
  v.schema.forEach((f, i) =>
    check(['schema', i, 'dtype'], 'feature', f.name, readsFrom(f.dtype), f.dtype),
  );
  check(
    ['source', 'timestamp_field'],
    'timestamp field',
    v.source.timestamp_field,
    TIME_COLUMN,
    'a timestamp',
  );
  if (v.source.created_timestamp_field) {
    check(
      ['source', 'created_timestamp_field'],
      'created timestamp field',
      v.source.created_timestamp_field,
      TIME_COLUMN,
      'a timestamp',
    );
  }
  for (const [i, name] of v.entities.entries()) {
    const entity = (await tree.record(`registry/features/${name}.yaml`))?.value as unknown as
      Entity | undefined;
    if (entity?.kind !== 'Entity') continue; // the references rule names it
    for (const key of entity.join_keys) {
      check(
        ['entities', i],
        `join key of entity ${name}`,
        key,
        readsFrom(entity.value_type),
        entity.value_type,
      );
    }
  }
  return out;
};
