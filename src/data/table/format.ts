import { extname } from 'node:path';
import { TableError } from './errors.js';

/** The tabular formats `readTable` reads. */
export type TableFormat = 'csv' | 'parquet' | 'arrow' | 'jsonl';

/** Extension (lower case, with the dot) → format. */
export const TABLE_EXTENSIONS: Readonly<Record<string, TableFormat>> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * The format of a file, from its extension (case-insensitive).
 *
 * @example
 * detectFormat('datasets/train.PQ') // 'parquet'
 * detectFormat('x.xlsx') // throws TableError UNKNOWN_FORMAT, listing the supported extensions
 */
export function detectFormat(file: string): TableFormat {
  const ext = extname(file).toLowerCase();
  const format = TABLE_EXTENSIONS[ext];
  if (format) return format;
  const supported = Object.keys(TABLE_EXTENSIONS).join(', ');
  throw new TableError(
    'UNKNOWN_FORMAT',
    file,
    'table',
    `${ext ? `unknown extension '${ext}'` : 'no extension'}; supported: ${supported}`,
  );
}
