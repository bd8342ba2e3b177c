import type { Finding, LoadedRecord } from '../../records/index.js';
import type { RecordIndex } from '../record-index.js';

/** A rule over one record and the tree it sits in; pure apart from reads through the index. */
export type RecordRule = (record: LoadedRecord, tree: RecordIndex) => Promise<Finding[]>;

/** A rule over one record as it was at the base and as it is now. */
export type ChangeRule = (change: RecordChange) => Finding[];

export interface RecordChange {
  path: string;
  status: 'added' | 'removed' | 'modified';
  base?: LoadedRecord;
  head?: LoadedRecord;
  /**
   * For a rule that compares with the base's tip (staleness): the record where the change
   * left the base (the merge base), so it can tell what the change itself did.
   */
  fork?: LoadedRecord;
}
