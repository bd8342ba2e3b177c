import type { DataWorkspace } from '../data/index.js';
import { readTable } from '../data/table/index.js';
import type { ViewSelection } from './definitions.js';
import {
  entityFrameFromTable,
  pointInTimeJoin,
  type EntityFrame,
  type ResultFrame,
} from './join/index.js';
import { readViewSource } from './sources.js';

export interface HistoricalRequest {
  /** The entity rows: join keys and a timestamp column (CSV, JSON Lines, Parquet or Arrow). */
  entities: string | EntityFrame;
  /** The entity rows' timestamp column; `event_timestamp` by default. */
  timestampColumn?: string;
  selection: ViewSelection[];
  fullFeatureNames?: boolean;
}

/**
 * Training data as of each entity row: every selected feature from the latest row of its
 * view's source at or before the row's time and within the view's ttl (Feast's point-in-time
 * semantics), the entity rows kept whole and in order.
 * @example
 * const result = await historicalFeatures(ws, { entities: 'labels.csv', selection });
 * await writeResult('train.parquet', result);
 */
export async function historicalFeatures(
  ws: DataWorkspace,
  req: HistoricalRequest,
): Promise<ResultFrame> {
  const entities =
    typeof req.entities === 'string'
      ? entityFrameFromTable(await readTable(req.entities), req.timestampColumn)
      : req.entities;
  const views = [];
  for (const s of req.selection) {
    views.push({ view: await readViewSource(ws, s), ttlMs: s.ttlMs, features: s.features });
  }
  return pointInTimeJoin(entities, views, { fullFeatureNames: req.fullFeatureNames ?? false });
}
