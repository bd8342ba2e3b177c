import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalForge } from '../../../src/forge/index.js';
import { openRepo } from '../../../src/repo/index.js';
import { systemExec } from '../../../src/tracking/index.js';
import { exampleDatasets } from '../../../src/demo/datasets.js';
import { loadRecord, type Run } from '../../../src/records/index.js';
import { edit, exampleRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { gitPush, main, type Deps } from './main.js';

// @actions/core caches the summary file's path on first use: one summary file and one output
// file for the whole file, emptied before each test. The registry is a real git repository
// whose `origin` is a bare repository here, so the real `git push` runs.
let reg: TestRegistry;
let scratch: string;
let origin: string;
let summaryFile: string;
let outputFile: string;
let stdout: string[];
let clock = Date.UTC(2026, 1, 1, 2, 0, 0);

const MODEL = 'registry/models/execution-agent/model.yaml';
const current = (p: string) => readFileSync(path.join(reg.dir, p), 'utf8');
const git = (...args: string[]) => execFileSync('git', args, { cwd: reg.dir, encoding: 'utf8' });
const inOrigin = (...args: string[]) =>
  execFileSync('git', [`--git-dir=${origin}`, ...args], { encoding: 'utf8' });
const originBranches = () =>
  inOrigin('for-each-ref', '--format=%(refname:short)', 'refs/heads/').split('\n').filter(Boolean);

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'mlops-train-action-'));
  summaryFile = path.join(scratch, 'step-summary.md');
  outputFile = path.join(scratch, 'output.txt');
  reg = await exampleRegistry();
  await reg.commit({
    [MODEL]: edit(
      reg.files.get(MODEL),
      'command: node training/execution-agent/dist/train.js',
      'command: node training/fake-trainer.mjs',
    ),
    'training/fake-trainer.mjs': readFileSync(
      path.join(import.meta.dirname, '../../../test/fixtures/fake-trainer.mjs'),
      'utf8',
    ),
  });
  mkdirSync(path.join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(path.join(reg.dir, p), t);
  origin = path.join(scratch, 'origin.git');
  execFileSync('git', ['init', '--bare', '--quiet', origin]);
  git('remote', 'add', 'origin', origin);
  // the forge's copy of main, which promotions merge into
  git('push', '--quiet', 'origin', 'main');
});

