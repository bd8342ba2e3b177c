/**
 * Dataset expectations, evaluated as Great Expectations does, one record batch at a time.
 *
 * Semantics (from Great Expectations' `ColumnMapExpectation._validate`, `_format_map_output`
 * and `_validate_metric_value_between`, pandas engine):
 *
 * - **Column-map expectations** (`between`, `in_set`, `unique`, `match_regex`) ask a question
 *   of every non-null value. Nulls are *missing*, not unexpected: `element_count` counts all
 *   rows, `missing_count` the nulls, and `unexpected_percent` is
 *   `unexpected_count / (element_count - missing_count) × 100` (GE's
 *   `unexpected_percent_nonmissing`). Success is
 *   `(nonnull - unexpected) / nonnull >= mostly` (`mostly` defaults to 1); with no non-null
 *   value at all it is vacuously true and `unexpected_percent` is null.
 * - **`not_null`** counts the nulls themselves as unexpected, over all rows:
 *   `unexpected_percent = nulls / element_count × 100`, success when
 *   `(rows - nulls) / rows >= mostly`; vacuously true on an empty table. It has no
 *   `missing_count` (null).
 * - NaN in a float column is null (pandas' `isnull`), for every expectation.
 * - **`between`**: `min <= v <= max`, `strict_min`/`strict_max` make a bound exclusive; one
 *   bound may be absent, not both. Numeric columns only.
 * - **`in_set`**: the value is in `values`, compared as JSON values (a number never equals a
 *   string; `1` equals `1.0`); an int64 is compared as a JS number, timestamps as ISO-8601
 *   strings (`2024-01-01T00:00:00.000Z`).
 * - **`unique`**: every occurrence of a value that occurs more than once is unexpected
 *   (pandas' `duplicated(keep=False)`), so `[a, b, a]` has 2 unexpected values.
 * - **`match_regex`**: a JavaScript `RegExp` (no flags) *found anywhere* in the value, as GE's
 *   `str.contains` (anchor with `^…$` to match the whole value); non-strings are tested as
 *   their text. An invalid pattern fails the expectation with a message; it never throws.
 * - **`row_count_between`**: `min <= rows <= max`; `observed_value` is the row count.
 * - **`mean_between`**: the mean over non-null values; `observed_value` is that mean, and with
 *   no non-null value it is null and the expectation fails (GE).
 * - `partial_unexpected_list`: the first 20 unexpected values in row order (nulls for
 *   `not_null`), GE's `partial_unexpected_count` default.
 * - A column that is absent, of the wrong kind for the expectation, or bounds that make no
 *   sense fail the expectation with a `message`; the other expectations still run.
 */
import {
  isArrowTable,
  type Data,
  type DataType,
  type RecordBatch,
  type Schema,
  type Table,
} from 'apache-arrow';
import type { Expectation } from '../../records/kinds/dataset.js';
import { Chunk, columnClass, type Cell, type ColumnClass } from './cells.js';

/** GE's default `partial_unexpected_count`. */
export const PARTIAL_UNEXPECTED_COUNT = 20;

/** The outcome of one expectation, in Great Expectations' terms (see the module comment). */
export interface ExpectationResult {
  /** The expectation as written in the pointer. */
  expectation: Expectation;
  success: boolean;
  /** Rows seen. */
  element_count: number;
  /** Null (and NaN) values of the column; null for `not_null`, `row_count_between` and when the expectation could not run. */
  missing_count: number | null;
  /** Values that failed; null for the aggregate expectations and when it could not run. */
  unexpected_count: number | null;
  /** `unexpected_count` over the evaluated values, × 100; null when none was evaluated. */
  unexpected_percent: number | null;
  /** The aggregate (`row_count_between`: rows, `mean_between`: mean); null otherwise. */
  observed_value: number | null;
  /** Up to 20 unexpected values, in row order. */
  partial_unexpected_list: Cell[];
  /** Why the expectation could not be evaluated (absent column, wrong type, bad regex). */
  message?: string;
}

/**
 * A short label for an expectation, for reports.
 *
 * @example
 * expectationLabel({ type: 'between', column: 'pass_rate_7d', min: 0 }) // 'between(pass_rate_7d)'
 * expectationLabel({ type: 'row_count_between', min: 1 }) // 'row_count_between'
 */
export function expectationLabel(e: Expectation): string {
  return 'column' in e ? `${e.type}(${e.column})` : e.type;
}

