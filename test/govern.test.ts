import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Review } from '../src/forge/port.js';
import {
  evaluateGovernance,
  governanceInputsAt,
  governanceMarkdown,
  verifyApproval,
  type GovernanceResult,
} from '../src/governance/index.js';
import { loadRecord } from '../src/records/index.js';
import { exampleRegistry, edit, type TestRegistry } from './helpers/registry.js';
import { TRAINING_IDENTITY, commitAs } from './helpers/training-identity.js';

const DIR = 'registry/models/execution-agent';
const DEPLOYMENT = `${DIR}/deployment.yaml`;
const POLICY = 'policies/governance.yaml';
const versionPath = (v: string) => `${DIR}/versions/${v}.yaml`;

let reg: TestRegistry;
beforeEach(async () => {
  reg = await exampleRegistry();
});
afterEach(() => reg.cleanup());

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: reg.dir,
    encoding: 'utf8',
  });

/**
 * execution-agent's 1.0.0 record as another version: accuracy as given (1.0.0 has 0.938), a
 * minor retrain unless told otherwise; checked against the schema.
 */
function versionYaml(
  v: string,
  opts: { accuracy: number; arch?: string; level?: 'major' | 'minor'; precision?: number },
): string {
  let text = reg.files.get(versionPath('1.0.0'));
  text = edit(text, 'version: 1.0.0', `version: ${v}`);
  text = edit(text, 'execution-agent/1.0.0/model.json', `execution-agent/${v}/model.json`);
  text = edit(
    text,
    'card: model-cards/execution-agent/1.0.0.yaml',
    `card: model-cards/execution-agent/${v}.yaml`,
  );
  text = edit(text, 'metrics:\n  accuracy: 0.938', `metrics:\n  accuracy: ${opts.accuracy}`);
  if (opts.precision !== undefined)
    text = edit(text, 'precision: 0.84', `precision: ${opts.precision}`);
  if (opts.arch) text = edit(text, 'type: logistic-regression', `type: ${opts.arch}`);
  const level = opts.level ?? 'minor';
  text = edit(
    text,
    'level: major\n  reason: first version',
    `level: ${level}\n  reason: ${level === 'major' ? `new architecture (${opts.arch ?? 'same'})` : 'weekly retrain'}`,
  );
  const loaded = loadRecord(versionPath(v), new TextEncoder().encode(text));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.findings));
  return text;
}

/** The deployment with these fields replaced (`candidate: 1.1.0`). */
function deployment(fields: { production?: string; candidate?: string; archived?: string }) {
  let text = reg.files.get(DEPLOYMENT) ?? '';
  if (fields.production) text = edit(text, 'production: 1.0.0', `production: ${fields.production}`);
  if (fields.candidate) text = edit(text, 'candidate: null', `candidate: ${fields.candidate}`);
  if (fields.archived) text = edit(text, 'archived: []', `archived: [${fields.archived}]`);
  return text;
}

/**
 * A promotion branch from main (as `mlops promote` makes one): the deployment's candidate set.
 * Version records among `extra` are registered first by the training identity, as training does.
 */
async function promote(v: string, extra: Record<string, string | null> = {}) {
  const branch = `promote/execution-agent/${v}`;
  const versions = Object.entries(extra).filter(([p]) => p.includes('/versions/'));
  const rest = Object.entries(extra).filter(([p]) => !p.includes('/versions/'));
  if (versions.length)
    await commitAs(reg, TRAINING_IDENTITY, Object.fromEntries(versions), { branch });
  await reg.commit(
    { [DEPLOYMENT]: deployment({ candidate: v }), ...Object.fromEntries(rest) },
    { branch },
  );
  return branch;
}

/** Registers versions on main as the training identity. */
const register = (edits: Record<string, string>) => commitAs(reg, TRAINING_IDENTITY, edits);

async function govern(...argv: string[]) {
  return reg.mlops('govern', 'execution-agent', ...argv);
}

async function governJson(...argv: string[]): Promise<GovernanceResult> {
  const r = await govern(...argv, '--json');
  expect(r.err).toBe('');
  return JSON.parse(r.out) as GovernanceResult;
}

