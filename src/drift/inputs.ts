/**
 * Where a drift check's two samples come from. Reference: the data the production version was
 * trained on, by the hash its lineage records (from the cache, pulled when missing), so a newer
 * export in the work tree never stands in for it. Current: a dataset, a file, or by default a
 * window of the model's production logs on the data remote.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pointerRef, pull, type DataWorkspace } from '../data/index.js';
import type { Dataset, ModelVersion } from '../records/index.js';
import type { TableFormat } from '../data/table/index.js';
import { readWorktreeRecord } from '../repo/index.js';
import { prepareInputs } from '../tracking/inputs.js';
import { readLogWindow } from './logs.js';

/** A drift check that cannot run as asked: the message says what is missing. */
export class DriftError extends Error {
  override name = 'DriftError';
  constructor(
    readonly code: 'NO_PRODUCTION' | 'NO_REFERENCE' | 'EMPTY_WINDOW' | 'NO_COLUMNS' | 'NO_POLICY',
    message: string,
  ) {
    super(message);
  }
}

export interface Sample {
  /** What it is, for the report: a dataset name, a file, or `logs <from>..<to>`. */
  name: string;
  path: string;
  /** The table format, when the path does not say it (a cache object has no extension). */
  format?: TableFormat;
  window?: { from: string; to: string };
}

/**
 * The reference sample: a named dataset as committed, or the production version's training
 * data by the hash its lineage records.
 */
export async function referenceSample(
  ws: DataWorkspace,
  production: ModelVersion,
  named?: string,
): Promise<Sample> {
  if (named) {
    const [input] = await prepareInputs(ws, [named]);
    return { name: named, path: input!.path };
  }
  const d = production.lineage.datasets[0];
  if (!d) {
    throw new DriftError(
      'NO_REFERENCE',
      `${production.model} ${production.version} records no training dataset in its lineage; name one with --reference`,
    );
  }
  const ref = pointerRef({ hash: d.hash, dir: false });
  if (!(await ws.cache.has(ref))) {
    const { store } = ws.store();
    const r = await pull(ws.cache, store, [ref]);
    if (r.failed.length) {
      throw new DriftError(
        'NO_REFERENCE',
        `${d.name} ${d.hash} (the training data of ${production.version}) is neither cached nor on the remote: ${r.failed[0]!.message}`,
      );
    }
  }
  const pointer = readWorktreeRecord<Dataset>(ws.root, `data/${d.name}.yaml`);
  const format =
    pointer?.format && pointer.format !== 'directory' ? (pointer.format as TableFormat) : undefined;
  return {
    name: `${d.name} (${d.hash.slice(0, 19)}…, the training data of ${production.version})`,
    path: ws.cache.path(ref),
    ...(format ? { format } : {}),
  };
}

/**
 * The current sample: a file, a dataset, or the model's production logs over `[now -
 * window, now)`, written to a temporary CSV.
 * @throws DriftError `EMPTY_WINDOW` when the window holds no logged rows
 */
export async function currentSample(
  ws: DataWorkspace,
  model: string,
  opts: { current?: string; windowMs: number; now: Date },
): Promise<Sample> {
  const c = opts.current;
  if (c) {
    const file = isAbsolute(c) ? c : resolve(ws.root, c);
    if (existsSync(file)) return { name: c, path: file };
    const [input] = await prepareInputs(ws, [c]);
    return { name: c, path: input!.path };
  }
  const from = new Date(opts.now.getTime() - opts.windowMs);
  const { store } = ws.store();
  const logs = await readLogWindow(store, model, { from, to: opts.now });
  const window = { from: from.toISOString(), to: opts.now.toISOString() };
  if (logs.rows === 0) {
    throw new DriftError(
      'EMPTY_WINDOW',
      `no production rows of ${model} were logged in [${window.from}, ${window.to}) under logs/${model}/ on ${store.description}: nothing to compare`,
    );
  }
  const path = join(await mkdtemp(join(tmpdir(), 'mlops-drift-')), 'current.csv');
  await writeFile(path, logs.csv);
  return {
    name: `production logs ${window.from} → ${window.to} (${logs.files.length} files)`,
    path,
    window,
  };
}
