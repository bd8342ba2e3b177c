/**
 * `action-context/` — what a GitHub Actions step is told about its run: the event name, the
 * workspace and the webhook payload, read from the environment the runner gives a step
 * (`GITHUB_EVENT_NAME`, `GITHUB_WORKSPACE`, `GITHUB_EVENT_PATH`) when asked, never at import.
 * Every action of this repository reads its context here.
 */
import { existsSync, readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

export interface ActionContext {
  eventName: string;
  workspace: string;
  /** The webhook payload, `{}` when there is none. */
  payload: Record<string, unknown>;
}

/**
 * The event name, workspace and payload of the run.
 * @example
 * readContext({ GITHUB_EVENT_NAME: 'push', GITHUB_WORKSPACE: '/w', GITHUB_EVENT_PATH: '/e.json' })
 * // { eventName: 'push', workspace: '/w', payload: { before: '…', after: '…', … } }
 * @throws Error naming the event file when it is not JSON.
 */
export function readContext(env: Env): ActionContext {
  const eventPath = env['GITHUB_EVENT_PATH'];
  let payload: Record<string, unknown> = {};
  if (eventPath && existsSync(eventPath)) {
    try {
      payload = asRecord(JSON.parse(readFileSync(eventPath, 'utf8')));
    } catch (err) {
      throw new Error(`cannot read the event payload ${eventPath}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return {
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    payload,
  };
}

/** An object's fields, or `{}` for anything that is not an object (a payload part may be absent). */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
