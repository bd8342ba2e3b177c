/**
 * `checkDrift`: a model's production data against its training data. The columns are the
 * features the model trains through (its feature views), read one at a time from both samples;
 * each is judged by the test Evidently would choose (or the policy's), levelled by its PSI;
 * predictions and accuracy are judged when the current sample has them.
 */
import type { DataWorkspace } from '../data/index.js';
import { loadFeatureDefs, selectFeatures } from '../features/definitions.js';
import {
  durationMs,
  type Deployment,
  type DriftPolicy,
  type Model,
  type ModelVersion,
} from '../records/index.js';
import { readWorktreeRecord } from '../repo/index.js';
import { DriftError, currentSample, referenceSample, type Sample } from './inputs.js';
import { levelOf, worstLevel } from './levels.js';
import {
  columnDrift,
  columnNames,
  datasetDriftShare,
  readColumns,
  type ColumnValues,
} from './stats/index.js';
import type { ColumnDrift, DriftReport } from './types.js';

export interface DriftCheckOptions {
  root: string;
  ws: DataWorkspace;
  model: string;
  /** A dataset to compare against instead of the production version's training data. */
  reference?: string;
  /** A dataset or file instead of the production logs' window. */
  current?: string;
  /** The window of production logs (`24h`); the policy's by default. */
  window?: string;
  now: Date;
}

/** Where the model's predictions and outcomes are in a logged sample. */
export const PREDICTION_COLUMN = 'prediction';
const LABEL_COLUMNS = ['label', 'outcome', 'target'];

/**
 * Runs one drift check and returns its report; commits nothing.
 * @throws DriftError `NO_POLICY`, `NO_PRODUCTION`, `NO_REFERENCE`, `EMPTY_WINDOW`, `NO_COLUMNS`
 * @example
 * const report = await checkDrift({ root, ws, model: 'execution-agent', now: new Date() });
 * report.level // 'critical'
 */
export async function checkDrift(
  o: DriftCheckOptions,
): Promise<{ report: DriftReport; policy: DriftPolicy }> {
  const policy = readWorktreeRecord<DriftPolicy>(o.root, 'policies/drift.yaml');
  if (!policy)
    throw new DriftError('NO_POLICY', 'no policies/drift.yaml: nothing to judge drift by');
  const model = readWorktreeRecord<Model>(o.root, `registry/models/${o.model}/model.yaml`);
  if (!model) throw new DriftError('NO_PRODUCTION', `no model "${o.model}"`);
  const deployment = readWorktreeRecord<Deployment>(
    o.root,
    `registry/models/${o.model}/deployment.yaml`,
  );
  const version = deployment?.production ?? undefined;
  const production = version
    ? readWorktreeRecord<ModelVersion>(
        o.root,
        `registry/models/${o.model}/versions/${version}.yaml`,
      )
    : undefined;
  if (!production && !o.reference) {
    throw new DriftError(
      'NO_PRODUCTION',
      `${o.model} has no production version to compare against; name a --reference dataset`,
    );
  }
  const windowText = o.window ?? policy.window;
  const windowMs = durationMs(windowText);
  if (windowMs === null) throw new DriftError('EMPTY_WINDOW', `bad window "${windowText}"`);

  const reference = await referenceSample(o.ws, production!, o.reference);
  const current = await currentSample(o.ws, o.model, {
    ...(o.current ? { current: o.current } : {}),
    windowMs,
    now: o.now,
  });
  const names = featureColumns(o.root, model);
  const ref = await columnsOf(reference, [...names]);
  const cur = await columnsOf(current, [...names, PREDICTION_COLUMN, ...LABEL_COLUMNS]);
  const present = names.filter((n) => ref.has(n) && cur.has(n));
  if (!present.length) {
    throw new DriftError(
      'NO_COLUMNS',
      `none of ${o.model}'s features (${names.join(', ')}) is in both ${reference.name} and ${current.name}`,
    );
  }
  const options = { psiLevels: policy.psi };
  const columns: ColumnDrift[] = present.map((n) =>
    columnDrift(n, sample(ref.get(n)!), sample(cur.get(n)!), options),
  );
  const share = datasetDriftShare(columns, policy.dataset_drift_share);
  const accuracy = accuracyOf(cur, production?.metrics.accuracy, policy);
  const report: DriftReport = {
    model: o.model,
    ...(version ? { version } : {}),
    reference: { name: reference.name, rows: rows(ref) },
    current: {
      name: current.name,
      rows: rows(cur),
      ...(current.window ? { window: current.window } : {}),
    },
    columns,
    datasetDrift: share,
    ...(accuracy ? { accuracy } : {}),
    level: worstLevel([...columns.map((c) => c.level), ...(accuracy ? [accuracy.level] : [])]),
    at: o.now.toISOString(),
  };
  return { report, policy };
}

/** The features the model trains through; without feature views, its first dataset's columns. */
function featureColumns(root: string, model: Model): string[] {
  const refs = model.training.inputs.features ?? [];
  if (!refs.length) return [];
  const defs = loadFeatureDefs(root);
  return refs.flatMap((name) =>
    selectFeatures(
      defs,
      defs.services.some((s) => s.name === name) ? { service: name } : [name],
    ).flatMap((s) => s.features),
  );
}

async function columnsOf(s: Sample, names: string[]): Promise<Map<string, ColumnValues>> {
  const out = new Map<string, ColumnValues>();
  // the caller keeps the columns both samples have: read only those this file has
  const have = new Set(await columnNames(s.path, s.format));
  const wanted = names.filter((n) => have.has(n));
  for await (const c of readColumns(s.path, wanted, s.format)) out.set(c.name, c);
  return out;
}

function sample(c: ColumnValues): Float64Array | (string | null)[] {
  return c.numeric ?? c.categorical ?? [];
}

function rows(m: Map<string, ColumnValues>): number {
  const first = m.values().next().value;
  return first ? sample(first).length : 0;
}

/** Accuracy of the logged predictions against the logged outcomes, and its drop from training. */
function accuracyOf(
  cur: Map<string, ColumnValues>,
  trained: number | undefined,
  policy: DriftPolicy,
): DriftReport['accuracy'] {
  const predicted = cur.get(PREDICTION_COLUMN);
  const label = LABEL_COLUMNS.map((n) => cur.get(n)).find((c) => c !== undefined);
  if (!predicted || !label || trained === undefined) return undefined;
  const p = sample(predicted);
  const l = sample(label);
  let labelled = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const truth = l[i];
    if (truth === null || truth === undefined || (typeof truth === 'number' && Number.isNaN(truth)))
      continue;
    labelled++;
    if (String(p[i]) === String(truth)) right++;
  }
  if (labelled === 0) return undefined;
  const current = right / labelled;
  const drop = Math.max(0, (trained - current) / trained);
  return { reference: trained, current, drop, level: levelOf(drop, policy.accuracy_drop) };
}
