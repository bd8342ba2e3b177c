import { describe, expect, it } from 'vitest';
import { parseInputs, parseParams, type ActionContext } from './inputs.js';

const ctx = (eventName: string, payload: Record<string, unknown> = {}): ActionContext => ({
  eventName,
  workspace: '/w',
  payload,
});

describe('parseInputs', () => {
  it('takes the trigger from the event unless given', () => {
    expect(parseInputs({}, ctx('push')).trigger).toBe('push');
    expect(parseInputs({}, ctx('schedule')).trigger).toBe('schedule');
    expect(parseInputs({}, ctx('workflow_dispatch')).trigger).toBe('manual');
    expect(parseInputs({ INPUT_TRIGGER: 'drift' }, ctx('push')).trigger).toBe('drift');
    expect(() => parseInputs({ INPUT_TRIGGER: 'nightly' }, ctx('push'))).toThrow(
      'input trigger must be one of manual, push, schedule, drift; got "nightly"',
    );
  });

  it("reads model, reason and trigger from a repository_dispatch's client_payload", () => {
    const event = ctx('repository_dispatch', {
      client_payload: { model: 'm', reason: 'PSI 0.31', trigger: 'drift' },
    });
    expect(parseInputs({}, event)).toMatchObject({
      model: 'm',
      reason: 'PSI 0.31',
      trigger: 'drift',
    });
    expect(parseInputs({ INPUT_MODEL: 'other' }, event).model).toBe('other');
  });

  it("takes before and after from a push's payload, after from GITHUB_SHA otherwise", () => {
    const push = ctx('push', { before: 'a'.repeat(40), after: 'b'.repeat(40) });
    expect(parseInputs({ 'INPUT_PLAN-ONLY': 'true' }, push)).toMatchObject({
      planOnly: true,
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
    });
    const manual = parseInputs({ GITHUB_SHA: 'c'.repeat(40) }, ctx('workflow_dispatch'));
    expect(manual).toMatchObject({ planOnly: false, before: '', after: 'c'.repeat(40) });
    expect(() => parseInputs({ 'INPUT_PLAN-ONLY': 'yes' }, push)).toThrow(
      `input plan-only must be 'true' or 'false'; got "yes"`,
    );
  });
});

describe('parseParams', () => {
  it('accepts a JSON object of scalars and refuses anything else', () => {
    expect(parseParams('')).toEqual({});
    expect(parseParams('{"mode": "fail", "epochs": 5, "x": null}')).toEqual({
      mode: 'fail',
      epochs: 5,
      x: null,
    });
    expect(() => parseParams('[1]')).toThrow('input params must be a JSON object');
    expect(() => parseParams('{"a": {"b": 1}}')).toThrow('"a" must be a string, number');
    expect(() => parseParams('{epochs: 5}')).toThrow(/^input params is not JSON: /);
  });
});
