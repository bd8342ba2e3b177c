import type { DataWorkspace } from '../data/index.js';
import type { ViewSelection } from './definitions.js';
import { latestPerKey, onlineRows } from './join/index.js';
import { readViewSource } from './sources.js';
import type { OnlineStore } from './types.js';

export interface MaterializeResult {
  view: string;
  /** The interval's start (epoch ms): rows with an event time in [start, end] were read. */
  start: number;
  end: number;
  /** Keys with a row in the interval: each one's latest was offered to the store. */
  keys: number;
  written: number;
  /** Rows the store already held something newer for. */
  skipped: number;
}

/** A view that is not served online, or an interval that ends before it starts. */
export class MaterializeError extends Error {
  override name = 'MaterializeError';
  readonly code = 'BAD_MATERIALIZE';
}

/**
 * Writes, for each key of each view, its latest row with an event time in `[start, end]` to
 * the online store (Feast's `materialize`), then records `end` as the view's watermark (when
 * later than the one it has). With
 * no `start`, a view starts at its last watermark (`materialize-incremental`), or at `end -
 * ttl` the first time. The store never lets an older row replace a newer one, so overlapping
 * or repeated runs change nothing.
 * @example
 * await materialize(ws, store, selectFeatures(defs, ['test_execution_features']), { end: Date.now() });
 */
export async function materialize(
  ws: DataWorkspace,
  store: OnlineStore,
  selection: ViewSelection[],
  range: { start?: number; end: number },
  progress: (r: MaterializeResult) => void = () => {},
): Promise<MaterializeResult[]> {
  const out: MaterializeResult[] = [];
  for (const s of selection) {
    if (!s.view.online)
      throw new MaterializeError(`feature view ${s.view.name} is not online (online: false)`);
    const mark = await store.watermark(s.view.name);
    const start = range.start ?? mark ?? range.end - s.ttlMs;
    if (start > range.end)
      throw new MaterializeError(`materialize: start is after end for ${s.view.name}`);
    const frame = await readViewSource(ws, { ...s, features: s.view.schema.map((c) => c.name) });
    // the latest at `end` among rows no older than `start`: a window of `end - start`
    const rows = latestPerKey(frame, range.end, Math.max(1, range.end - start));
    const { written, skipped } = await store.write(s.view.name, onlineRows(frame, rows));
    // the watermark only moves forward: re-materializing an old interval does not rewind it
    if (mark === null || range.end > mark) await store.setWatermark(s.view.name, range.end);
    const r = { view: s.view.name, start, end: range.end, keys: rows.length, written, skipped };
    progress(r);
    out.push(r);
  }
  return out;
}
