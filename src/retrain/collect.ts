import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataWorkspace } from '../data/index.js';
import { readLogWindow } from '../drift/logs.js';
import type { Dataset } from '../records/index.js';
import { readWorktreeRecord } from '../repo/index.js';

/**
 * Appends a model's labelled production rows to its training dataset's file: a logged row is
 * labelled when it has a value for every column of the dataset (the outcome arrives after the
 * prediction), columns are matched by name (the log's `prediction` is left out), and a row
 * the file already has is not added twice, so collecting again adds only what is new. The
 * caller then re-adds the file (`mlops data add`), which makes the next version.
 */
export async function collectLoggedRows(
  root: string,
  model: string,
  dataset: string,
  env: Record<string, string | undefined> = {},
): Promise<{ path: string; added: number; rows: number; files: number; previous: string }> {
  const d = readWorktreeRecord<Dataset>(root, `data/${dataset}.yaml`);
  if (!d) throw new Error(`no dataset "${dataset}" (data/${dataset}.yaml)`);
  if (d.format !== 'csv')
    throw new Error(`${dataset} is ${d.format}: collecting logs into it needs CSV`);
  const file = join(root, d.path);
  const text = readFileSync(file, 'utf8');
  const [header = '', ...existing] = text.trimEnd().split(/\r?\n/);
  const columns = header.split(',');
  const ws = new DataWorkspace(root, env);
  try {
    const { store } = ws.store(d.remote);
    const logs = await readLogWindow(store, model, { from: new Date(0), to: new Date(8.64e15) });
    if (logs.rows === 0)
      return { path: d.path, added: 0, rows: existing.length, files: 0, previous: text };
    const [logHeader = '', ...logged] = logs.csv.trimEnd().split('\n');
    const at = columns.map((c) => logHeader.split(',').indexOf(c));
    const missing = columns.filter((_, i) => at[i] === -1);
    if (missing.length)
      throw new Error(`the production logs of ${model} lack ${missing.join(', ')} of ${dataset}`);
    const have = new Set(existing);
    const added: string[] = [];
    for (const line of logged) {
      const cells = line.split(',');
      const row = at.map((i) => cells[i] ?? '');
      if (row.some((v) => v === '')) continue; // not labelled yet
      const joined = row.join(',');
      if (have.has(joined)) continue;
      have.add(joined);
      added.push(joined);
    }
    if (added.length) writeFileSync(file, `${[header, ...existing, ...added].join('\n')}\n`);
    return {
      path: d.path,
      added: added.length,
      rows: existing.length + added.length,
      files: logs.files.length,
      previous: text,
    };
  } finally {
    ws.close();
  }
}
