/**
 * An approval is bound to what it approved: the branch it was merged into, that branch's own
 * line of commits, the model and version, and the time since the version's last rollback; and
 * nobody approves their own commits. Attacks through `mlops promote`, `mlops pr approve` and
 * plain git on real repositories with the local forge.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalForge } from '../src/forge/index.js';
import { verifyMergedPromotion } from '../src/promote/index.js';
import { stepCommit } from '../src/rollout/controller/index.js';
import { edit, exampleRegistry, type TestRegistry } from './helpers/registry.js';
import { TRAINING_IDENTITY, commitAs, person } from './helpers/training-identity.js';

const MODEL = 'execution-agent';
const DIR = `registry/models/${MODEL}`;
const DEPLOYMENT = `${DIR}/deployment.yaml`;
const POLICY = 'policies/governance.yaml';

let reg: TestRegistry;
beforeEach(async () => {
  reg = await exampleRegistry();
});
afterEach(() => reg.cleanup());

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim();
const refs = () => git('for-each-ref', '--format=%(refname) %(objectname)');
const forge = () => new LocalForge(reg.repo, { login: 'mlops-bot' });
const verify = (branch = 'main') =>
  verifyMergedPromotion(reg.repo, forge(), MODEL, '1.1.0', { branch });

/** execution-agent 1.1.0 with `accuracy`, and its card, as the training identity registers them. */
async function register(
  accuracy: number,
  opts: { version?: string; level?: string; arch?: string; branch?: string } = {},
): Promise<void> {
  const version = opts.version ?? '1.1.0';
  let v = reg.files.get(`${DIR}/versions/1.0.0.yaml`)!;
  v = edit(v, 'version: 1.0.0', `version: ${version}`);
  v = edit(v, 'accuracy: 0.938', `accuracy: ${accuracy}`);
  v = edit(
    v,
    'level: major\n  reason: first version',
    `level: ${opts.level ?? 'minor'}\n  reason: retrain`,
  );
  if (opts.arch) v = edit(v, 'type: logistic-regression', `type: ${opts.arch}`);
  v = edit(
    v,
    'model-cards/execution-agent/1.0.0.yaml',
    `model-cards/execution-agent/${version}.yaml`,
  );
  const card = reg.files
    .get(`model-cards/${MODEL}/1.0.0.yaml`)!
    .replace(/^version: 1\.0\.0$/m, `version: ${version}`);
  await commitAs(
    reg,
    TRAINING_IDENTITY,
    { [`${DIR}/versions/${version}.yaml`]: v, [`model-cards/${MODEL}/${version}.yaml`]: card },
    opts.branch ? { branch: opts.branch } : {},
  );
}

/** The Deployment on main with `fields` set (YAML values). */
function deploymentWith(fields: Record<string, string>): string {
  let text = git('show', `main:${DEPLOYMENT}`);
  for (const [k, v] of Object.entries(fields))
    text = text.replace(new RegExp(`^${k}:.*$`, 'm'), `${k}: ${v}`);
  return text;
}

describe('an approval after a rollback', () => {
  it('does not count when the rejected entry is deleted and the candidate set again by a plain commit', async () => {
    await register(0.962);
    const p = await reg.mlops('promote', MODEL, '1.1.0', '--as', 'ana');
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/merged as [0-9a-f]{7}/);
    expect(await verify()).toMatchObject({
      approved: true,
      summary: '#1 auto-approved by policy (low risk, all checks pass)',
    });

    // the rollout controller rolls 1.1.0 back: its step commit, with its trailers
    const step = stepCommit(MODEL, '1.1.0', '1.0.0', 'r1', {
      action: 'rollback',
      reason: 'rollback 1.1.0: error rate 4.0 % is more than 2× the baseline’s 1.0 %',
      figures: {},
      next: null,
    });
    const rollback = await commitAs(
      reg,
      person('mlops-rollout'),
      {
        [DEPLOYMENT]: deploymentWith({
          candidate: 'null',
          rejected: '\n  - version: 1.1.0\n    reason: rolled back',
        }),
      },
      { message: step.message, trailers: step.trailers },
    );
    // the attacker undoes it by hand: the rejection gone, the candidate back
    await commitAs(reg, person('mallory'), {
      [DEPLOYMENT]: deploymentWith({ candidate: '1.1.0', rejected: '[]' }),
    });
    const before = refs();

    const v = await verify();
    expect(v.approved).toBe(false);
    expect(v.lastRejection).toBe(rollback);
    expect(v.summary).toContain(
      `#1 was merged (${git('rev-parse', 'main~2').slice(0, 7)}) before 1.1.0's rollback or abort ${rollback.slice(0, 7)}: a rolled-back version needs a new promotion`,
    );
    expect(refs()).toBe(before);
  });

  it('does not count a rollback made by hand either: the version entering `rejected` is enough', async () => {
    await register(0.962);
    expect((await reg.mlops('promote', MODEL, '1.1.0', '--as', 'ana')).code).toBe(0);
    const rollback = await commitAs(reg, person('ops'), {
      [DEPLOYMENT]: deploymentWith({
        candidate: 'null',
        rejected: '\n  - version: 1.1.0\n    reason: bad',
      }),
    });
    await commitAs(reg, person('mallory'), {
      [DEPLOYMENT]: deploymentWith({ candidate: '1.1.0', rejected: '[]' }),
    });
    expect(await verify()).toMatchObject({ approved: false, lastRejection: rollback });
  });
});

