/**
 * CSV (RFC 4180) → Arrow. A resumable tokenizer takes the file in chunks of any size, so a
 * record, a field or a CRLF may straddle two chunks, and a large file is never held whole.
 *
 * Accepted: a header row; `,` between fields; CRLF, LF or a lone CR ending a record; fields in
 * double quotes may hold commas, line breaks and `""` (one quote). Also accepted, as pandas
 * does: a UTF-8 BOM, a missing line break at the end, blank lines (skipped), and a quote
 * inside an unquoted field (kept as a character). Refused with `path:line:col: csv: …`: a row
 * whose field count differs from the header's, a quoted field never closed, anything but `,`
 * or a line break after a closing quote, a duplicate column name. An empty header name
 * becomes `Unnamed: <index>` (pandas' name for the index column it writes). An empty file
 * is a table with no columns and no rows.
 *
 * Every empty field, quoted or not, is null (pandas' default). Column types are inferred
 * from all values (see {@link ColumnInference}).
 */
import type { RecordBatch } from 'apache-arrow';
import {
  ColumnInference,
  buildBatch,
  emptyBatch,
  inferredSchema,
  type ColumnKind,
} from './columns.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import { TableError } from './errors.js';
import { TEXT_BATCH_ROWS, textChunks } from './text-chunks.js';

export { CsvTokenizer, type RecordSink } from './csv-tokenizer.js';
export { TEXT_BATCH_ROWS, textChunks } from './text-chunks.js';

/** Feeds the whole file to `tokenizer` and ends it. */
async function tokenizeFile(file: string, tokenizer: CsvTokenizer): Promise<void> {
  for await (const chunk of textChunks(file, 'csv')) tokenizer.push(chunk);
  tokenizer.end();
}

/** Reads the header: column names, `Unnamed: i` for empty ones, duplicates refused. */
function headerNames(file: string, fields: (string | null)[], line: number): string[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    const name = f ?? `Unnamed: ${i}`;
    const before = seen.get(name);
    if (before !== undefined) {
      throw new TableError(
        'CSV_SYNTAX',
        file,
        'csv',
        `duplicate column name ${JSON.stringify(name)} (columns ${before + 1} and ${i + 1})`,
        { line, col: 1 },
      );
    }
    seen.set(name, i);
    return name;
  });
}

/** What a first pass over a CSV file learns: names, inferred kinds and the row count. */
export interface CsvShape {
  names: string[];
  kinds: ColumnKind[];
  rows: number;
}

/**
 * One pass over the file without keeping values: the header, each column's inferred type
 * and the number of data rows. Throws a `CSV_SYNTAX` {@link TableError} for bad input.
 */
export async function scanCsv(file: string): Promise<CsvShape> {
  let names: string[] | undefined;
  let inference: ColumnInference[] = [];
  let rows = 0;
  const tokenizer = new CsvTokenizer(file, (fields, line) => {
    if (!names) {
      names = headerNames(file, fields, line);
      inference = names.map(() => new ColumnInference());
      tokenizer.width = names.length;
      return;
    }
    rows++;
    for (let c = 0; c < fields.length; c++) {
      const v = fields[c]!;
      if (v !== null) inference[c]!.text(v);
    }
  });
  await tokenizeFile(file, tokenizer);
  return { names: names ?? [], kinds: inference.map((i) => i.kind()), rows };
}

/**
 * Streams a CSV file as record batches in two passes: the first infers the column types
 * (and finds any syntax error before a batch is yielded), the second builds batches of
 * `batchRows` rows. Memory stays at about one batch.
 */
export async function* readCsvBatches(
  file: string,
  batchRows = TEXT_BATCH_ROWS,
): AsyncGenerator<RecordBatch> {
  const shape = await scanCsv(file);
  const schema = inferredSchema(shape.names, shape.kinds);
  if (shape.rows === 0) {
    yield emptyBatch(schema);
    return;
  }
  const width = shape.names.length;
  let columns: (string | null)[][] = shape.names.map(() => []);
  let header = true;
  let filled = 0;
  const ready: RecordBatch[] = [];
  const tokenizer = new CsvTokenizer(file, (fields) => {
    if (header) {
      header = false;
      tokenizer.width = width;
      return;
    }
    for (let c = 0; c < width; c++) columns[c]!.push(fields[c]!);
    if (++filled === batchRows) {
      ready.push(buildBatch(schema, shape.kinds, columns, 0, filled));
      columns = shape.names.map(() => []);
      filled = 0;
    }
  });
  for await (const chunk of textChunks(file, 'csv')) {
    tokenizer.push(chunk);
    while (ready.length) yield ready.shift()!;
  }
  tokenizer.end();
  while (ready.length) yield ready.shift()!;
  if (filled) yield buildBatch(schema, shape.kinds, columns, 0, filled);
}