afterAll(() => {
  reg.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  core.summary.emptyBuffer();
  stdout = [];
  vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
  vi.stubEnv('GITHUB_OUTPUT', outputFile);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

/** Runs the action as a step would: inputs and context in the environment, real git and trainer. */
async function action(
  inputs: Record<string, string>,
  event: { name: string; payload?: unknown } = { name: 'workflow_dispatch' },
) {
  writeFileSync(outputFile, '');
  const eventFile = path.join(scratch, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event.payload ?? {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GITHUB_WORKSPACE: reg.dir,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_ACTOR: 'octocat',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const real = systemExec(env);
  const deps: Deps = {
    // this machine has no GPU, whatever it really has
    exec: (file, args) => (file === 'nvidia-smi' ? Promise.resolve(null) : real(file, args)),
    host: { runner: 'gpu-runner-1', os: 'Linux 6.8.0 x86_64', node: 'v24.0.0' },
    now: () => new Date((clock += 1000)),
    push: gitPush(env),
    // promotions go to a local forge kept in the origin repository, as GitHub keeps them
    forge: async () => new LocalForge(await openRepo(origin), { login: 'mlops-bot' }),
    progressEveryMs: 0,
  };
  await main(env, deps);
  const text = readFileSync(outputFile, 'utf8');
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return {
    outputs,
    log: stdout.join(''),
    summary: readFileSync(summaryFile, 'utf8'),
    failed: process.exitCode === 1,
  };
}

/** A push on its own branch (main stays as the training tests need it): before and after. */
async function push(branch: string, edits: Record<string, string>, from = 'main') {
  const before = git('rev-parse', from).trim();
  const after = await reg.commit(edits, { branch, from });
  return { name: 'push', payload: { before, after } };
}

describe('train action: plan', () => {
  it('a push that changes a training param retrains that model, and says why', async () => {
    const text = edit(current(MODEL), 'learning_rate: 0.1', 'learning_rate: 0.05');
    const event = await push('plan-param', { [MODEL]: text });
    const r = await action({ 'plan-only': 'true' }, event);
    expect(r.failed, r.log).toBe(false);
    expect(JSON.parse(r.outputs.models!)).toEqual(['execution-agent']);
    const reason = 'training.params.learning_rate: 0.1 → 0.05';
    expect(JSON.parse(r.outputs.reasons!)).toEqual({
      'execution-agent': `push ${event.payload.after.slice(0, 7)}: ${reason}`,
    });
    expect(r.summary).toContain(`retrains 1 model:\n\n- **execution-agent**: ${reason}\n`);
  });

  it('a push that changes only a description retrains nothing', async () => {
    const text = edit(current(MODEL), /description: .*/, 'description: Better words.');
    const r = await action(
      { 'plan-only': 'true' },
      await push('plan-description', { [MODEL]: text }),
    );
    expect(r.failed, r.log).toBe(false);
    expect(r.outputs.models).toBe('[]');
    expect(r.summary).toContain('nothing to retrain');
  });

  it('a dataset pointer whose hash changed retrains every model that trains on it', async () => {
    // requirements-agent trains on test-executions too (committed before the push)
    const req = 'registry/models/requirements-agent/model.yaml';
    const both = edit(
      reg.files.get(req),
      'datasets: [requirements-corpus]',
      'datasets: [requirements-corpus, test-executions]',
    );
    await reg.commit({ [req]: both }, { branch: 'plan-data', from: 'main' });
    const pointer = 'data/test-executions.yaml';
    const moved = edit(
      reg.files.get(pointer),
      /hash: sha256:17151a67\w+/,
      `hash: sha256:${'ab'.repeat(32)}`,
    );
    const event = await push('plan-data', { [pointer]: moved }, 'plan-data');
    const r = await action({ 'plan-only': 'true' }, event);
    expect(r.failed, r.log).toBe(false);
    expect(JSON.parse(r.outputs.models!)).toEqual(['execution-agent', 'requirements-agent']);
    expect(r.summary).toContain(
      '- **requirements-agent**: dataset test-executions: sha256:17151a67 → sha256:abababab\n',
    );
  });

  it('a named model is the whole plan; an unknown one fails here, not on the GPU runner', async () => {
    const named = await action({
      'plan-only': 'true',
      model: 'generation-agent-dqn',
      reason: 'drift',
    });
    expect(named.outputs.models).toBe('["generation-agent-dqn"]');
    expect(named.outputs.reasons).toBe('{"generation-agent-dqn":"drift"}');
    const unknown = await action({ 'plan-only': 'true', model: 'nope' });
    expect(unknown.failed).toBe(true);
    expect(unknown.log).toContain(
      '::error::no model "nope" (registry/models/nope/model.yaml does not exist)',
    );
    expect(unknown.outputs.models).toBeUndefined();
  });
});

describe('train action: train', () => {
  it('registers a succeeded run on register/<model>/<run-id>, pushes it and summarizes', async () => {
    const head = git('rev-parse', 'HEAD').trim();
    const r = await action({
      model: 'execution-agent',
      params: '{"mode":"slow"}',
      reason: 'nightly',
      token: 'test-token',
    });
    expect(r.failed, r.log).toBe(false);
    const id = r.outputs['run-id']!;
    expect(id).toMatch(/^\d{8}-\d{6}-execution-agent$/);
    const branch = `register/execution-agent/${id}`;
    expect(r.outputs).toMatchObject({ status: 'succeeded', version: '1.1.0', branch });
    expect(inOrigin('rev-parse', `refs/heads/${branch}`).trim()).toBe(r.outputs.commit);
    const files = inOrigin('diff', '--name-only', head, branch).trim().split('\n').sort();
    expect(files).toEqual([
      'model-cards/execution-agent/1.1.0.md',
      'model-cards/execution-agent/1.1.0.yaml',
      'registry/models/execution-agent/versions/1.1.0.yaml',
      `registry/runs/execution-agent/${id}.yaml`,
    ]);
    const run = inOrigin('show', `${branch}:registry/runs/execution-agent/${id}.yaml`);
    expect(run).toContain('trigger:\n  type: manual\n  reason: nightly\n  actor: octocat\n');
    // the checked-out branch and its commit are as they were
    expect(git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(git('rev-parse', 'HEAD').trim()).toBe(head);
    // the trainer's output and the progress went to the log; the token never did
    expect(r.log).toContain('\ntrained 5 steps\n');
    expect(r.log).toMatch(/\[progress\] starting · 0:00/);
    const tokenLines = r.log.split('\n').filter((l) => l.includes('test-token'));
    expect(tokenLines).toEqual(['::add-mask::test-token']);
    expect(r.log.split('\n').filter((l) => l.includes('::warning::'))).toEqual([]);
    expect(r.summary).toContain(`✅ **succeeded**: run \`${id}\``);
    expect(r.summary).toContain(
      '| metric | this run | production (1.0.0) | Δ | policy threshold |',
    );
    expect(r.summary).toContain('| accuracy | 0.93 | 0.938 | -0.008 | ≥ 0.9 ✅ |');
    expect(r.summary).toContain('| latency_p95_ms | 2.5 | 3 | -0.5 | < 100 ✅ |');
    expect(r.summary).toContain('| precision | — | 0.757 | — |  |');
    expect(r.summary).toContain(
      '- Runner: gpu-runner-1 (Linux 6.8.0 x86_64)\n- GPUs: none\n- Node v24.0.0',
    );
    expect(r.summary).toContain(`Registered execution-agent 1.1.0 (branch \`${branch}\``);
    // handed over to promotion: PR #1 on the forge; this run does not beat production by the
    // 2 % the policy asks, so the PR is marked failing and never merged
    expect(r.outputs).toMatchObject({ pr: '1', decision: 'reject' });
    expect(r.summary).toContain('Promotion: [#1](local:#1), reject (failure: ');
    expect(originBranches()).toContain('promote/execution-agent/1.1.0');
    expect(inOrigin('log', '-1', '--format=%s', 'main').trim()).not.toMatch(/^Merge pull request/);
  });

  it('records a failed run alone on runs/<model>/<run-id>, pushes it and fails the step', async () => {
    const before = originBranches();
    const r = await action({ model: 'execution-agent', params: '{"mode":"fail"}' });
    expect(r.failed).toBe(true);
    const id = r.outputs['run-id']!;
    const branch = `runs/execution-agent/${id}`;
    expect(r.outputs).toMatchObject({ status: 'failed', branch });
    expect(r.outputs.version).toBeUndefined();
    expect(r.log).toContain(`::error::execution-agent: run ${id} failed: exited with code 3\n`);
    expect(r.log).toContain("::warning::no token input: the branch is pushed with the checkout's");
    expect(originBranches()).toEqual([...before, branch].sort());
    const files = inOrigin('show', '--name-only', '--format=', branch).trim().split('\n');
    expect(files).toEqual([`registry/runs/execution-agent/${id}.yaml`]);
    const path = `registry/runs/execution-agent/${id}.yaml`;
    const loaded = loadRecord(path, Buffer.from(inOrigin('show', `${branch}:${path}`)));
    expect(loaded.ok && (loaded.record.value as unknown as Run).status).toBe('failed');
    // no version file anywhere: not on the branch, not in the work tree
    expect(inOrigin('ls-tree', '-r', '--name-only', branch)).not.toMatch(/versions\/1\.[1-9]/);
    expect(git('status', '--porcelain', 'registry/models/')).toBe('');
    expect(r.summary).toContain('**Reason:** exited with code 3');
    expect(r.summary).toContain('```\ntrained 5 steps\nCUDA out of memory (pretend)\n```');
    expect(r.summary).toContain(
      `Nothing was registered; the Run is recorded on branch \`${branch}\``,
    );
  });

  it('a refused push fails the step and says the commit is on a local branch only', async () => {
    git('remote', 'set-url', 'origin', path.join(scratch, 'missing.git'));
    try {
      const r = await action({ model: 'execution-agent' });
      expect(r.failed).toBe(true);
      const id = r.outputs['run-id']!;
      const branch = `register/execution-agent/${id}`;
      expect(r.log).toContain(`::error::git push origin ${branch} failed: `);
      expect(r.log).toContain(`The commit is on the local branch ${branch} only.`);
      expect(git('rev-parse', '--verify', '--quiet', branch).trim()).toMatch(/^[0-9a-f]{40}$/);
      expect(r.outputs.version).toBeUndefined();
    } finally {
      git('remote', 'set-url', 'origin', origin);
    }
  });

  it('never trains a GPU model on a machine without one, and pushes nothing', async () => {
    const before = originBranches();
    const r = await action({ model: 'generation-agent-dqn' });
    expect(r.failed).toBe(true);
    expect(r.log).toContain(
      '::error::generation-agent-dqn needs 1 GPU and this machine has none (nvidia-smi found no device); it is never trained on the CPU instead.',
    );
    expect(r.outputs).toEqual({});
    expect(originBranches()).toEqual(before);
    expect(git('branch', '--list', '*generation-agent-dqn*')).toBe('');
    expect(r.summary).toContain('❌ **not trained**: generation-agent-dqn needs 1 GPU');
  });

  it('refuses to train for a pull request', async () => {
    const r = await action({ model: 'execution-agent' }, { name: 'pull_request' });
    expect(r.failed).toBe(true);
    expect(r.log).toContain('::error::refusing to train for a pull_request event');
    expect(r.outputs).toEqual({});
  });
});