describe('mlops govern: the happy paths', () => {
  it('auto-approves a low-risk version that beats production by more than 2 %', async () => {
    await register({ [versionPath('1.1.0')]: versionYaml('1.1.0', { accuracy: 0.962 }) });
    const branch = await promote('1.1.0');
    const r = await govern('1.1.0', '--ref', branch);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^execution-agent 1\.1\.0 against production 1\.0\.0\n/);
    expect(r.out).toMatch(/^policy and production: main at [0-9a-f]{7}$/m);
    expect(r.out).toMatch(/^CHECK +VALUE +THRESHOLD +RESULT$/m);
    expect(r.out).toMatch(/^accuracy +0\.962 +>= 0\.9 +pass$/m);
    expect(r.out).toMatch(/^latency p95 +3 ms +< 100 ms +pass$/m);
    expect(r.out).toMatch(/^improvement \(accuracy\) +\+2\.56 % +>= 2 % +pass$/m);
    expect(r.out).toMatch(/^slice gap \(accuracy\) +0\.036 +<= 0\.05 +pass$/m);
    expect(r.out).toContain('risk: low\ndecision: auto-approve\n');
    expect(r.out).toContain('reviewers: @ml-leads, @qa-leads');
    // on main itself (HEAD) the same version is judged the same
    expect((await governJson('1.1.0')).decision).toBe('auto-approve');
  });

  it('asks for review of a major version with a new architecture, saying why', async () => {
    const v = versionYaml('2.0.0', { accuracy: 0.96, arch: 'mlp', level: 'major' });
    const branch = await promote('2.0.0', { [versionPath('2.0.0')]: v });
    const r = await govern('2.0.0', '--ref', branch);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      [
        'risk: high',
        '  - architecture changes from logistic-regression (production 1.0.0) to mlp',
        '  - 2.0.0 is a major change: new architecture (mlp)',
        'decision: needs-review',
      ].join('\n'),
    );
    const md = await govern('2.0.0', '--ref', branch, '--markdown');
    expect(md.out).toMatch(/^👀 \*\*Decision: needs-review\*\* — high risk: architecture changes/);
    expect(md.out).toContain('| accuracy | 0.96 | ≥ 0.9 | ✅ |');
  });
});

describe('mlops govern: bad inputs', () => {
  it('judges a change that lowers min_accuracy by the old policy, and it is high risk', async () => {
    const lowered = edit(reg.files.get(POLICY), 'min_accuracy: 0.90', 'min_accuracy: 0.80');
    const weak = versionYaml('1.1.0', { accuracy: 0.85 });
    const branch = await promote('1.1.0', { [POLICY]: lowered, [versionPath('1.1.0')]: weak });
    const r = await govern('1.1.0', '--ref', branch);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^accuracy +0\.85 +>= 0\.9 +FAIL$/m);
    expect(r.out).toContain('  - the change touches policies/: policies/governance.yaml\n');
    expect(r.out).toContain('decision: reject\n  - accuracy 0.85 is below the minimum 0.9\n');
    const md = await govern('1.1.0', '--ref', branch, '--markdown');
    expect(md.code).toBe(1);
    expect(md.out).toMatch(
      /^❌ \*\*Decision: reject\*\* — accuracy 0\.85 is below the minimum 0\.9$/m,
    );
    expect(md.out).toContain('| accuracy | 0.85 | ≥ 0.9 | ❌ |');
    expect(md.out).toContain('- the change touches policies/: policies/governance.yaml');
    // a good version promoted with a policy change still needs review: the change is high risk
    const good = versionYaml('1.2.0', { accuracy: 0.962 });
    const other = await promote('1.2.0', { [POLICY]: lowered, [versionPath('1.2.0')]: good });
    const j = await governJson('1.2.0', '--ref', other);
    expect(j.decision).toBe('needs-review');
    expect(j.reasons).toEqual([
      'high risk: the change touches policies/: policies/governance.yaml',
      'high risk: not only a promotion: policies/governance.yaml changes a policy',
    ]);
  });

  it('judges uncommitted edits (--worktree) by the committed policy', async () => {
    await reg.commit({ [versionPath('1.1.0')]: versionYaml('1.1.0', { accuracy: 0.85 }) });
    const lowered = edit(reg.files.get(POLICY), 'min_accuracy: 0.90', 'min_accuracy: 0.80');
    writeFileSync(join(reg.dir, POLICY), lowered);
    const j = await governJson('1.1.0', '--worktree');
    expect(j.thresholds.min_accuracy).toBe(0.9);
    expect(j.decision).toBe('reject');
    expect(j.risk.reasons).toContain('the change touches policies/: policies/governance.yaml');
    expect(j.at).toMatchObject({ baseRef: 'main', headRef: 'worktree', head: 'worktree' });
  });

  it('rejects a stale promotion: production moved since the branch was made', async () => {
    await reg.commit({
      [versionPath('1.1.0')]: versionYaml('1.1.0', { accuracy: 0.962 }),
      [versionPath('1.2.0')]: versionYaml('1.2.0', { accuracy: 0.99 }),
    });
    const branch = await promote('1.2.0');
    // meanwhile 1.1.0 finished its rollout on main
    await reg.commit({ [DEPLOYMENT]: deployment({ production: '1.1.0', archived: '1.0.0' }) });
    const r = await govern('1.2.0', '--ref', branch);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^execution-agent 1\.2\.0 against production 1\.1\.0$/m);
    expect(r.out).toContain(
      'decision: reject\n  - stale promotion: production was 1.0.0 when this was prepared, it is 1.1.0 now; promote 1.2.0 again from the current base\n',
    );
    const md = await govern('1.2.0', '--ref', branch, '--markdown');
    expect(md.out).toContain('— stale promotion: production was 1.0.0 when this was prepared');
  });

  it('rejects a promotion of a version that is not registered', async () => {
    const branch = await promote('1.5.0');
    const r = await govern('1.5.0', '--ref', branch);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no checks ran: 1.5.0 has no version record');
    expect(r.out).toContain(
      'decision: reject\n  - version 1.5.0 is not registered: no registry/models/execution-agent/versions/1.5.0.yaml\n',
    );
    const md = await govern('1.5.0', '--ref', branch, '--markdown');
    expect(md.out).toContain(
      '❌ **Decision: reject** — version 1.5.0 is not registered: no registry/models/execution-agent/versions/1.5.0.yaml',
    );
  });

  it('two promotions of one model: the second is stale once the first merges', async () => {
    await register({
      [versionPath('1.1.0')]: versionYaml('1.1.0', { accuracy: 0.962 }),
      [versionPath('1.2.0')]: versionYaml('1.2.0', { accuracy: 0.97 }),
    });
    const first = await promote('1.1.0');
    const second = await promote('1.2.0');
    expect((await governJson('1.1.0', '--ref', first)).decision).toBe('auto-approve');
    expect((await governJson('1.2.0', '--ref', second)).decision).toBe('auto-approve');
    git(
      'merge',
      '--no-ff',
      '-q',
      '-m',
      'Merge pull request #1 from promote/execution-agent/1.1.0',
      first,
    );
    const r = await govern('1.2.0', '--ref', second);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '  - stale promotion: the candidate was none when this was prepared, it is 1.1.0 now (another promotion merged first); promote 1.2.0 again once that rollout ends\n',
    );
    // promoted again from the new base, it waits for the rollout in progress
    const again = 'promote/execution-agent/1.2.0-again';
    await reg.commit({ [DEPLOYMENT]: deployment({ candidate: '1.2.0' }) }, { branch: again });
    const j = await governJson('1.2.0', '--ref', again);
    expect(j.reasons).toEqual([
      '1.1.0 is being rolled out; wait for its rollout to finish (or abort it) before promoting 1.2.0',
    ]);
  });

  it('names an unknown model or ref (exit 2)', async () => {
    const m = await reg.mlops('govern', 'nope', '1.0.0');
    expect(m.code).toBe(2);
    expect(m.err).toContain('no model "nope" at HEAD: no registry/models/nope/model.yaml');
    const ref = await govern('1.0.0', '--base', 'no-such-branch');
    expect(ref.code).toBe(2);
    expect(ref.err).toContain('no-such-branch');
    const v = await govern('v1');
    expect(v.code).toBe(2);
    expect(v.err).toContain('not a semantic version: "v1"');
  });
});

