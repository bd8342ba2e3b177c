/**
 * Great Expectations-style checks of a Dataset pointer's expectations over an Arrow table or
 * a stream of record batches.
 */
export {
  checkExpectations,
  ExpectationChecker,
  expectationLabel,
  PARTIAL_UNEXPECTED_COUNT,
  type ExpectationResult,
} from './check.js';
export type { Cell } from './cells.js';
