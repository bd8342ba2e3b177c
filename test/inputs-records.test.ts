/**
 * Inputs that slipped through validation (issue 15, point 8), tried through `mlops validate`,
 * `mlops rollout tick` and `mlops data check` on real repositories: a duration too long for a
 * Date, rollout stages that do not rise, a cron schedule that is not one, a `high_risk_paths`
 * entry that is no path or glob, and `match_regex` patterns that would backtrack forever or
 * that RE2 cannot run. Each is a `path:line:col: rule: message` finding, exit code 1, and
 * nothing changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await exampleRegistry();
});
afterAll(() => reg.cleanup());

const ROLLOUT = 'policies/rollout.yaml';
const RETRAIN = 'policies/retraining.yaml';
const DRIFT = 'policies/drift.yaml';
const GOVERN = 'policies/governance.yaml';
const VIEW = 'registry/features/test_execution_features.yaml';
const MODEL = 'registry/models/execution-agent/model.yaml';
const DATA = 'data/test-executions.yaml';
const DEPLOY = 'registry/models/execution-agent/deployment.yaml';
const file = (p: string) => reg.files.get(p)!;
const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim();

/** Commit `edits` on a fresh branch and validate that tree in full. */
async function validateTree(edits: Record<string, string>) {
  const branch = `tree-${Math.random().toString(36).slice(2, 8)}`;
  await reg.commit(edits, { branch });
  const before = git('for-each-ref');
  const r = await reg.mlops('validate', '--ref', branch);
  expect(git('for-each-ref')).toBe(before);
  return r;
}

/** `path:line:col: rule:` of the line holding `match`, at the value's column. */
function at(path: string, text: string, match: string, rule: string): string {
  const line = lineOf(text, match);
  const col = text.split('\n')[line - 1]!.indexOf(match.split(': ').at(-1)!) + 1;
  return `${path}:${line}:${col}: ${rule}:`;
}

describe('durations have a bound (365 days) and weights rise', () => {
  it('a hold of 99999999999999999999w is a finding on its line, not a RangeError', async () => {
    const text = edit(file(ROLLOUT), 'hold: 12h', 'hold: 99999999999999999999w');
    const r = await validateTree({ [ROLLOUT]: text });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${at(ROLLOUT, text, 'hold: 99999999999999999999w', 'schema/duration')} stages.1.hold 99999999999999999999w is longer than the 365d a duration may be`,
    );
  });

  it('every duration field shares the bound: ttl, timeout, window, warning_deadline', async () => {
    const view = edit(file(VIEW), 'ttl: 30d', 'ttl: 366d');
    const model = edit(file(MODEL), 'timeout: 30m', 'timeout: 9000000h');
    const drift = edit(file(DRIFT), 'window: 24h', 'window: 53w');
    const retrain = edit(file(RETRAIN), 'warning_deadline: 48h', 'warning_deadline: 31536001s');
    const r = await validateTree({
      [VIEW]: view,
      [MODEL]: model,
      [DRIFT]: drift,
      [RETRAIN]: retrain,
    });
    expect(r.code).toBe(1);
    for (const [path, text, match] of [
      [VIEW, view, 'ttl: 366d'],
      [MODEL, model, 'timeout: 9000000h'],
      [DRIFT, drift, 'window: 53w'],
      [RETRAIN, retrain, 'warning_deadline: 31536001s'],
    ] as const) {
      expect(r.err).toContain(`${at(path, text, match, 'schema/duration')} `);
    }
    // exactly a year is allowed
    const ok = await validateTree({ [VIEW]: edit(file(VIEW), 'ttl: 30d', 'ttl: 365d') });
    expect(ok.code, ok.err).toBe(0);
  });

  it('stages whose weights do not rise are refused at the first that falls back', async () => {
    const text = edit(file(ROLLOUT), 'weight: 50', 'weight: 20');
    const r = await validateTree({ [ROLLOUT]: text });
    expect(r.code).toBe(1);
    const line = lineOf(text, 'hold: 24h') - 1;
    expect(r.err).toContain(
      `${ROLLOUT}:${line}:13: schema/stages: stages.2.weight must be above the previous stage's 20 %`,
    );
    const over = await validateTree({
      [ROLLOUT]: edit(file(ROLLOUT), 'weight: 100', 'weight: 101'),
    });
    expect(over.err).toMatch(
      /policies\/rollout\.yaml:\d+:13: schema\/maximum: stages\.3\.weight must be <= 100/,
    );
  });

  it('rollout tick refuses a policy with such a hold with its finding, and commits nothing', async () => {
    const policy = edit(file(ROLLOUT), 'hold: 6h', 'hold: 99999999999999999999w');
    const deployment = edit(
      file(DEPLOY),
      'rollout: null',
      [
        'rollout:',
        '  id: execution-agent-1.0.0-test',
        '  baseline: null',
        '  candidate: 1.0.0',
        '  step: 0',
        '  weight: 5',
        "  since: '2026-01-01T00:00:00.000Z'",
        '  failures: 0',
      ].join('\n'),
    );
    await reg.commit({ [ROLLOUT]: policy, [DEPLOY]: deployment }, { message: 'bad policy' });
    const before = git('rev-parse', 'main');
    const r = await reg.mlops('rollout', 'tick', 'execution-agent');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      `${at(ROLLOUT, policy, 'hold: 99999999999999999999w', 'schema/duration')}`,
    );
    expect(r.err).not.toMatch(/RangeError|internal error/);
    expect(git('rev-parse', 'main')).toBe(before);
    expect(git('status', '--porcelain')).toBe('');
    // put main back for the other tests
    await reg.commit({ [ROLLOUT]: file(ROLLOUT), [DEPLOY]: file(DEPLOY) }, { message: 'restore' });
  });
});

