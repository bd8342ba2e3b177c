import { readTable } from '../data/table/index.js';
import type { DataWorkspace } from '../data/index.js';
import { prepareInputs } from '../tracking/inputs.js';
import type { ViewSelection } from './definitions.js';
import { viewFrameFromTable, type Dtype, type ViewFrame } from './join/index.js';

/**
 * A feature view's rows from its source dataset, exactly as the committed pointer names them
 * (checked out from the cache, or pulled, when the work tree lacks them; a work-tree file that
 * differs from its pointer is refused, as training refuses it), with only the selected
 * features read.
 */
export async function readViewSource(ws: DataWorkspace, s: ViewSelection): Promise<ViewFrame> {
  const [input] = await prepareInputs(ws, [s.view.source.dataset]);
  const table = await readTable(input!.path);
  const dtypes = new Map(s.view.schema.map((c) => [c.name, c.dtype as Dtype]));
  return viewFrameFromTable(table, {
    name: s.view.name,
    joinKeys: s.joinKeys,
    timestampField: s.view.source.timestamp_field,
    ...(s.view.source.created_timestamp_field
      ? { createdTimestampField: s.view.source.created_timestamp_field }
      : {}),
    schema: s.features.map((name) => ({ name, dtype: dtypes.get(name)! })),
  });
}
