/** Rows picked by {@link latestPerKey} as the online store's rows. */
import { entityKey, type FeatureValue, type OnlineRow } from '../types.js';
import { cell, type ViewFrame } from './frames.js';

function value(v: ReturnType<typeof cell>): FeatureValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    return v;
  if (typeof v === 'bigint') return Number(v);
  return Buffer.from(v).toString('base64');
}

/**
 * The view's rows at `rows` as {@link OnlineRow}s: one object per row, which is fine here
 * (one per key being materialized, the online store's own shape). int64 values become numbers
 * and bytes base64, as the store holds {@link FeatureValue}s.
 */
export function onlineRows(view: ViewFrame, rows: Int32Array): OnlineRow[] {
  const out: OnlineRow[] = [];
  for (const r of rows) {
    const keyRow: Record<string, unknown> = {};
    view.keys.forEach((k, i) => (keyRow[view.joinKeys[i]!] = value(cell(k, r))));
    const values: Record<string, FeatureValue> = {};
    for (const f of view.features) values[f.name] = value(cell(f, r));
    const row: OnlineRow = {
      key: entityKey(view.joinKeys, keyRow),
      values,
      eventTs: view.eventTs[r]!,
    };
    if (view.createdTs && view.createdTs[r] === view.createdTs[r])
      row.createdTs = view.createdTs[r]!;
    out.push(row);
  }
  return out;
}
