import { Float64, Table, Uint32, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { MetricRow } from './metrics-log.js';

/**
 * A run's metric history as an Arrow IPC file: a `step` column and one float64 column per
 * metric, null where a line did not carry that metric. Arrow because drift, dashboards and
 * notebooks (pyarrow, polars, DuckDB) all read it without parsing text.
 * @example
 * const bytes = metricHistoryIpc(log.rows, log.names);
 * tableFromIPC(bytes).getChild('loss')?.get(0);
 */
export function metricHistoryIpc(rows: readonly MetricRow[], names: readonly string[]): Uint8Array {
  const steps = new Uint32Array(rows.length);
  rows.forEach((r, i) => (steps[i] = r.step));
  const columns: Record<string, ReturnType<typeof makeVector>> = {
    step: makeVector({ type: new Uint32(), data: steps }),
  };
  for (const name of names) {
    if (name === 'step') continue;
    const dense = rows.every((r) => name in r.values);
    if (dense) {
      const values = new Float64Array(rows.length);
      rows.forEach((r, i) => (values[i] = r.values[name]!));
      columns[name] = makeVector({ type: new Float64(), data: values });
    } else {
      columns[name] = vectorFromArray(
        rows.map((r) => r.values[name] ?? null),
        new Float64(),
      );
    }
  }
  return tableToIPC(new Table(columns), 'file');
}
