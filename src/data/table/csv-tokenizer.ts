/**
 * The resumable RFC 4180 tokenizer behind csv.ts: it takes text in chunks of any size (a
 * record, a field or a CRLF may straddle two) and hands each record's fields to a sink. The
 * dialect it accepts and refuses is described in csv.ts's module comment.
 */
import { TableError } from './errors.js';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field: `""` (one quote) or the closing quote. */
const QUOTE_IN_QUOTED = 3;

/** The index of `what` in `text` at or after `from`, or `text.length` when there is none. */
function indexOrEnd(text: string, what: string, from: number): number {
  const at = text.indexOf(what, from);
  return at < 0 ? text.length : at;
}

/** Called with each record's fields (empty → null) and the line it starts on. */
export type RecordSink = (fields: (string | null)[], line: number) => void;

/**
 * A resumable RFC 4180 tokenizer. Feed it text with {@link push}, then call {@link end}.
 * Once {@link width} is set (the header's field count), a record of another width is an error.
 *
 * @example
 * const rows: (string | null)[][] = [];
 * const t = new CsvTokenizer('x.csv', (fields) => rows.push(fields));
 * t.push('a,"b\r\n""c"""\r');
 * t.push('\n1,\n');
 * t.end();
 * // rows: [['a', 'b\r\n"c"'], ['1', null]]
 */
export class CsvTokenizer {
  /** Fields a record must have; 0 until the header is read. */
  width = 0;

  private state = FIELD_START;
  /** Text of the current field from earlier chunks and before `""` escapes. */
  private pending = '';
  private fields: (string | null)[] = [];
  /** Absolute offset (UTF-16 units) of the current chunk's first character. */
  private base = 0;
  private line = 1;
  /** Absolute offset of the current line's first character. */
  private lineStart = 0;
  /** The previous character ended a line with CR: a following LF belongs to it. */
  private afterCR = false;
  private first = true;
  private recordLine = 1;
  /** Where the current field starts. */
  private fieldLine = 1;
  private fieldCol = 1;
  /** Where the current quoted field's opening quote is. */
  private quoteLine = 1;
  private quoteCol = 1;
  /** Where the current record's first field too many starts (col 0: none yet). */
  private extraLine = 0;
  private extraCol = 0;

  constructor(
    private readonly file: string,
    private readonly sink: RecordSink,
  ) {}

  private error(line: number, col: number, message: string): TableError {
    return new TableError('CSV_SYNTAX', this.file, 'csv', message, { line, col });
  }

  private col(i: number): number {
    return this.base + i - this.lineStart + 1;
  }

  private endField(value: string): void {
    const fields = this.fields;
    if (fields.length === this.width && this.width !== 0 && this.extraCol === 0) {
      this.extraLine = this.fieldLine;
      this.extraCol = this.fieldCol;
    }
    fields.push(value === '' ? null : value);
  }

  /** Ends the current record at chunk index `i` (the line break, or the end of input). */
  private endRecord(i: number): void {
    const fields = this.fields;
    if (this.width !== 0 && fields.length !== this.width) {
      const message = this.widthMessage(fields.length);
      if (fields.length > this.width) throw this.error(this.extraLine, this.extraCol, message);
      throw this.error(this.line, this.col(i), message);
    }
    this.fields = [];
    this.extraCol = 0;
    this.sink(fields, this.recordLine);
  }

  private newline(c: number, i: number): void {
    this.line++;
    this.lineStart = this.base + i + 1;
    this.afterCR = c === CR;
  }

  /** The current field's text: what earlier chunks left plus `chunk[run, end)`. */
  private take(chunk: string, run: number, end: number): string {
    const text = run >= 0 ? this.pending + chunk.slice(run, end) : this.pending;
    this.pending = '';
    return text;
  }

  /**
   * A record on one line without quotes (the common case): the fields between commas.
   * `chunk[start, end)` is the line without its line break.
   */
  private plainRecord(chunk: string, start: number, end: number): void {
    const width = this.width;
    const fields: (string | null)[] = [];
    let from = start;
    for (;;) {
      let comma = chunk.indexOf(',', from);
      if (comma < 0 || comma > end) comma = end;
      if (fields.length === width && width !== 0) {
        throw this.error(
          this.line,
          from - start + 1,
          this.widthMessage(this.countFields(chunk, from, end) + width),
        );
      }
      fields.push(comma === from ? null : chunk.slice(from, comma));
      if (comma === end) break;
      from = comma + 1;
    }
    if (width !== 0 && fields.length !== width) {
      throw this.error(this.line, end - start + 1, this.widthMessage(fields.length));
    }
    this.sink(fields, this.line);
  }

