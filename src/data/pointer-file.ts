import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import {
  editRecordText,
  loadRecord,
  stringifyRecord,
  type Dataset,
  type FieldEdit,
} from '../records/index.js';
import type { DataPointer } from './hash/ref.js';
import { detectFormat, describeTable } from './table/index.js';

/** Formats a pointer can name; tabular ones also get rows and columns. */
const TABULAR = new Set(['csv', 'parquet', 'arrow', 'jsonl']);

/**
 * A dataset name from a path: its file name without extension, lower-cased,
 * with anything outside `[a-z0-9_-]` made `-`.
 * @example
 * datasetName('datasets/Test Executions.csv') // 'test-executions'
 */
export function datasetName(path: string): string {
  const stem = basename(path, extname(path))
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '');
  return stem.slice(0, 63) || 'dataset';
}

/** What a file's or a directory's format is, for the pointer. */
export function formatOf(pointer: DataPointer): Dataset['format'] {
  if (pointer.dir) return 'directory';
  try {
    return detectFormat(pointer.path);
  } catch {
    return extname(pointer.path).toLowerCase() === '.json' ? 'json' : 'binary';
  }
}

/**
 * The Dataset record for a pointer: a new one, or the existing record with
 * only what describes the data changed (its expectations, description,
 * remote and lineage are kept), written so the diff shows just those lines.
 * Returns the record's text; rows and columns are read for tabular formats.
 */
export async function pointerRecordText(
  root: string,
  name: string,
  pointer: DataPointer,
  opts: { remote?: string; existing?: string } = {},
): Promise<string> {
  const format = formatOf(pointer);
  const facts: Partial<Dataset> = {
    path: pointer.path,
    hash: pointer.hash,
    size: pointer.size,
    files: pointer.files,
    format,
  };
  // rows and columns come from the file itself, when it is here to read
  if (TABULAR.has(format) && existsSync(join(root, pointer.path))) {
    const t = await describeTable(join(root, pointer.path), format as 'csv');
    facts.rows = t.rows;
    facts.columns = t.columns;
  }
  if (opts.existing !== undefined) {
    const edits: FieldEdit[] = Object.entries(facts).map(([k, value]) => ({ path: [k], value }));
    if (facts.rows === undefined)
      edits.push({ path: ['rows'], value: undefined }, { path: ['columns'], value: undefined });
    if (opts.remote) edits.push({ path: ['remote'], value: opts.remote });
    return editRecordText(opts.existing, edits);
  }
  return stringifyRecord({
    kind: 'Dataset',
    schema_version: 1,
    name,
    ...facts,
    ...(opts.remote ? { remote: opts.remote } : {}),
  });
}

/** Write a text file atomically: a temp beside it, then rename. */
export function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The text of `data/<name>.yaml` if it exists and is a Dataset. */
export function existingPointer(root: string, name: string): string | undefined {
  const path = join(root, 'data', `${name}.yaml`);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const r = loadRecord(`data/${name}.yaml`, Buffer.from(text));
  return r.ok ? text : undefined;
}

/**
 * Make git ignore a dataset's work-tree path (one `/path` line in the root
 * .gitignore), so the bytes are never committed. Returns whether it changed.
 */
export function gitIgnore(root: string, path: string): boolean {
  const file = join(root, '.gitignore');
  const line = `/${path}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = text.split(/\r?\n/);
  if (lines.includes(line) || lines.includes(path) || lines.includes(`${line}/`)) return false;
  writeAtomic(file, text + (text && !text.endsWith('\n') ? '\n' : '') + line + '\n');
  return true;
}
