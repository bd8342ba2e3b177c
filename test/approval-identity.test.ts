/**
 * Auto-approval requires the registration to come from the training identity, verified
 * through the forge. Attacks: a hand-registered version promoted with `mlops promote` on the
 * local forge, and on GitHub (the governance Action against the GitHub double, which checks
 * every request against GitHub's OpenAPI description) a registration that claims the bot's
 * name but whose signature GitHub did not verify.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as governanceAction } from '../actions/governance/src/main.js';
import { createGitHubForge } from '../src/forge/index.js';
import { actionStep } from './helpers/action-step.js';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.js';
import { edit, exampleRegistry, type TestRegistry } from './helpers/registry.js';
import { TRAINING_IDENTITY, commitAs, person, type Who } from './helpers/training-identity.js';

const MODEL = 'execution-agent';
const DIR = `registry/models/${MODEL}`;
const BRANCH = `promote/${MODEL}/1.1.0`;

let reg: TestRegistry;
let scratch: string;
const step = actionStep('governance');
beforeEach(async () => {
  reg = await exampleRegistry();
  scratch = mkdtempSync(path.join(tmpdir(), 'approval-identity-'));
  step.capture();
});
afterEach(() => {
  step.release();
  reg.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim();
const refs = () => git('for-each-ref', '--format=%(refname) %(objectname)');

/** A 1.1.0 that beats production by 2.6 %, with its card, committed by `who`. */
async function register(who: Who, opts: { branch?: string } = {}): Promise<string> {
  let v = reg.files.get(`${DIR}/versions/1.0.0.yaml`)!;
  v = edit(v, 'version: 1.0.0', 'version: 1.1.0');
  v = edit(v, 'accuracy: 0.938', 'accuracy: 0.962');
  v = edit(v, 'level: major\n  reason: first version', 'level: minor\n  reason: retrain');
  v = edit(
    v,
    'card: model-cards/execution-agent/1.0.0.yaml',
    'card: model-cards/execution-agent/1.1.0.yaml',
  );
  const card = reg.files
    .get(`model-cards/${MODEL}/1.0.0.yaml`)!
    .replace(/^version: 1\.0\.0$/m, 'version: 1.1.0');
  return commitAs(
    reg,
    who,
    { [`${DIR}/versions/1.1.0.yaml`]: v, [`model-cards/${MODEL}/1.1.0.yaml`]: card },
    opts,
  );
}

describe('a hand-registered version', () => {
  it('is high risk on the local forge, names who registered it, and is not merged', async () => {
    const commit = await register(person('mallory'));
    const mainBefore = git('rev-parse', 'main');
    const p = await reg.mlops('promote', MODEL, '1.1.0', '--as', 'mallory', '--json');
    expect(p.code, p.err).toBe(0);
    const out = JSON.parse(p.out) as {
      decision: string;
      risk: { level: string; reasons: string[]; ids: string[] };
      status: { state: string };
      merged: string | null;
    };
    expect(out).toMatchObject({
      decision: 'needs-review',
      risk: { level: 'high' },
      status: { state: 'pending' },
      merged: null,
    });
    expect(out.risk.reasons).toEqual([
      `1.1.0 was registered by @mallory (commit ${commit.slice(0, 7)}), not by the training identity @mlops-bot`,
    ]);
    expect(git('rev-parse', 'main')).toBe(mainBefore);

    // `mlops govern` judges it the same way
    const govern = await reg.mlops('govern', MODEL, '1.1.0', '--ref', BRANCH, '--json');
    expect(JSON.parse(govern.out)).toMatchObject({
      decision: 'needs-review',
      risk: { ids: ['registration'] },
    });
  });

  it('a version the training identity registered is auto-approved (the local forge reads the author as written)', async () => {
    await register(TRAINING_IDENTITY);
    const p = await reg.mlops('promote', MODEL, '1.1.0', '--as', 'ana', '--json');
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(p.out)).toMatchObject({ decision: 'auto-approve', risk: { level: 'low' } });
  });
});