describe('an approval from another branch', () => {
  it('is not accepted for main, even once that branch is merged into main', async () => {
    // a branch whose policy accepts anything, and a weak version promoted into it
    await commitAs(
      reg,
      person('mallory'),
      {
        [POLICY]: edit(
          edit(
            edit(reg.files.get(POLICY), 'min_accuracy: 0.90', 'min_accuracy: 0.10'),
            'min_improvement: 0.02',
            'min_improvement: -1',
          ),
          'max_metric_drop: 0.05',
          'max_metric_drop: 1',
        ),
      },
      { branch: 'staging' },
    );
    await register(0.5, { branch: 'staging' });
    const p = await reg.mlops(
      'promote',
      MODEL,
      '1.1.0',
      '--base',
      'staging',
      '--from',
      'staging',
      '--as',
      'mallory',
    );
    expect(p.code, p.out + p.err).toBe(0);
    expect(p.out).toMatch(/auto-approve/);
    expect(p.out).toMatch(/merged as [0-9a-f]{7}/);
    // on main, 1.1.0's promotion judged by main's policy would be rejected
    const judged = await reg.mlops(
      'govern',
      MODEL,
      '1.1.0',
      '--base',
      'main',
      '--ref',
      'staging',
      '--json',
    );
    expect(JSON.parse(judged.out)).toMatchObject({ decision: 'reject' });

    // staging reaches main by a plain merge: main's candidate is 1.1.0
    execFileSync(
      'git',
      [
        '-c',
        'user.name=mallory',
        '-c',
        'user.email=m@x',
        'merge',
        '--no-ff',
        '-q',
        '-m',
        'merge staging',
        'staging',
      ],
      { cwd: reg.dir },
    );
    expect(git('show', `main:${DEPLOYMENT}`)).toMatch(/^candidate: 1\.1\.0$/m);
    const before = refs();
    const v = await verify('main');
    expect(v.approved).toBe(false);
    expect(v.summary).toContain('#1 was merged into staging, not main');
    // for staging itself the approval stands: it is bound to the branch it was merged into
    expect((await verify('staging')).approved).toBe(true);
    expect(refs()).toBe(before);
  });
});

describe("an approver's own commit on the pull request", () => {
  it('makes their approval not count, and the pull request does not merge', async () => {
    // a major version with a new architecture: high risk, it needs an approver
    await register(0.97, { version: '2.0.0', level: 'major', arch: 'gradient-boosting' });
    const p = await reg.mlops('promote', MODEL, '2.0.0', '--as', 'mlops-bot');
    expect(p.code, p.err).toBe(0);
    expect(p.out).toContain('needs-review');
    // the approver pushes a commit of their own to the bot's pull request, then approves
    const own = await commitAs(
      reg,
      person('qa-leads'),
      { [`model-cards/${MODEL}/2.0.0.md`]: '# execution-agent 2.0.0\n\nnotes\n' },
      { branch: `promote/${MODEL}/2.0.0` },
    );
    const mainBefore = git('rev-parse', 'main');
    const approve = await reg.mlops('pr', 'approve', '1', '--as', 'qa-leads');
    expect(approve.code, approve.err).toBe(0);
    expect(approve.out).toContain('mlops/governance: pending');
    expect(approve.out).not.toContain('merged #1');
    const show = await reg.mlops('pr', 'show', '1');
    expect(show.out).toContain('state:      open');
    expect(show.out).toContain(
      `@qa-leads's review does not count: authored commit ${own.slice(0, 7)} of the pull request: nobody approves their own change`,
    );
    expect((await reg.mlops('pr', 'merge', '1')).code).toBe(1);
    expect(git('rev-parse', 'main')).toBe(mainBefore);

    // another approver, who wrote nothing in it, approves: it merges
    const ok = await reg.mlops('pr', 'approve', '1', '--as', 'ml-leads');
    expect(ok.out).toMatch(/merged #1 as [0-9a-f]{7}/);
    expect(git('log', '-1', '--format=%B', 'main')).toContain('Approved-by: ml-leads');
    expect(git('log', '-1', '--format=%B', 'main')).not.toContain('Approved-by: qa-leads');
  });
});
