/**
 * Checks a JSON Schema pattern cannot express, run by the schema check on the fields whose
 * schema names them with the `x-mlops-check` keyword: a duration's bound, a cron schedule, a
 * `match_regex` pattern, a `high_risk_paths` entry, and rollout stages whose weights rise.
 * Each is reported like any schema error, on the field's line, as `schema/<check>`.
 */
import { Cron } from 'croner';
import { parseDuration } from './duration.js';
import { compileLinearRegex } from './linear-regex.js';
import { pathPattern } from './path-pattern.js';

/** The schema keyword that names a field's check. */
export const CHECK_KEYWORD = 'x-mlops-check';

export type FieldCheckName = 'duration' | 'cron' | 'regex' | 'path-pattern' | 'stages';

/** What is wrong, and where below the checked field (an item of a list, say). */
export interface FieldProblem {
  at: (string | number)[];
  message: string;
}

/** A schema option naming the check, for a TypeBox schema: `Type.String({ ...check('cron') })`. */
export function check(name: FieldCheckName): { [CHECK_KEYWORD]: FieldCheckName } {
  return { [CHECK_KEYWORD]: name };
}

/**
 * Runs the named check on a value; null when it passes or when the value is not of the type the
 * check is about (the schema's `type` or `pattern` reports that).
 * @example
 * runFieldCheck('cron', '61 * * * *')
 * // { at: [], message: 'is not a cron schedule: Invalid value for minute: 61' }
 */
export function runFieldCheck(name: FieldCheckName, value: unknown): FieldProblem | null {
  switch (name) {
    case 'duration':
      return typeof value === 'string' ? durationProblem(value) : null;
    case 'cron':
      return typeof value === 'string' ? cronProblem(value) : null;
    case 'regex': {
      if (typeof value !== 'string') return null;
      const r = compileLinearRegex(value);
      return r.ok ? null : { at: [], message: `is not a pattern RE2 can run: ${r.why}` };
    }
    case 'path-pattern': {
      if (typeof value !== 'string') return null;
      const r = pathPattern(value);
      return r.ok ? null : { at: [], message: `${JSON.stringify(value)} ${r.why}` };
    }
    case 'stages':
      return Array.isArray(value) ? stagesProblem(value) : null;
  }
}

function durationProblem(text: string): FieldProblem | null {
  const r = parseDuration(text);
  // a text that is not a duration at all is the pattern's to report
  if (r.ok || !/^[1-9][0-9]*[smhdw]$/.test(text)) return null;
  return { at: [], message: r.why };
}

/** A reference instant, so that "never fires" does not depend on the clock. */
const CRON_FROM = new Date(Date.UTC(2000, 0, 1));

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAYS = 'SUN|MON|TUE|WED|THU|FRI|SAT';

/** What a field may hold: numbers and operators, and in the last two month or day names. */
function fieldChars(i: number): RegExp {
  const word = i === 3 ? MONTHS : i === 4 ? DAYS : null;
  return word ? new RegExp(`^(?:[0-9*,/-]|${word})+$`, 'i') : /^[0-9*,/-]+$/;
}

/**
 * GitHub Actions' cron: five fields (minute hour day-of-month month day-of-week) of numbers,
 * names (JAN, MON), `*`, `,`, `-` and `/`; croner checks the values.
 */
function cronProblem(text: string): FieldProblem | null {
  const fields = text.trim().split(/\s+/);
  const bad = (why: string) => ({
    at: [],
    message: `${JSON.stringify(text)} is not a cron schedule: ${why}`,
  });
  if (fields.length !== 5) {
    return bad(
      `a schedule has five fields (minute hour day-of-month month day-of-week); this has ${fields.length}`,
    );
  }
  const odd = fields.findIndex((f, i) => !fieldChars(i).test(f));
  if (odd >= 0) {
    return bad(
      `${FIELD_NAMES[odd]} "${fields[odd]}" holds other than digits, *, ",", "-", "/"` +
        (odd >= 3 ? ` and ${odd === 3 ? 'month' : 'day'} names` : ''),
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), { timezone: 'UTC' });
  } catch (e) {
    return bad((e as Error).message.replace(/^CronPattern: /, ''));
  }
  if (cron.nextRun(CRON_FROM) === null) return bad('it names no date that exists');
  return null;
}

/** Rollout stages: each weight above the one before. */
function stagesProblem(stages: unknown[]): FieldProblem | null {
  let before: number | null = null;
  for (let i = 0; i < stages.length; i++) {
    const w = (stages[i] as { weight?: unknown } | null)?.weight;
    if (typeof w !== 'number') return null;
    if (before !== null && !(w > before)) {
      return {
        at: [i, 'weight'],
        message: `must be above the previous stage's ${before} %: stages only increase traffic; got ${w}`,
      };
    }
    before = w;
  }
  return null;
}
