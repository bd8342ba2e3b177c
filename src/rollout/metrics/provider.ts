import type { RolloutWindow } from '../window.js';
import type { Arm } from './file-format.js';
import type { WindowRange } from './window.js';

/**
 * Where a rollout tick reads both arms' figures from. `window` answers for `[from, to)`:
 * zero counts for an arm nothing was measured for (right after a step, say: that is a
 * normal wait, not a failure); null when the source cannot be reached this tick (the state
 * machine counts failed ticks and rolls back after a few), with `unreachable` saying why; and
 * it throws when the source is broken in a way a person must fix (a malformed metrics file,
 * a bad PromQL query): then the tick stops without a commit and says why.
 */
export interface MetricsProvider {
  /** Names the source in messages: `file metrics under metrics/fraud/r1/`, `prometheus http://…`. */
  readonly describe: string;
  /** Why the last window was null; null after one that was not. */
  readonly unreachable: string | null;
  window(range: WindowRange, versions: Record<Arm, string>): Promise<RolloutWindow | null>;
}