describe('approval of a promotion pull request', () => {
  /** A high-risk promotion with two commits: the approvals are judged against the second. */
  async function highRisk() {
    const v = versionYaml('2.0.0', { accuracy: 0.96, arch: 'mlp', level: 'major' });
    const branch = await promote('2.0.0', { [versionPath('2.0.0')]: v });
    const older = git('rev-parse', branch).trim();
    const head = await reg.commit({ [`${DIR}/notes.md`]: 'why 2.0.0\n' }, { branch });
    const result = evaluateGovernance(
      await governanceInputsAt(reg.repo, {
        base: 'main',
        head,
        model: 'execution-agent',
        version: '2.0.0',
      }),
    );
    expect(result.decision).toBe('needs-review');
    return { older, head, result };
  }
  const review = (user: string, commitId: string, id: number): Review => ({
    id,
    user,
    state: 'APPROVED',
    commitId,
    submittedAt: `2026-01-21T10:0${id}:00Z`,
    body: 'LGTM',
  });

  it("counts neither the author's approval nor one of an older commit, and says why", async () => {
    const { older, head, result } = await highRisk();
    const approval = verifyApproval({
      result,
      reviews: [review('ml-leads', head, 1), review('qa-leads', older, 2)],
      author: 'ml-leads',
      headSha: head,
    });
    expect(approval).toMatchObject({ satisfied: false, approvedBy: [], missing: 1 });
    const md = governanceMarkdown(result, { approval });
    expect(md).toContain(
      '**Approval:** ⏳ 1 more approval needed from @ml-leads or @qa-leads on the latest commit',
    );
    expect(md).toContain(
      "- @ml-leads's review does not count: the author cannot approve their own promotion",
    );
    expect(md).toContain(
      `- @qa-leads's review does not count: approved an older commit ${older.slice(0, 7)} (the latest is ${head.slice(0, 7)})`,
    );
    // the approver approves the latest commit: satisfied
    const ok = verifyApproval({
      result,
      reviews: [review('qa-leads', older, 2), review('qa-leads', head, 3)],
      author: 'ml-leads',
      headSha: head,
    });
    expect(ok).toMatchObject({ satisfied: true, approvedBy: ['qa-leads'], missing: 0 });
    expect(governanceMarkdown(result, { approval: ok })).toContain(
      '**Approval:** ✅ approved by @qa-leads',
    );
  });
});