  /** Fields in `chunk[from, end)`, a part of a plain line. */
  private countFields(chunk: string, from: number, end: number): number {
    let count = 1;
    for (let at = chunk.indexOf(',', from); at >= 0 && at < end; at = chunk.indexOf(',', at + 1)) {
      count++;
    }
    return count;
  }

  private widthMessage(got: number): string {
    return `row has ${got} field${got === 1 ? '' : 's'}, the header has ${this.width}`;
  }

  /** Tokenizes the next piece of text; records are passed to the sink as they end. */
  push(chunk: string): void {
    if (this.first && chunk.length) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const n = chunk.length;
    let state = this.state;
    // start of the current run of field text inside this chunk, or -1
    let run = state === UNQUOTED || state === QUOTED ? 0 : -1;
    // the next quote and CR at or after i (n: none), found lazily for the fast path
    let quote = -1;
    let cr = -1;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) {
          this.lineStart = this.base + i + 1;
          continue;
        }
      }
      if (state === FIELD_START && this.fields.length === 0) {
        // fast path: a whole line ahead in this chunk with no quote and no lone CR
        const nl = chunk.indexOf('\n', i);
        if (nl >= 0) {
          if (quote < i) quote = indexOrEnd(chunk, '"', i);
          if (cr < i) cr = indexOrEnd(chunk, '\r', i);
          const end = nl > i && cr === nl - 1 ? nl - 1 : nl;
          if (quote > nl && cr >= end) {
            if (end > i) this.plainRecord(chunk, i, end);
            this.line++;
            this.lineStart = this.base + nl + 1;
            i = nl;
            continue;
          }
        }
      }
      switch (state) {
        case FIELD_START:
          if (this.fields.length === 0) this.recordLine = this.line;
          this.fieldLine = this.line;
          this.fieldCol = this.col(i);
          if (c === QUOTE) {
            state = QUOTED;
            this.quoteLine = this.fieldLine;
            this.quoteCol = this.fieldCol;
            run = i + 1;
          } else if (c === COMMA) {
            this.endField('');
          } else if (c === LF || c === CR) {
            // a line break after a comma ends an empty last field; on its own, a blank line
            if (this.fields.length !== 0) {
              this.endField('');
              this.endRecord(i);
            }
            this.newline(c, i);
          } else {
            state = UNQUOTED;
            run = i;
          }
          break;
        case UNQUOTED:
          if (c === COMMA) {
            this.endField(this.take(chunk, run, i));
            state = FIELD_START;
          } else if (c === LF || c === CR) {
            this.endField(this.take(chunk, run, i));
            this.endRecord(i);
            this.newline(c, i);
            state = FIELD_START;
          }
          break;
        case QUOTED:
          if (c === QUOTE) {
            this.pending += chunk.slice(run, i);
            run = -1;
            state = QUOTE_IN_QUOTED;
          } else if (c === LF || c === CR) {
            this.newline(c, i);
          }
          break;
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            this.pending += '"';
            run = i + 1;
            state = QUOTED;
          } else if (c === COMMA) {
            this.endField(this.take(chunk, -1, i));
            state = FIELD_START;
          } else if (c === LF || c === CR) {
            this.endField(this.take(chunk, -1, i));
            this.endRecord(i);
            this.newline(c, i);
            state = FIELD_START;
          } else {
            const found = JSON.stringify(chunk[i]);
            throw this.error(
              this.line,
              this.col(i),
              `expected ',' or a line break after the closing quote, found ${found}`,
            );
          }
          break;
      }
    }
    if ((state === UNQUOTED || state === QUOTED) && run >= 0) this.pending += chunk.slice(run);
    this.state = state;
    this.base += n;
  }

  /** Ends the input: flushes the last record, or fails on an unterminated quote. */
  end(): void {
    // positions from here on are at the end of the input: chunk index 0 after the last push
    switch (this.state) {
      case QUOTED:
        throw this.error(
          this.quoteLine,
          this.quoteCol,
          'unterminated quoted field: the quote opened here never closes',
        );
      case UNQUOTED:
      case QUOTE_IN_QUOTED:
        this.endField(this.take('', -1, 0));
        this.endRecord(0);
        break;
      case FIELD_START:
        if (this.fields.length !== 0) {
          this.endField('');
          this.endRecord(0);
        }
        break;
    }
    this.state = FIELD_START;
  }
}
