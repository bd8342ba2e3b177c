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
 * - **`match_regex`**: a pattern (no flags) *found anywhere* in the value, as GE's
 *   `str.contains` (anchor with `^…$` to match the whole value); non-strings are tested as
 *   their text. It runs with RE2 (re2js), in time linear in the value: JavaScript's syntax for
 *   what both share, no backreferences or lookaround (validation refuses them). An invalid
 *   pattern fails the expectation with a message; it never throws.
 * - **`row_count_between`**: `min <= rows <= max`; `observed_value` is the row count.
 * - **`mean_between`**: the mean over non-null values; `observed_value` is that mean, and with
 *   no non-null value it is null and the expectation fails (GE).
 * - `partial_unexpected_list`: the first 20 unexpected values in row order (nulls for
 *   `not_null`), GE's `partial_unexpected_count` default.
 * - A column that is absent, of the wrong kind for the expectation, or bounds that make no
 *   sense fail the expectation with a `message`; the other expectations still run.
 */
import { isArrowTable, type RecordBatch, type Schema, type Table } from 'apache-arrow';
import type { Expectation } from '../../records/kinds/dataset.js';
import { MeanBetween, RowCountBetween } from './aggregate-evaluators.js';
import type { Evaluator } from './evaluator.js';
import { Between, InSet, MatchRegex, NotNull, Unique } from './map-evaluators.js';
import type { ExpectationResult } from './result.js';

export { expectationLabel, PARTIAL_UNEXPECTED_COUNT, type ExpectationResult } from './result.js';

/** The evaluator of one expectation, by its type. */
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
