/**
 * The action's inputs and the workflow run's context, read from the environment the runner
 * gives a step (`INPUT_<NAME>`, `GITHUB_*`) and the event payload (`GITHUB_EVENT_PATH`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Run } from '../../../src/records/index.js';

export type Env = Record<string, string | undefined>;
export type TriggerType = Run['trigger']['type'];

export const TRIGGERS: readonly TriggerType[] = ['manual', 'push', 'schedule', 'drift'];

export interface ActionContext {
  eventName: string;
  workspace: string;
  /** The webhook payload, `{}` when there is none. */
  payload: Record<string, unknown>;
}

export interface Inputs {
  model?: string;
  reason?: string;
  trigger: TriggerType;
  params: Run['params'];
  remote?: string;
  planOnly: boolean;
  token?: string;
  /** The push's commits (empty outside a push unless given). */
  before: string;
  after: string;
}

/**
 * The event name, workspace and payload of the run.
 * @example
 * readContext({ GITHUB_EVENT_NAME: 'push', GITHUB_WORKSPACE: '/w', GITHUB_EVENT_PATH: '/e.json' })
 * // { eventName: 'push', workspace: '/w', payload: { before: '…', after: '…', … } }
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

/**
 * The inputs, with defaults from the event: the trigger from its name (a `repository_dispatch`
 * may name one in `client_payload.trigger`), `model` and `reason` from a dispatch's
 * `client_payload`, `before`/`after` from a push.
 * @throws Error for a bad `trigger`, `params` or `plan-only`.
 * @example
 * parseInputs({ INPUT_MODEL: 'm', 'INPUT_PLAN-ONLY': 'false' }, context).trigger // 'manual'
 */
export function parseInputs(env: Env, context: ActionContext): Inputs {
  const input = (name: string) => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
  const payload = context.payload;
  const client = asRecord(payload['client_payload']);
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

  const trigger = input('trigger') || defaultTrigger(context.eventName, str(client['trigger']));
  if (!TRIGGERS.includes(trigger as TriggerType)) {
    throw new Error(`input trigger must be one of ${TRIGGERS.join(', ')}; got "${trigger}"`);
  }
  const planOnly = input('plan-only') || 'false';
  if (planOnly !== 'true' && planOnly !== 'false') {
    throw new Error(`input plan-only must be 'true' or 'false'; got "${planOnly}"`);
  }
  const model = input('model') || str(client['model']);
  const reason = input('reason') || str(client['reason']);
  const remote = input('remote');
  const token = input('token');
  return {
    ...(model ? { model } : {}),
    ...(reason ? { reason } : {}),
    trigger: trigger as TriggerType,
    params: parseParams(input('params')),
    ...(remote ? { remote } : {}),
    planOnly: planOnly === 'true',
    ...(token ? { token } : {}),
    before: input('before') || str(payload['before']),
    after: input('after') || str(payload['after']) || (env['GITHUB_SHA'] ?? ''),
  };
}

function defaultTrigger(eventName: string, fromPayload: string): string {
  if (eventName === 'push') return 'push';
  if (eventName === 'schedule') return 'schedule';
  if (eventName === 'repository_dispatch' && fromPayload) return fromPayload;
  return 'manual';
}

/**
 * `params`: a JSON object of scalars overriding the model's `training.params`.
 * @example
 * parseParams('{"epochs": 5, "mode": "fail"}') // { epochs: 5, mode: 'fail' }
 */
export function parseParams(text: string): Run['params'] {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`input params is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('input params must be a JSON object, e.g. {"epochs": 5}');
  }
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') {
      throw new Error(`input params: "${k}" must be a string, number, boolean or null`);
    }
  }
  return value as Run['params'];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
