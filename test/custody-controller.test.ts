/**
 * The controller never trusts the Deployment it reads: attacks on main, tried as an attacker
 * would with plain commits, and refused by `mlops rollout tick` / `start` (and the rollout
 * Action) with a clear reason, the "Rollout refused" issue, and main unchanged.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { LocalForge } from '../src/forge/index.js';
import { DEPLOYMENT, MODEL, promoteApproved, registerVersion } from './helpers/custody.js';
import { edit, exampleRegistry, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
afterEach(() => reg.cleanup());

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' });
const t0 = new Date('2026-03-01T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);

async function mlops(when: Date, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    cwd: reg.dir,
    env: { GIT_AUTHOR_NAME: 'Eve', GIT_AUTHOR_EMAIL: 'eve@example.com' },
    now: () => when,
    isTTY: false,
  });
  return { code, out, err };
}

/** A rollout block as an attacker writes it: the candidate at 100 %, its holds long over. */
function handWritten(version: string): string {
  return [
    'rollout:',
    `  id: ${MODEL}-${version}-20260101T0000Z`,
    '  baseline: 1.0.0',
    `  candidate: ${version}`,
    '  step: 3',
    '  weight: 100',
    '  since: "2026-01-01T00:00:00.000Z"',
    '  failures: 0',
  ].join('\n');
}

/** What the attacks must leave as they found it: main's tip and a clean work tree. */
function state() {
  return { main: git('rev-parse', 'main').trim(), status: git('status', '--porcelain') };
}

async function refusedIssue() {
  return new LocalForge(reg.repo, { login: 'eve' }).findIssue(`Rollout refused: ${MODEL} 1.1.0`);
}

describe('the controller re-verifies before every step that moves traffic or production', () => {
  it('refuses a hand-written rollout block at 100 % committed straight on main for an unapproved version', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    const dep = reg.files.get(DEPLOYMENT)!;
    await reg.commit(
      {
        [DEPLOYMENT]: edit(
          edit(dep, 'candidate: null', 'candidate: 1.1.0'),
          'rollout: null',
          handWritten('1.1.0'),
        ),
      },
      { message: 'ship 1.1.0' },
    );
    const before = state();
    const r = await mlops(at(1), 'rollout', 'tick');
    expect(r.code, r.out).toBe(1);
    expect(r.err).toMatch(
      /^mlops: execution-agent 1\.1\.0 is not moved \(promote refused\): execution-agent 1\.1\.0 reached [^\n]* without a merged promotion pull request/,
    );
    expect(r.err).toContain('issue #1: Rollout refused: execution-agent 1.1.0');
    expect(state()).toEqual(before);
    const issue = await refusedIssue();
    expect(issue?.body).toContain('was not moved (promote refused)');
    // run again: the same issue is updated, not a second one opened; still nothing committed
    expect((await mlops(at(2), 'rollout', 'tick')).code).toBe(1);
    expect((await refusedIssue())?.number).toBe(1);
    expect(state()).toEqual(before);
  });

  it('refuses a hand-written rollout block for an approved candidate: custody names the commit', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    await promoteApproved(reg);
    const dep = git('show', `main:${DEPLOYMENT}`);
    await reg.commit(
      { [DEPLOYMENT]: edit(dep, 'rollout: null', handWritten('1.1.0')) },
      { message: 'skip the stages' },
    );
    const before = state();
    const r = await mlops(at(1), 'rollout', 'tick', MODEL);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /is not moved \(promote refused\): rollout changed by a commit that is not a rollout controller step \([0-9a-f]{7} "skip the stages" by Test <test@example\.com>\)/,
    );
    expect(state()).toEqual(before);
    expect((await refusedIssue())?.body).toContain('changed outside the rollout controller');
  });

  it('refuses to act for a model whose production was edited by hand on main', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg, '1.1.0', 0.95);
    await reg.commit(
      { [DEPLOYMENT]: edit(reg.files.get(DEPLOYMENT), 'production: 1.0.0', 'production: 1.1.0') },
      { message: 'hotfix production' },
    );
    // a version legitimately promoted afterwards does not launder the hand edit
    await registerVersion(reg, '1.2.0', 0.972);
    await promoteApproved(reg, '1.2.0');
    const before = state();
    const r = await mlops(at(1), 'rollout', 'start', MODEL);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^mlops: execution-agent 1\.2\.0 is not rolled out: production changed by a commit that is not a rollout controller step \([0-9a-f]{7} "hotfix production" by Test <test@example\.com>\)/,
    );
    expect(state()).toEqual(before);
    const issue = await new LocalForge(reg.repo, { login: 'eve' }).findIssue(
      `Rollout refused: ${MODEL} 1.2.0`,
    );
    expect(issue?.body).toContain('hotfix production');
  });

  it('never holds up an abort of a rollout it would refuse to move', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    const dep = reg.files.get(DEPLOYMENT)!;
    await reg.commit({
      [DEPLOYMENT]: edit(
        edit(dep, 'candidate: null', 'candidate: 1.1.0'),
        'rollout: null',
        handWritten('1.1.0'),
      ),
    });
    const r = await mlops(at(1), 'rollout', 'abort', MODEL, '--reason', 'not ours');
    expect(r.code, r.err).toBe(0);
    expect(git('show', `main:${DEPLOYMENT}`)).toMatch(/^rollout: null$/m);
    expect(git('show', `main:registry/models/${MODEL}/traffic/nginx.conf`)).toMatch(
      /default control;/,
    );
  });
});
