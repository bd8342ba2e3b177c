/**
 * The base classes of the expectation evaluators: an evaluator sees the schema once, then
 * every record batch, and gives one {@link ExpectationResult}; a column evaluator finds its
 * column and checks its kind; a column-map evaluator counts missing and unexpected values.
 */
import type { Data, DataType, RecordBatch, Schema } from 'apache-arrow';
import type { Expectation } from '../../records/kinds/dataset.js';
import { Chunk, columnClass, type Cell, type ColumnClass } from './cells.js';
import { PARTIAL_UNEXPECTED_COUNT, type ExpectationResult } from './result.js';

/** Evaluates one expectation over the record batches of a table, one batch at a time. */
export abstract class Evaluator {
  /** Set when the expectation cannot be evaluated; results then carry it. */
  protected problem: string | undefined;

  constructor(readonly expectation: Expectation) {}

  /** Called once with the schema of the data, before the first batch. */
  abstract bind(schema: Schema): void;
  /** Called with each batch; `rowBase` is the index of its first row in the whole table. */
  abstract add(batch: RecordBatch, rowBase: number): void;
  abstract result(rows: number): ExpectationResult;

  protected failed(rows: number, message: string): ExpectationResult {
    return {
      expectation: this.expectation,
      success: false,
      element_count: rows,
      missing_count: null,
      unexpected_count: null,
      unexpected_percent: null,
      observed_value: null,
      partial_unexpected_list: [],
      message,
    };
  }
}

/** Why `min`/`max` bounds make no sense, or undefined when they do. */
export function boundsProblem(
  type: string,
  min: number | undefined,
  max: number | undefined,
): string | undefined {
  if (min === undefined && max === undefined) return `${type} needs min, max or both`;
  if (min !== undefined && max !== undefined && min > max) {
    return `${type}: min (${min}) is greater than max (${max})`;
  }
  return undefined;
}

function columnsList(schema: Schema): string {
  const names = schema.fields.map((f) => f.name);
  return names.length ? names.join(', ') : '(none)';
}

/** The parts every single-column expectation shares: finding its column and checking its kind. */
export abstract class ColumnEvaluator extends Evaluator {
  protected index = -1;
  protected cls: ColumnClass = 'other';

  constructor(
    expectation: Expectation & { column: string },
    private readonly accepts?: readonly ColumnClass[],
  ) {
    super(expectation);
  }

  protected get column(): string {
    return (this.expectation as { column: string }).column;
  }

  bind(schema: Schema): void {
    if (this.problem) return;
    this.index = schema.fields.findIndex((f) => f.name === this.column);
    if (this.index < 0) {
      this.problem = `column ${JSON.stringify(this.column)} not found; the table has: ${columnsList(schema)}`;
      return;
    }
    this.cls = columnClass(schema.fields[this.index]!.type as DataType);
    if (this.accepts && !this.accepts.includes(this.cls)) {
      this.problem =
        `${this.expectation.type} needs a ${this.accepts.join(' or ')} column; ` +
        `${JSON.stringify(this.column)} is ${this.cls}`;
    }
  }

  add(batch: RecordBatch, rowBase: number): void {
    if (this.problem || this.index < 0) return;
    const vector = batch.getChildAt(this.index);
    if (!vector) return;
    let base = rowBase;
    for (const data of vector.data) {
      this.chunk(new Chunk(data as Data<DataType>), base);
      base += data.length;
    }
  }

  protected abstract chunk(chunk: Chunk, rowBase: number): void;
}

/** A column-map expectation: a yes/no question per non-null value. */
export abstract class MapEvaluator extends ColumnEvaluator {
  protected missing = 0;
  protected unexpected = 0;
  protected partial: Cell[] = [];

  protected get mostly(): number {
    return (this.expectation as { mostly?: number }).mostly ?? 1;
  }

  protected note(value: Cell): void {
    this.unexpected++;
    if (this.partial.length < PARTIAL_UNEXPECTED_COUNT) this.partial.push(value);
  }

  result(rows: number): ExpectationResult {
    if (this.problem) return this.failed(rows, this.problem);
    const nonnull = rows - this.missing;
    const success = nonnull === 0 || (nonnull - this.unexpected) / nonnull >= this.mostly;
    return {
      expectation: this.expectation,
      success,
      element_count: rows,
      missing_count: this.missing,
      unexpected_count: this.unexpected,
      unexpected_percent: nonnull > 0 ? (this.unexpected / nonnull) * 100 : null,
      observed_value: null,
      partial_unexpected_list: this.partial,
    };
  }
}