describe('cron schedules are parsed (croner)', () => {
  it.each([
    ['61 * * * *', 'Invalid value for minute: 61'],
    ['* * *', 'a schedule has five fields'],
    ['0 2 * * 0 0', 'a schedule has five fields'],
    ['0 0 L * *', 'day-of-month "L" holds other than digits'],
    ['@daily', 'a schedule has five fields'],
    ['0 0 31 2 *', 'names no date that exists'],
    ['0 25 * * *', 'Invalid value for hour: 25'],
  ])('%s is a finding on its line with the reason', async (schedule, why) => {
    const text = edit(file(RETRAIN), '"0 2 * * 0"', JSON.stringify(schedule));
    const r = await validateTree({ [RETRAIN]: text });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${RETRAIN}:${lineOf(text, 'schedule:')}:11: schema/cron: schedule ${JSON.stringify(schedule)} is not a cron schedule: `,
    );
    expect(r.err).toContain(why);
  });

  it('a valid schedule, with names and steps, passes in both policies', async () => {
    const r = await validateTree({
      [RETRAIN]: edit(file(RETRAIN), '"0 2 * * 0"', '"30 2 1,15 JAN-JUN MON-FRI"'),
      [DRIFT]: edit(file(DRIFT), '"0 * * * *"', '"*/15 * * * *"'),
    });
    expect(r.code, r.err).toBe(0);
  });
});

describe('high_risk_paths: a folder, a path or a glob, else refused', () => {
  it('refuses an entry that is neither, on its line', async () => {
    for (const [entry, why] of [
      ['policies/[a', 'is not a valid glob: Missing closing: "]"'],
      ['../outside/', 'contains ".."'],
      ['!policies/', 'is a negation'],
      ['policies\\x', 'contains a backslash'],
      ['a//b', 'contains an empty or "." folder'],
    ] as const) {
      const text = edit(file(GOVERN), '    - .github/', `    - .github/\n    - '${entry}'`);
      const r = await validateTree({ [GOVERN]: text });
      expect(r.code, entry).toBe(1);
      expect(r.err).toContain(
        `${GOVERN}:${lineOf(text, entry)}:7: schema/path-pattern: risk.high_risk_paths.2 `,
      );
      expect(r.err).toContain(why);
    }
  });

  it('accepts folders, paths and globs', async () => {
    const text = edit(
      file(GOVERN),
      '    - .github/',
      '    - .github/\n    - actions/\n    - policies/*.yaml\n    - "registry/models/*/model.yaml"\n    - .github/CODEOWNERS',
    );
    const r = await validateTree({ [GOVERN]: text });
    expect(r.code, r.err).toBe(0);
  });
});

describe('match_regex runs with RE2', () => {
  it('a pattern RE2 cannot run is a finding on its line, naming why', async () => {
    const base = file(DATA);
    for (const [regex, why] of [
      ['^(a)\\1$', 'backreferences'],
      ['^(?=a)', 'lookahead'],
      ['(?<!x)y', 'lookbehind'],
      ['(unclosed', 'missing closing )'],
    ] as const) {
      const text = `${base.trimEnd()}\n  - type: match_regex\n    column: test_id\n    regex: '${regex}'\n`;
      const r = await validateTree({ [DATA]: text });
      expect(r.code, regex).toBe(1);
      expect(r.err).toContain(
        `${DATA}:${lineOf(text, 'regex:')}:12: schema/regex: expectations.${(base.match(/- type:/g) ?? []).length}.regex is not a pattern RE2 can run: `,
      );
      expect(r.err).toContain(why);
    }
  });

  it('data check with (a+)+$ over a value of 50,000 a-s answers (a backtracking engine never would)', async () => {
    mkdirSync(join(reg.dir, 'datasets'), { recursive: true });
    writeFileSync(join(reg.dir, 'datasets/evil.csv'), `s\n${'a'.repeat(50_000)}!\naaa\n`);
    const add = await reg.mlops('data', 'add', 'datasets/evil.csv');
    expect(add.code, add.err).toBe(0);
    const pointer = readFileSync(join(reg.dir, 'data/evil.yaml'), 'utf8');
    writeFileSync(
      join(reg.dir, 'data/evil.yaml'),
      `${pointer.trimEnd()}\nexpectations:\n  - type: match_regex\n    column: s\n    regex: (a+)+$\n`,
    );
    expect((await reg.mlops('validate')).code).toBe(0);
    const r = await reg.mlops('data', 'check', 'evil', '--json');
    const [result] = JSON.parse(r.out) as { unexpected_count: number; success: boolean }[];
    expect(result).toMatchObject({ unexpected_count: 1, success: false });
    expect(r.code).toBe(1);
  });
});