abstract class Evaluator {
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

function boundsProblem(
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
abstract class ColumnEvaluator extends Evaluator {
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
abstract class MapEvaluator extends ColumnEvaluator {
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

class NotNull extends ColumnEvaluator {
  private nulls = 0;
  private partial: Cell[] = [];

  protected chunk(c: Chunk): void {
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.nulls++;
        if (this.partial.length < PARTIAL_UNEXPECTED_COUNT) this.partial.push(null);
      }
    }
  }

  result(rows: number): ExpectationResult {
    if (this.problem) return this.failed(rows, this.problem);
    const mostly = (this.expectation as { mostly?: number }).mostly ?? 1;
    return {
      expectation: this.expectation,
      success: rows === 0 || (rows - this.nulls) / rows >= mostly,
      element_count: rows,
      missing_count: null,
      unexpected_count: this.nulls,
      unexpected_percent: rows > 0 ? (this.nulls / rows) * 100 : null,
      observed_value: null,
      partial_unexpected_list: this.partial,
    };
  }
}

class Between extends MapEvaluator {
  private readonly min: number;
  private readonly max: number;
  private readonly strictMin: boolean;
  private readonly strictMax: boolean;

  constructor(e: Extract<Expectation, { type: 'between' }>) {
    super(e, ['numeric']);
    this.problem = boundsProblem('between', e.min, e.max);
    this.min = e.min ?? -Infinity;
    this.max = e.max ?? Infinity;
    this.strictMin = e.strict_min === true && e.min !== undefined;
    this.strictMax = e.strict_max === true && e.max !== undefined;
  }

  protected chunk(c: Chunk): void {
    const { min, max, strictMin, strictMax } = this;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.num(i);
      const ok = (strictMin ? v > min : v >= min) && (strictMax ? v < max : v <= max);
      if (!ok) this.note(c.value(i));
    }
  }
}

class InSet extends MapEvaluator {
  private readonly set: Set<Cell>;
  /** The set's strings as UTF-8, indexed by byte length: a Utf8 column is matched on bytes. */
  private readonly byLength: Uint8Array[][] = [];

  constructor(e: Extract<Expectation, { type: 'in_set' }>) {
    super(e);
    this.set = new Set<Cell>(e.values);
    const encoder = new TextEncoder();
    for (const v of this.set) {
      if (typeof v !== 'string') continue;
      const bytes = encoder.encode(v);
      (this.byLength[bytes.length] ??= []).push(bytes);
    }
  }

  protected chunk(c: Chunk): void {
    if (c.utf8) return this.utf8Chunk(c, c.utf8.bytes, c.utf8.offsets);
    const set = this.set;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.value(i);
      if (!set.has(v)) this.note(v);
    }
  }

  /** Decoding each string costs ~100 ns; comparing its bytes with a few candidates, ~10. */
  private utf8Chunk(c: Chunk, bytes: Uint8Array, offsets: Int32Array): void {
    const byLength = this.byLength;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const start = offsets[i]!;
      const candidates = byLength[offsets[i + 1]! - start];
      let found = false;
      if (candidates !== undefined) {
        for (let k = 0; k < candidates.length && !found; k++) {
          const t = candidates[k]!;
          let j = 0;
          while (j < t.length && bytes[start + j] === t[j]) j++;
          found = j === t.length;
        }
      }
      if (!found) this.note(c.value(i));
    }
  }
}

class MatchRegex extends MapEvaluator {
  private readonly regex: RegExp | undefined;

  constructor(e: Extract<Expectation, { type: 'match_regex' }>) {
    super(e);
    try {
      this.regex = new RegExp(e.regex);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.problem = `invalid regex ${JSON.stringify(e.regex)}: ${why}`;
    }
  }

  protected chunk(c: Chunk): void {
    const re = this.regex!;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.value(i);
      if (!re.test(typeof v === 'string' ? v : String(v))) this.note(v);
    }
  }
}

/**
 * `unique` in one pass: a map from each value to the row of its first occurrence, stored as
 * `-(row + 1)` once a second occurrence is seen. A duplicated value's first occurrence is
 * unexpected too but is only known to be when the second arrives, so the examples are made
 * at the end: the map, in insertion order, lists first occurrences in row order; its first 20
 * duplicated entries merged with the first 20 later occurrences hold the first 20 unexpected
 * rows.
 */
class Unique extends MapEvaluator {
  private readonly first = new Map<unknown, number>();
  private laterCount = 0;
  private duplicated = 0;
  private readonly later: { row: number; value: Cell }[] = [];

  protected chunk(c: Chunk, rowBase: number): void {
    const first = this.first;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const key = c.key(i);
      const seen = first.get(key);
      if (seen === undefined) {
        first.set(key, rowBase + i);
        continue;
      }
      this.laterCount++;
      if (seen >= 0) {
        this.duplicated++;
        first.set(key, -(seen + 1));
      }
      if (this.later.length < PARTIAL_UNEXPECTED_COUNT) {
        this.later.push({ row: rowBase + i, value: c.value(i) });
      }
    }
  }

  override result(rows: number): ExpectationResult {
    this.unexpected = this.laterCount + this.duplicated;
    const firsts: { row: number; value: Cell }[] = [];
    if (this.duplicated > 0) {
      for (const [key, stored] of this.first) {
        if (stored >= 0) continue;
        firsts.push({ row: -stored - 1, value: keyCell(key) });
        if (firsts.length === PARTIAL_UNEXPECTED_COUNT) break;
      }
    }
    const merged = [...firsts, ...this.later].sort((a, b) => a.row - b.row);
    this.partial = merged.slice(0, PARTIAL_UNEXPECTED_COUNT).map((x) => x.value);
    return super.result(rows);
  }
}

