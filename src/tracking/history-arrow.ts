import {
  Float64,
  Table,
  Uint32,
  makeData,
  makeVector,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import type { MetricsLog } from './metrics-log.js';

/**
 * A run's metric history as an Arrow IPC file: a `step` column and one float64 column per
 * metric, null where a line did not carry that metric. Arrow because drift, dashboards and
 * notebooks (pyarrow, polars, DuckDB) all read it without parsing text. Built straight from
 * the log's typed columns, without a copy per value.
 * @example
 * const bytes = metricHistoryIpc(log);
 * tableFromIPC(bytes).getChild('loss')?.get(0);
 */
export function metricHistoryIpc(
  log: Pick<MetricsLog, 'count' | 'names' | 'stepColumn' | 'column'>,
): Uint8Array {
  const columns: Record<string, Vector> = {
    step: makeVector({ type: new Uint32(), data: log.stepColumn() }),
  };
  for (const name of log.names) {
    if (name === 'step') continue;
    columns[name] = float64WithNulls(log.column(name)!);
  }
  return tableToIPC(new Table(columns), 'file');
}

/** A float64 vector whose NaN values (rows that did not log the metric) are nulls. */
function float64WithNulls(values: Float64Array): Vector {
  const length = values.length;
  let nullCount = 0;
  for (let i = 0; i < length; i++) if (values[i] !== values[i]) nullCount++;
  if (!nullCount) return makeVector({ type: new Float64(), data: values });
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    if (values[i] === values[i]) nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  return makeVector(makeData({ type: new Float64(), length, nullCount, nullBitmap, data: values }));
}
