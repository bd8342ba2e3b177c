/**
 * What the drift action does on the forge once the pass's statuses are pushed: a warning opens
 * or updates the model's one drift issue, critical drift dispatches `retrain`, as
 * `mlops drift --act` does. Sent once per run, after the last pass, so a pass redone on a
 * moved origin never opens, updates or dispatches twice.
 */
import type { Forge } from '../../../src/forge/index.js';
import { actOnDrift } from '../../../src/drift/index.js';
import type { Checked } from './pass.js';

/** One line of the `actions` output. */
export interface Acted {
  model: string;
  level: Checked['level'];
  action: Checked['action'];
  /** The drift issue opened or updated. */
  issue?: number;
  /** True once the retrain dispatch was sent. */
  dispatched?: boolean;
  /** Whether the issue was opened (true) or updated (false). */
  created?: boolean;
  /** Why the forge refused: the step fails, the other models are still acted on. */
  error?: string;
}

/**
 * Acts on one model's check. Never throws: a forge error is kept in `error`.
 * @example
 * await actOn(() => forge, critical) // { model: 'execution-agent', level: 'critical', action: 'retrain', dispatched: true }
 */
export async function actOn(forgeOf: () => Promise<Forge>, c: Checked): Promise<Acted> {
  const out: Acted = { model: c.model, level: c.level, action: c.action };
  try {
    if (c.action === 'none') return out;
    const done = await actOnDrift(await forgeOf(), {
      report: c.report,
      markdown: c.markdown,
      action: c.action,
      reason: c.reason,
      deadline: c.deadline,
      // a model that stays critical was dispatched when it became critical, not every hour
      levelChanged: c.commit !== null,
    });
    return {
      ...out,
      ...(done.issue ? { issue: done.issue.number, created: done.created } : {}),
      ...(done.dispatched !== undefined ? { dispatched: done.dispatched } : {}),
    };
  } catch (e) {
    const what = c.action === 'issue' ? 'the drift issue' : 'the retrain dispatch';
    return {
      ...out,
      ...(c.action === 'retrain' ? { dispatched: false } : {}),
      error: `${what} failed: ${(e as Error).message}`,
    };
  }
}
