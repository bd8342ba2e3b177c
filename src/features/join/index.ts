/** The point-in-time join (historical retrieval) over columnar frames. */
export type {
  BoolColumn,
  BytesColumn,
  Column,
  Dtype,
  EntityFrame,
  Float64Column,
  Int32Column,
  Int64Column,
  ResultFrame,
  StringColumn,
  Validity,
  ViewFrame,
  ViewSpec,
} from './frames.js';
export { cell, columnLength, isValid } from './frames.js';
export { columnFromVector, convertColumn } from './from-arrow.js';
export { latestPerKey, pointInTimeJoin, type JoinOptions } from './join.js';
export { onlineRows } from './online.js';
export { entityFrameFromTable, viewFrameFromTable, type ViewSource } from './table.js';
export { columnToData, resultToTable, writeResult } from './to-arrow.js';
export { JoinError } from './errors.js';
