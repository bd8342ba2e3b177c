/** Stable codes for everything `data/table` can refuse or fail at. */
export type TableErrorCode =
  /** The file's extension names no format we read. */
  | 'UNKNOWN_FORMAT'
  /** A CSV file that is not RFC 4180 (ragged row, unterminated quote, …). */
  | 'CSV_SYNTAX'
  /** A JSON Lines file with a line that is not one JSON object. */
  | 'JSONL_SYNTAX'
  /** parquet-wasm refused the file (truncated, corrupt, unsupported). */
  | 'BAD_PARQUET'
  /** apache-arrow refused the file (not Arrow IPC, truncated, compressed, Feather v1). */
  | 'BAD_ARROW'
  /** The file could not be read (missing, a directory, permissions). */
  | 'READ_FAILED'
  /** parquet-wasm's WebAssembly could not be found or instantiated. */
  | 'WASM_UNAVAILABLE';

/** Where in a text file a problem is: 1-based line and column (UTF-16 code units). */
export interface TextLocation {
  line: number;
  col: number;
}

/**
 * The one error class of `data/table`: a stable `code`, the file, a location where the format
 * has lines, and the underlying `cause`. The message is already one line to print:
 * `path:line:col: csv: message` for text formats, `path: parquet: message` for binary ones.
 *
 * @example
 * try {
 *   await readTable('data/x.csv');
 * } catch (e) {
 *   if (e instanceof TableError && e.code === 'CSV_SYNTAX') console.error(e.message);
 *   // data/x.csv:7:12: csv: row has 4 fields, the header has 3
 * }
 */
export class TableError extends Error {
  override readonly name = 'TableError';
  readonly code: TableErrorCode;
  readonly file: string;
  readonly location: TextLocation | undefined;
  /** The bare message, without the `path:line:col: format:` prefix. */
  readonly detail: string;

  constructor(
    code: TableErrorCode,
    file: string,
    rule: string,
    detail: string,
    location?: TextLocation,
    options?: { cause?: unknown },
  ) {
    const where = location ? `${file}:${location.line}:${location.col}` : file;
    super(`${where}: ${rule}: ${detail}`, options);
    this.code = code;
    this.file = file;
    this.location = location;
    this.detail = detail;
  }
}

/** The message of anything thrown, without a leading `Error: ` or a library's own prefix. */
export function causeMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^(Error: )+/, '').replace(/^Parquet error: /, '');
}