describe('a registration on its own branch', () => {
  it('is carried into the promotion as its author made it, so who registered it stays verifiable', async () => {
    const registration = await register(TRAINING_IDENTITY, { branch: `register/${MODEL}/r1` });
    reg.env.GIT_AUTHOR_NAME = 'Ana';
    reg.env.GIT_AUTHOR_EMAIL = 'ana@users.noreply.local';
    const p = await reg.mlops(
      'promote',
      MODEL,
      '1.1.0',
      '--from',
      `register/${MODEL}/r1`,
      '--as',
      'ana',
      '--json',
    );
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(p.out)).toMatchObject({ decision: 'auto-approve' });
    // the merged pull request holds the training identity's commit itself, then ana's promotion
    expect(git('log', '--format=%H %an', 'main^2', '-2').split('\n')).toEqual([
      expect.stringMatching(/^[0-9a-f]{40} Ana$/) as unknown,
      `${registration} mlops-bot`,
    ]);
  });

  it('copied by someone else when the base moved on, it is their registration', async () => {
    await register(TRAINING_IDENTITY, { branch: `register/${MODEL}/r1` });
    await commitAs(reg, person('ops'), { 'docs/notes.md': 'main moves on\n' });
    reg.env.GIT_AUTHOR_NAME = 'Ana';
    reg.env.GIT_AUTHOR_EMAIL = 'ana@users.noreply.local';
    const p = await reg.mlops(
      'promote',
      MODEL,
      '1.1.0',
      '--from',
      `register/${MODEL}/r1`,
      '--json',
    );
    expect(p.code, p.err).toBe(0);
    const out = JSON.parse(p.out) as { decision: string; risk: { reasons: string[] } };
    expect(out.decision).toBe('needs-review');
    expect(out.risk.reasons[0]).toMatch(
      /^1\.1\.0 was registered by @ana \(commit [0-9a-f]{7}\), not by the training identity @mlops-bot$/,
    );
  });
});

describe('on GitHub (the governance Action against the GitHub double)', () => {
  let gh: GitHubDouble;
  beforeEach(async () => {
    gh = await startGitHubDouble({ tokens: { 'bot-token': 'mlops-bot' } });
  });
  afterEach(async () => {
    expect(gh.violations).toEqual([]);
    await gh.close();
  });

  /** The promotion branch as `mlops promote` makes it, mirrored on the double as PR #1. */
  async function pullRequest(): Promise<{ registration: string; head: string }> {
    const registration = await register(TRAINING_IDENTITY, { branch: BRANCH });
    const deployment = edit(
      reg.files.get(`${DIR}/deployment.yaml`),
      'candidate: null',
      'candidate: 1.1.0',
    );
    const head = await commitAs(
      reg,
      person('ana'),
      { [`${DIR}/deployment.yaml`]: deployment },
      {
        branch: BRANCH,
      },
    );
    gh.setBranch('main', git('rev-parse', 'main'));
    gh.setBranch(BRANCH, head);
    gh.seedPull({
      head: BRANCH,
      base: 'main',
      title: 'Promote execution-agent 1.1.0',
      author: 'ana',
    });
    gh.setPullCommits(1, [registration, head]);
    gh.seedCommit(head, { author: 'ana', verified: true });
    return { registration, head };
  }

  async function runAction() {
    const payload = { pull_request: { number: 1, base: { sha: git('rev-parse', 'main') } } };
    const env = step.prepare(
      scratch,
      reg.dir,
      { name: 'pull_request', payload },
      { merge: 'true' },
    );
    await governanceAction(env, {
      forge: () =>
        Promise.resolve(
          createGitHubForge({
            token: 'bot-token',
            repository: 'acme/models',
            baseUrl: gh.url,
            timing: { retryBaseMs: 1, rateLimitSecondMs: 1, paceWrites: false },
          }),
        ),
    });
    return step.result(scratch);
  }

  it('a registration that says it is the bot, but whose signature GitHub did not verify, is high risk and not merged', async () => {
    const { registration } = await pullRequest();
    // written as mlops-bot, mapped by GitHub to the bot account, but unsigned
    gh.seedCommit(registration, { author: 'mlops-bot', verified: false });
    const before = refs();
    const r = await runAction();
    expect(r.outputs).toEqual({ decision: 'needs-review', status: 'pending' });
    expect(r.summary).toContain(
      `1.1.0's registering commit ${registration.slice(0, 7)} says it is by @mlops-bot, but GitHub did not verify its signature`,
    );
    expect(gh.state.merges).toEqual([]);
    expect(gh.state.pulls.get(1)!.state).toBe('open');
    expect(gh.state.statuses.at(-1)).toMatchObject({
      state: 'pending',
      context: 'mlops/governance',
    });
    expect(refs()).toBe(before);
    expect(gh.requests.some((q) => q.operationId === 'repos/get-commit')).toBe(true);
  });

  it('a registration by another account is high risk, even when signed', async () => {
    const { registration } = await pullRequest();
    gh.seedCommit(registration, { author: 'mallory', verified: true });
    const r = await runAction();
    expect(r.outputs).toEqual({ decision: 'needs-review', status: 'pending' });
    expect(r.summary).toContain(
      `1.1.0 was registered by @mallory (commit ${registration.slice(0, 7)}), not by the training identity @mlops-bot`,
    );
    expect(gh.state.merges).toEqual([]);
  });

  it("the bot's verified registration is auto-approved and merged", async () => {
    const { registration } = await pullRequest();
    gh.seedCommit(registration, { author: 'mlops-bot', verified: true });
    const r = await runAction();
    expect(r.outputs).toEqual({ decision: 'auto-approve', status: 'success' });
    expect(gh.state.merges).toHaveLength(1);
    expect(gh.state.merges[0]!.message).toContain('Approved-by: policy');
  });
});