function keyCell(key: unknown): Cell {
  if (typeof key === 'bigint') {
    const n = Number(key);
    return Number.isSafeInteger(n) ? n : String(key);
  }
  return key as Cell;
}

class MeanBetween extends ColumnEvaluator {
  private count = 0;
  private missing = 0;
  private sum = 0;
  /** Neumaier's compensation term, so a million floats sum without drift. */
  private compensation = 0;

  constructor(private readonly e: Extract<Expectation, { type: 'mean_between' }>) {
    super(e, ['numeric']);
    this.problem = boundsProblem('mean_between', e.min, e.max);
  }

  protected chunk(c: Chunk): void {
    let { sum, compensation, count } = this;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.num(i);
      const t = sum + v;
      compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
      count++;
    }
    this.sum = sum;
    this.compensation = compensation;
    this.count = count;
  }

  result(rows: number): ExpectationResult {
    if (this.problem) return this.failed(rows, this.problem);
    const mean = this.count > 0 ? (this.sum + this.compensation) / this.count : null;
    const { min, max } = this.e;
    const success =
      mean !== null && (min === undefined || mean >= min) && (max === undefined || mean <= max);
    return {
      expectation: this.expectation,
      success,
      element_count: rows,
      missing_count: this.missing,
      unexpected_count: null,
      unexpected_percent: null,
      observed_value: mean,
      partial_unexpected_list: [],
    };
  }
}

class RowCountBetween extends Evaluator {
  constructor(private readonly e: Extract<Expectation, { type: 'row_count_between' }>) {
    super(e);
    this.problem = boundsProblem('row_count_between', e.min, e.max);
  }

  bind(): void {}
  add(): void {}

  result(rows: number): ExpectationResult {
    if (this.problem) return this.failed(rows, this.problem);
    const { min, max } = this.e;
    return {
      expectation: this.expectation,
      success: (min === undefined || rows >= min) && (max === undefined || rows <= max),
      element_count: rows,
      missing_count: null,
      unexpected_count: null,
      unexpected_percent: null,
      observed_value: rows,
      partial_unexpected_list: [],
    };
  }
}

function evaluator(e: Expectation): Evaluator {
  switch (e.type) {
    case 'not_null':
      return new NotNull(e);
    case 'between':
      return new Between(e);
    case 'in_set':
      return new InSet(e);
    case 'unique':
      return new Unique(e);
    case 'match_regex':
      return new MatchRegex(e);
    case 'row_count_between':
      return new RowCountBetween(e);
    case 'mean_between':
      return new MeanBetween(e);
  }
}

/**
 * Evaluates expectations incrementally: {@link add} each record batch as it is read, then
 * take the {@link results}. Memory is what the expectations need (a `unique` keeps every
 * distinct value), never the data.
 *
 * @example
 * const checker = new ExpectationChecker(pointer.expectations ?? []);
 * for await (const batch of readBatches(file)) checker.add(batch);
 * const failed = checker.results().filter((r) => !r.success);
 */
export class ExpectationChecker {
  private readonly evaluators: Evaluator[];
  private rows = 0;
  private bound = false;

  constructor(expectations: readonly Expectation[]) {
    this.evaluators = expectations.map(evaluator);
  }

  /** Names the columns; called by the first {@link add}, or directly for a table with no batch. */
  bind(schema: Schema): void {
    if (this.bound) return;
    this.bound = true;
    for (const e of this.evaluators) e.bind(schema);
  }

  add(batch: RecordBatch): void {
    this.bind(batch.schema);
    for (const e of this.evaluators) e.add(batch, this.rows);
    this.rows += batch.numRows;
  }

  /** One result per expectation, in the order given. */
  results(): ExpectationResult[] {
    return this.evaluators.map((e) => e.result(this.rows));
  }
}

/**
 * Checks expectations against a whole table, or against record batches as they are read
 * (`readBatches`), so a large file is never in memory whole. See the module comment for the
 * exact semantics, which are Great Expectations'.
 *
 * @example
 * const results = await checkExpectations(readBatches('datasets/test-executions.csv'), [
 *   { type: 'not_null', column: 'test_id' },
 *   { type: 'between', column: 'flakiness_score', min: 0, max: 1, mostly: 0.99 },
 * ]);
 * // [{ expectation: {…}, success: true, element_count: 5000, unexpected_count: 0, … }, …]
 */
export async function checkExpectations(
  source: Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
  expectations: readonly Expectation[],
): Promise<ExpectationResult[]> {
  const checker = new ExpectationChecker(expectations);
  if (isArrowTable(source)) {
    checker.bind(source.schema);
    for (const batch of source.batches) checker.add(batch);
  } else {
    for await (const batch of source) checker.add(batch);
  }
  return checker.results();
}
