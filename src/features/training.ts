import type { DataWorkspace } from '../data/index.js';
import { readTable } from '../data/table/index.js';
import { prepareInputs } from '../tracking/inputs.js';
import { writeResultCsv } from './csv.js';
import { loadFeatureDefs, selectFeatures, type ViewSelection } from './definitions.js';
import { entityFrameFromTable, pointInTimeJoin, writeResult } from './join/index.js';
import { readViewSource } from './sources.js';

export interface TrainingFeatures {
  path: string;
  rows: number;
  columns: string[];
  /** The views read, with the features taken from each. */
  views: { view: string; features: string[] }[];
}

/**
 * A model's training table built through its feature views: the rows of its first input
 * dataset (the labelled events) are the entity rows, and every feature the model names is
 * joined onto them as of each row's time (the point-in-time join, so no row sees a value
 * logged after it). Columns of the labels dataset that a view provides are taken from the
 * view. Written beside the run as CSV when the labels are CSV (what simple trainers read),
 * else as Parquet. `names` are feature services or views (a view brings all its features).
 * @example
 * const t = await trainingFeatures(ws, root, ['test_execution_features'], 'test-executions', runDir);
 * env.MLOPS_FEATURES = t.path;
 */
export async function trainingFeatures(
  ws: DataWorkspace,
  root: string,
  names: readonly string[],
  labels: string,
  dir: string,
): Promise<TrainingFeatures> {
  const defs = loadFeatureDefs(root);
  const selection: ViewSelection[] = names.flatMap((name) =>
    defs.services.some((s) => s.name === name)
      ? selectFeatures(defs, { service: name })
      : selectFeatures(defs, [name]),
  );
  const [input] = await prepareInputs(ws, [labels]);
  const table = await readTable(input!.path);
  const provided = new Set(selection.flatMap((s) => s.features));
  const keep = table.schema.fields.map((f) => f.name).filter((n) => !provided.has(n));
  const entities = entityFrameFromTable(
    table.select(keep),
    selection[0]!.view.source.timestamp_field,
  );
  const views = [];
  for (const s of selection) {
    views.push({ view: await readViewSource(ws, s), ttlMs: s.ttlMs, features: s.features });
  }
  const result = pointInTimeJoin(entities, views);
  const csv = input!.path.endsWith('.csv');
  const path = `${dir}/features.${csv ? 'csv' : 'parquet'}`;
  if (csv) await writeResultCsv(path, result);
  else await writeResult(path, result);
  return {
    path,
    rows: result.length,
    columns: result.columns.map((c) => c.name),
    views: selection.map((s) => ({ view: s.view.name, features: s.features })),
  };
}
