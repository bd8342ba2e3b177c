import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalForge } from '../../../src/forge/index.js';
import { readStatuses } from '../../../src/forge/index.js';
import { actionStep, type StepResult } from '../../../test/helpers/action-step.js';
import { edit, exampleRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { main } from './main.js';

const VERSIONS = 'registry/models/execution-agent/versions';
const DEPLOYMENT = 'registry/models/execution-agent/deployment.yaml';
const step = actionStep('governance');
let reg: TestRegistry;
let scratch: string;
let last: StepResult | undefined;

beforeEach(async () => {
  reg = await exampleRegistry();
  scratch = mkdtempSync(path.join(tmpdir(), 'governance-action-'));
  last = undefined;
  step.capture();
});
afterEach(() => {
  step.release();
  reg.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim();
const errors = () => last?.errors ?? [];
const forge = () => new LocalForge(reg.repo, { login: 'mlops-bot' });

async function action(prNumber: number, event = 'pull_request', the = forge) {
  const payload = { pull_request: { number: prNumber, base: { sha: git('rev-parse', 'main') } } };
  const env = step.prepare(scratch, reg.dir, { name: event, payload }, { merge: 'true' });
  // each run's summary alone, as each job has its own
  writeFileSync(step.summary, '');
  await main(env, { forge: () => Promise.resolve(the()) });
  last = step.result(scratch);
  return last.outputs;
}

describe('governance action', () => {
  it('keeps a high-risk promotion pending until an approver approves its latest commit, then merges it', async () => {
    let v2 = edit(reg.files.get(`${VERSIONS}/1.0.0.yaml`), 'version: 1.0.0', 'version: 2.0.0');
    v2 = edit(v2, 'accuracy: 0.938', 'accuracy: 0.962');
    v2 = edit(v2, 'type: logistic-regression', 'type: gradient-boosting');
    await reg.commit({ [`${VERSIONS}/2.0.0.yaml`]: v2 });
    const p = await reg.mlops('promote', 'execution-agent', '2.0.0', '--no-merge', '--as', 'ana');
    expect(p.code, p.err).toBe(0);

    expect(await action(1)).toEqual({ decision: 'needs-review', status: 'pending' });
    expect(readFileSync(step.summary, 'utf8')).toMatch(
      /### execution-agent 2\.0\.0[\s\S]*\| check \| value \| threshold \| result \|/,
    );
    const pr = await forge().getPullRequest(1);
    expect(pr.state).toBe('open');
    expect(pr.labels).toEqual(['risk:high']);
    expect(errors()).toEqual([]);

    await forge().submitReview(1, {
      state: 'APPROVED',
      body: 'ok',
      commitId: pr.headSha,
      user: 'ml-leads',
    });
    expect(await action(1, 'pull_request_review')).toEqual({
      decision: 'needs-review',
      status: 'success',
    });
    expect((await forge().getPullRequest(1)).state).toBe('merged');
    expect(git('log', '-1', '--format=%s', 'main')).toBe(
      'Merge pull request #1 from promote/execution-agent/2.0.0',
    );
    expect(git('log', '-1', '--format=%B', 'main')).toContain('Approved-by: ml-leads');
  });

  it('judges a hand-edited Deployment on any branch, and fails a candidate that is not registered', async () => {
    const deployment = reg.files.get(DEPLOYMENT)!.replace(/^candidate: null$/m, 'candidate: 9.9.9');
    await reg.commit({ [DEPLOYMENT]: deployment }, { branch: 'sneaky', from: 'main' });
    const pr = await forge().createPullRequest({
      title: 'ship it',
      body: '',
      head: 'sneaky',
      base: 'main',
    });
    expect(await action(pr.number)).toEqual({ decision: 'reject', status: 'failure' });
    const [status] = await readStatuses(reg.repo, pr.headSha);
    expect(status).toMatchObject({ context: 'mlops/governance', state: 'failure' });
    // validation refuses it first, and says where
    expect(status!.description).toContain(
      'registry/models/execution-agent/deployment.yaml:6:12: reference: version 9.9.9 of execution-agent (not registered) does not exist',
    );
    expect(errors()).toEqual([expect.stringContaining('9.9.9') as unknown]);
    // and an annotation on the line validation names
    expect(last!.log).toContain(
      '::error title=validation refuses this change,file=registry/models/execution-agent/deployment.yaml,line=6,col=12::reference: version 9.9.9 of execution-agent (not registered) does not exist',
    );
    expect(readFileSync(step.summary, 'utf8')).toContain('9.9.9 is not registered');
    expect((await forge().getPullRequest(pr.number)).state).toBe('open');
  });

  it('passes a pull request that promotes nothing, so the status can be required of every PR', async () => {
    await reg.commit({ 'README.md': 'docs\n' }, { branch: 'docs', from: 'main' });
    const pr = await forge().createPullRequest({
      title: 'docs',
      body: '',
      head: 'docs',
      base: 'main',
    });
    expect(await action(pr.number)).toEqual({});
    expect(await readStatuses(reg.repo, pr.headSha)).toEqual([
      expect.objectContaining({
        context: 'mlops/governance',
        state: 'success',
        description: "promotes nothing: no Deployment's candidate changes",
      }),
    ]);
    expect(errors()).toEqual([]);
  });

  it('fails a pull request that promotes nothing but that validation refuses', async () => {
    // an immutable version edited in place: no candidate changes, and validation refuses it
    const path = `${VERSIONS}/1.0.0.yaml`;
    const tampered = edit(reg.files.get(path), 'accuracy: 0.938', 'accuracy: 0.999');
    await reg.commit({ [path]: tampered }, { branch: 'tweak', from: 'main' });
    const pr = await forge().createPullRequest({
      title: 'tweak',
      body: '',
      head: 'tweak',
      base: 'main',
    });
    const mainBefore = git('rev-parse', 'main');
    expect(await action(pr.number)).toEqual({});
    expect(last!.failed).toBe(true);
    const [status] = await readStatuses(reg.repo, pr.headSha);
    expect(status).toMatchObject({ context: 'mlops/governance', state: 'failure' });
    expect(status!.description).toMatch(
      /^validation refuses the change: registry\/models\/execution-agent\/versions\/1\.0\.0\.yaml:\d+:\d+: /,
    );
    expect(last!.log).toMatch(
      /::error title=validation refuses this change,file=registry\/models\/execution-agent\/versions\/1\.0\.0\.yaml,line=\d+/,
    );
    expect((await forge().getPullRequest(pr.number)).state).toBe('open');
    expect(git('rev-parse', 'main')).toBe(mainBefore);
  });

  it("warns, not fails, when a fork's read-only token cannot set the status of a PR that promotes nothing", async () => {
    await reg.commit({ 'README.md': 'docs\n' }, { branch: 'docs', from: 'main' });
    const pr = await forge().createPullRequest({
      title: 'docs',
      body: '',
      head: 'docs',
      base: 'main',
    });
    const readOnly = () => {
      const f = forge();
      f.createCommitStatus = () =>
        Promise.reject(new Error('Resource not accessible by integration (403)'));
      return f;
    };
    expect(await action(pr.number, 'pull_request', readOnly)).toEqual({});
    expect(last!.failed).toBe(false);
    expect(last!.warnings.join('\n')).toMatch(
      /could not set mlops\/governance on #1 \(Resource not accessible by integration \(403\)\)/,
    );
    expect(await readStatuses(reg.repo, pr.headSha)).toEqual([]);
  });
});
