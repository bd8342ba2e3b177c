/**
 * What checking an expectation reports: its result in Great Expectations' terms, and the
 * short label that names it in reports.
 */
import type { Expectation } from '../../records/kinds/dataset.js';
import type { Cell } from './cells.js';

/** GE's default `partial_unexpected_count`. */
export const PARTIAL_UNEXPECTED_COUNT = 20;

/**
 * The outcome of one expectation, in Great Expectations' terms (see the module comment of
 * check.ts).
 */
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
