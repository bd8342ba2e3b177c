/**
 * JSON Lines → Arrow. Each non-blank line is one JSON object; the columns are the union of
 * the keys in order of first appearance, a key absent from a line is null there.
 *
 * Types: booleans only → bool; integers only (safe integers) → int64; numbers → float64;
 * strings that are all ISO-8601 timestamps → timestamp; anything else, or a mix (say numbers
 * and strings), → string, with numbers and booleans as JSON writes them and objects and
 * arrays as their JSON text. A line that is not a JSON object is a `path:line:col: jsonl:`
 * error.
 */
import type { RecordBatch } from 'apache-arrow';
import {
  ColumnInference,
  buildBatch,
  emptyBatch,
  inferredSchema,
  type ColumnKind,
  type RawValue,
} from './columns.js';
import { TEXT_BATCH_ROWS, textChunks } from './csv.js';
import { TableError } from './errors.js';

/** Each line of a text file with its 1-based number (LF or CRLF endings). */
async function* lines(file: string): AsyncGenerator<[string, number]> {
  let partial: string[] = [];
  let line = 0;
  for await (const chunk of textChunks(file, 'jsonl')) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      partial.push(chunk.slice(from, nl));
      const text = partial.length === 1 ? partial[0]! : partial.join('');
      partial = [];
      from = nl + 1;
      yield [text.endsWith('\r') ? text.slice(0, -1) : text, ++line];
    }
    if (from < chunk.length) partial.push(chunk.slice(from));
  }
  if (partial.length) {
    const text = partial.join('');
    yield [text.endsWith('\r') ? text.slice(0, -1) : text, ++line];
  }
}

/** The objects of a JSON Lines file with their line numbers; blank lines skipped. */
async function* objects(file: string): AsyncGenerator<[Record<string, unknown>, number]> {
  for await (const [raw, line] of lines(file)) {
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const pos = /position (\d+)/.exec(message);
      const col = pos ? Number(pos[1]) + 1 : 1;
      throw new TableError('JSONL_SYNTAX', file, 'jsonl', `invalid JSON: ${message}`, {
        line,
        col,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      throw new TableError('JSONL_SYNTAX', file, 'jsonl', `expected a JSON object, got ${got}`, {
        line,
        col: text.length - text.trimStart().length + 1,
      });
    }
    yield [value as Record<string, unknown>, line];
  }
}

interface JsonlShape {
  names: string[];
  kinds: ColumnKind[];
  rows: number;
}

/** One pass: the columns (keys in order of first appearance), their types, the row count. */
export async function scanJsonl(file: string): Promise<JsonlShape> {
  const index = new Map<string, number>();
  const inference: ColumnInference[] = [];
  let rows = 0;
  for await (const [obj] of objects(file)) {
    rows++;
    for (const key in obj) {
      let c = index.get(key);
      if (c === undefined) {
        c = inference.length;
        index.set(key, c);
        inference.push(new ColumnInference());
      }
      const v = obj[key];
      if (v !== null && v !== undefined) inference[c]!.json(v);
    }
  }
  return { names: [...index.keys()], kinds: inference.map((i) => i.kind()), rows };
}

/**
 * Streams a JSON Lines file as record batches in two passes: the first finds the columns and
 * their types (and any bad line before a batch is yielded), the second builds batches.
 */
export async function* readJsonlBatches(
  file: string,
  batchRows = TEXT_BATCH_ROWS,
): AsyncGenerator<RecordBatch> {
  const shape = await scanJsonl(file);
  const schema = inferredSchema(shape.names, shape.kinds);
  if (shape.rows === 0) {
    yield emptyBatch(schema);
    return;
  }
  const names = shape.names;
  let columns: RawValue[][] = names.map(() => []);
  let filled = 0;
  for await (const [obj] of objects(file)) {
    for (let c = 0; c < names.length; c++) {
      const name = names[c]!;
      columns[c]!.push(Object.hasOwn(obj, name) ? obj[name] : null);
    }
    if (++filled === batchRows) {
      yield buildBatch(schema, shape.kinds, columns, 0, filled);
      columns = names.map(() => []);
      filled = 0;
    }
  }
  if (filled) yield buildBatch(schema, shape.kinds, columns, 0, filled);
}
