/**
 * The action's inputs and the workflow run's context, read from the environment the runner
 * gives a step (`INPUT_<NAME>`, `GITHUB_*`) and the event payload (`GITHUB_EVENT_PATH`).
 */
import { asRecord, type ActionContext, type Env } from '../../../src/action-context/index.js';
import type { Run } from '../../../src/records/index.js';

export { readContext, type ActionContext, type Env } from '../../../src/action-context/index.js';
export type TriggerType = Run['trigger']['type'];

export const TRIGGERS: readonly TriggerType[] = ['manual', 'push', 'schedule', 'drift'];

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
