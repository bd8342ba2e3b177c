import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import type { Run } from '../src/records/index.js';
import { exampleRegistry, edit, type TestRegistry } from './helpers/registry.js';
import { TRAINING_ENV } from './helpers/training-identity.js';

let reg: TestRegistry;
afterEach(() => reg.cleanup());

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' });
const VERSIONS = 'registry/models/execution-agent/versions';

async function registry(): Promise<TestRegistry> {
  reg = await exampleRegistry();
  reg.env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
  return reg;
}

/** train → register, for real: the TypeScript trainer on the example data, as the training identity. */
async function trainAndRegister(): Promise<string> {
  const env = { ...reg.env };
  Object.assign(reg.env, TRAINING_ENV);
  try {
    const t = await reg.mlops('train', 'execution-agent', '-q', '--json');
    expect(t.code, t.err).toBe(0);
    const [run] = JSON.parse(t.out) as Run[];
    const r = await reg.mlops('register', 'execution-agent', '--run', run!.id);
    expect(r.code, r.err).toBe(0);
    return run!.id;
  } finally {
    reg.env = env;
  }
}

describe('promotion through a pull request on the local forge', () => {
  it('train → register → promote opens PR #1, and a low-risk version is merged by policy', async () => {
    await registry();
    await trainAndRegister();
    const p = await reg.mlops('promote', 'execution-agent', '1.1.0', '--as', 'ana', '--json');
    expect(p.code, p.err).toBe(0);
    const out = JSON.parse(p.out) as {
      pr: { number: number; title: string; head: string };
      created: boolean;
      decision: string;
      risk: { level: string };
      status: { state: string; description: string };
      merged: string | null;
    };
    expect(out).toMatchObject({
      pr: {
        number: 1,
        title: 'Promote execution-agent 1.1.0 to staging',
        head: 'promote/execution-agent/1.1.0',
      },
      created: true,
      decision: 'auto-approve',
      risk: { level: 'low' },
      status: { state: 'success' },
    });
    expect(out.merged).toMatch(/^[0-9a-f]{40}$/);
    // a real merge commit on main, the decision and the audit trailers in its message
    expect(git('log', '-1', '--format=%P', 'main').trim().split(' ')).toHaveLength(2);
    const message = git('log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^Merge pull request #1 from promote\/execution-agent\/1\.1\.0\n/);
    expect(message).toContain('Model: execution-agent\nVersion: 1.1.0\nStage: Staging\n');
    expect(message).toContain('Decision: auto-approve: low risk, all checks pass');
    expect(git('show', 'main:registry/models/execution-agent/deployment.yaml')).toMatch(
      /^candidate: 1\.1\.0$/m,
    );
    // the PR shows why: checks, comparison with production, lineage, card
    const show = await reg.mlops('pr', 'show', '1');
    expect(show.out).toContain('state:      merged');
    expect(show.out).toContain('labels:     risk:low');
    expect(show.out).toMatch(/\| accuracy \| 0\.9\d+ \| ≥ 0\.9 \| ✅ \|/);
    expect(show.out).toContain('```mermaid');
    expect(show.out).toContain('| **accuracy** (primary) | 0.938 |');
    expect(show.out).toContain('- **Data:** test-executions `sha256:17151a67…`');
    expect((await reg.mlops('validate')).code).toBe(0);
  }, 60_000);

  it('re-running promote updates the same pull request, never a second', async () => {
    await registry();
    await trainAndRegister();
    const first = await reg.mlops('promote', 'execution-agent', '1.1.0', '--no-merge', '--json');
    const again = await reg.mlops('promote', 'execution-agent', '1.1.0', '--no-merge', '--json');
    const a = JSON.parse(first.out) as { pr: { number: number }; head: string; created: boolean };
    const b = JSON.parse(again.out) as { pr: { number: number }; head: string; created: boolean };
    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.pr.number).toBe(a.pr.number);
    // nothing changed on the base: the same head, so approvals given stay valid
    expect(b.head).toBe(a.head);
    expect((await reg.mlops('pr', 'list', '--json')).out.match(/"number"/g)).toHaveLength(1);
  }, 60_000);

  it('a high-risk version waits for an approver; its author’s approval does not count', async () => {
    await registry();
    // a new architecture: a major version, high risk by policy
    const v1 = reg.files.get(`${VERSIONS}/1.0.0.yaml`)!;
    let v2 = edit(v1, 'version: 1.0.0', 'version: 2.0.0');
    v2 = edit(v2, 'accuracy: 0.938', 'accuracy: 0.962');
    v2 = edit(v2, 'type: logistic-regression', 'type: gradient-boosting');
    v2 = edit(
      v2,
      'level: major\n  reason: first version',
      'level: major\n  reason: gradient boosting',
    );
    await reg.commit({
      [`${VERSIONS}/2.0.0.yaml`]: v2.replace(
        'model-cards/execution-agent/1.0.0.yaml',
        'model-cards/execution-agent/1.0.0.yaml',
      ),
    });
    const p = await reg.mlops('promote', 'execution-agent', '2.0.0', '--as', 'ana');
    expect(p.code, p.err).toBe(0);
    expect(p.out).toContain('opened #1 Promote execution-agent 2.0.0 to staging');
    expect(p.out).toMatch(/needs-review, risk high: .*architecture/);
    expect(p.out).toContain('governance: pending: high risk: waiting for 1 approval(s) by');
    const mainBefore = git('rev-parse', 'main').trim();

    // the author approves their own promotion: recorded, but it does not count
    const own = await reg.mlops('pr', 'approve', '1', '--as', 'ana');
    expect(own.code).toBe(0);
    expect(own.out).toContain('mlops/governance: pending');
    expect(git('rev-parse', 'main').trim()).toBe(mainBefore);
    expect((await reg.mlops('pr', 'merge', '1')).code).toBe(1);

    // an approver approves the latest commit: governance passes and it merges
    const ok = await reg.mlops('pr', 'approve', '1', '--as', 'qa-leads');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/merged #1 as [0-9a-f]{7}/);
    const message = git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Approved-by: qa-leads');
    expect(message).toMatch(/Decision: approved: .*architecture/);
    const govern = await reg.mlops('pr', 'show', '1');
    expect(govern.out).toMatch(/ana +APPROVED/);
  }, 60_000);

  it('refuses to promote a version that is not registered', async () => {
    await registry();
    const r = await reg.mlops('promote', 'execution-agent', '9.9.9');
    expect(r.code).toBe(1);
    expect(r.err).toContain('execution-agent 9.9.9 is not registered');
    expect(git('branch', '--list', 'promote/*').trim()).toBe('');
  });
});

// keep the file's fixtures honest: the trainer the example model runs is the bundled one
it('the example model trains with the bundled trainer', () => {
  expect(
    readFileSync(join(__dirname, '..', 'registry/models/execution-agent/model.yaml'), 'utf8'),
  ).toContain('command: node training/execution-agent/dist/train.js');
});
