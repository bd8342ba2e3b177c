/**
 * The evaluators of aggregates over a whole table: `mean_between` (the mean of a column's
 * non-null values) and `row_count_between` (see the module comment of check.ts).
 */
import type { Expectation } from '../../records/kinds/dataset.js';
import type { Chunk } from './cells.js';
import { boundsProblem, ColumnEvaluator, Evaluator } from './evaluator.js';
import type { ExpectationResult } from './result.js';

/** `mean_between`: the mean of the non-null values is within the bounds. */
export class MeanBetween extends ColumnEvaluator {
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

/** `row_count_between`: the number of rows is within the bounds. */
export class RowCountBetween extends Evaluator {
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
