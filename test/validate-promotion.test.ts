/**
 * What `mlops validate --base` refuses in a pull request, tried as an attacker would on a real
 * repository: a Deployment moved by hand (only the rollout controller moves production, the
 * rollout, the archive, the rejections and the traffic files), and registrations that are not
 * real (no run, a failed run, another artifact, bytes on no remote, infinite metrics). And the
 * legitimate promotion, which validates clean.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main as validateAction } from '../actions/validate/src/main.js';
import { exampleDatasets } from '../src/demo/datasets.js';
import type { Run } from '../src/records/index.js';
import { actionStep } from './helpers/action-step.js';
import { edit, exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
const MODEL = 'execution-agent';
const DEPLOY = `registry/models/${MODEL}/deployment.yaml`;
const OTHER_DEPLOY = 'registry/models/requirements-agent/deployment.yaml';
const TRAFFIC = `registry/models/${MODEL}/traffic/nginx.conf`;
const PROMOTION = `promote/${MODEL}/1.1.0`;
/** What the controller wrote when it started 1.1.0, and when it rolled it back. */
const ROLLOUT = [
  'rollout:',
  `  id: ${MODEL}-1.1.0`,
  '  baseline: 1.0.0',
  '  candidate: 1.1.0',
  '  step: 0',
  '  weight: 5',
  '  since: "2026-02-01T00:00:00Z"',
  '  failures: 0',
].join('\n');
const REJECTED = [
  'rejected:',
  '  - version: 1.1.0',
  '    reason: error rate 3.1x the baseline',
  '    at: "2026-02-01T06:00:00Z"',
].join('\n');

/** main before the promotion of 1.1.0 was merged, the PR branch's base. */
let beforePromotion: string;
/** The Run 1.1.0 was registered from (trained for real, its artifact on the local remote). */
let run: Run;
let runPath: string;
/** main mid-rollout of 1.1.0 at 5 %, and a branch where the controller rolled it back. */
let rolling: string;
let rolledBack: string;

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: reg.dir, encoding: 'utf8' }).trim();
const at = (ref: string, path: string) => git('show', `${ref}:${path}`) + '\n';

/** Everything a validation could change: every ref, and the work tree and index. */
function state(): string {
  return (
    git('for-each-ref', '--format=%(refname) %(objectname)') + '\n' + git('status', '--porcelain')
  );
}

/**
 * Commits `edits` on a new branch off `from` (as a pull request's head) and validates it
 * against `from` as the validate Action does; asserts validation changed nothing.
 */
async function attack(from: string, edits: Record<string, string | null>) {
  const branch = `pr-${Math.random().toString(36).slice(2, 8)}`;
  await reg.commit(edits, { branch, from, message: 'a pull request' });
  const before = state();
  const r = await reg.mlops('validate', '--base', from, '--ref', branch);
  expect(state()).toBe(before);
  const errors = r.err.split('\n').filter((l) => /^\S+:\d+:\d+: (?!warning:)/.test(l));
  return { ...r, branch, errors };
}

beforeAll(async () => {
  reg = await exampleRegistry();
  reg.env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  const model = `registry/models/${MODEL}/model.yaml`;
  await reg.commit({
    [model]: edit(
      reg.files.get(model),
      'command: node training/execution-agent/dist/train.js',
      'command: node training/fake-trainer.mjs',
    ),
    'training/fake-trainer.mjs': readFileSync(join(__dirname, 'fixtures/fake-trainer.mjs'), 'utf8'),
  });
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
  beforePromotion = git('rev-parse', 'main');

  // training pushes the artifact to the local remote; register puts the records on the PR branch
  const trained = await reg.mlops('train', MODEL, '--json', '-p', 'accuracy=0.95');
  run = (JSON.parse(trained.out) as Run[])[0]!;
  runPath = `registry/runs/${MODEL}/${run.id}.yaml`;
  const registered = await reg.mlops('register', MODEL, '--run', run.id, '--branch', PROMOTION);
  expect(registered.code, registered.err).toBe(0);
  rmSync(join(reg.dir, runPath)); // committed on the branch; main's work tree stays clean
  await reg.commit(
    { [DEPLOY]: edit(reg.files.get(DEPLOY), 'candidate: null', 'candidate: 1.1.0') },
    { branch: PROMOTION, message: `Promote ${MODEL} 1.1.0` },
  );

  // the promotion merged, and the rollout controller's own commits on main
  const merged = [
    runPath,
    `registry/models/${MODEL}/versions/1.1.0.yaml`,
    `model-cards/${MODEL}/1.1.0.yaml`,
    `model-cards/${MODEL}/1.1.0.md`,
    DEPLOY,
  ];
  await reg.commit(Object.fromEntries(merged.map((p) => [p, at(PROMOTION, p)])), {
    message: 'Merge pull request #1',
  });
  rolling = await reg.commit(
    {
      [DEPLOY]: edit(at('main', DEPLOY), 'rollout: null', ROLLOUT),
      [TRAFFIC]: '# 5 % to the candidate\n',
    },
    { message: `Rollout ${MODEL} 1.1.0: start at 5 %` },
  );
  rolledBack = await reg.commit(
    {
      [DEPLOY]: edit(reg.files.get(DEPLOY), 'rejected: []', REJECTED),
      [TRAFFIC]: '# 0 % to the candidate\n',
    },
    { branch: 'rolled-back', from: 'main', message: `Rollout ${MODEL} 1.1.0: rollback` },
  );
}, 120_000);
afterAll(() => reg.cleanup());

describe('a legitimate promotion', () => {
  it('the candidate set and the registration records, artifact on the remote: clean', async () => {
    const r = await reg.mlops('validate', '--base', beforePromotion, '--ref', PROMOTION);
    expect(r.err).toMatch(/: ok\n$/);
    expect(r.code).toBe(0);
  });
});

describe('only the rollout controller moves a Deployment', () => {
  it('refuses production set to the candidate and the rollout cleared mid-rollout', async () => {
    const text = edit(
      edit(
        edit(
          edit(at(rolling, DEPLOY), 'production: 1.0.0', 'production: 1.1.0'),
          ROLLOUT,
          'rollout: null',
        ),
        'candidate: 1.1.0',
        'candidate: null',
      ),
      'archived: []',
      'archived: [1.0.0]',
    );
    const r = await attack(rolling, { [DEPLOY]: text });
    expect(r.code).toBe(1);
    expect(r.errors).toContain(
      `${DEPLOY}:${lineOf(text, 'production: 1.1.0')}:13: owner/controller: production is owned by the rollout controller: a pull request may only set candidate (to a registered version of its model); here it changed from 1.0.0 to 1.1.0`,
    );
    expect(r.errors).toContain(
      `${DEPLOY}:${lineOf(text, 'rollout: null')}:10: owner/controller: rollout is owned by the rollout controller: a pull request may only set candidate (to a registered version of its model); here it changed from a rollout of 1.1.0 at 5 % to null`,
    );
    expect(r.errors).toContain(
      `${DEPLOY}:${lineOf(text, 'candidate: null')}:12: owner/controller: candidate 1.1.0 is being rolled out: only the rollout controller clears or replaces it (mlops rollout abort), here it is null`,
    );
    expect(r.errors).toContain(
      `${DEPLOY}:${lineOf(text, 'archived: [1.0.0]')}:11: owner/controller: archived is owned by the rollout controller: a pull request may only set candidate (to a registered version of its model); here it changed from [] to [1.0.0]`,
    );
    // one finding per field, and nothing else: the staleness rule does not say it again
    expect(r.errors).toHaveLength(4);
  });

  it('refuses a hand-written rollout block at 100 % for another model', async () => {
    const v100 = at('main', 'registry/models/requirements-agent/versions/1.0.0.yaml');
    const c100 = at('main', 'model-cards/requirements-agent/1.0.0.yaml');
    const text = edit(
      edit(at('main', OTHER_DEPLOY), 'candidate: null', 'candidate: 1.0.1'),
      'rollout: null',
      [
        'rollout:',
        '  id: requirements-agent-1.0.1',
        '  baseline: 1.0.0',
        '  candidate: 1.0.1',
        '  step: 3',
        '  weight: 100',
        '  since: "2026-02-01T00:00:00Z"',
        '  failures: 0',
      ].join('\n'),
    );
    const r = await attack('main', {
      'registry/models/requirements-agent/versions/1.0.1.yaml': edit(
        v100,
        'version: 1.0.0',
        'version: 1.0.1',
      ).replace('requirements-agent/1.0.0.yaml', 'requirements-agent/1.0.1.yaml'),
      'model-cards/requirements-agent/1.0.1.yaml': edit(c100, 'version: 1.0.0', 'version: 1.0.1'),
      [OTHER_DEPLOY]: text,
    });
    expect(r.code).toBe(1);
    expect(r.errors).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${OTHER_DEPLOY}:${lineOf(text, /^rollout:/) + 1}:\\d+: owner/controller: rollout is owned by the rollout controller: .*here it changed from null to a rollout of 1\\.0\\.1 at 100 %$`,
        ),
      ),
    );
  });

  it('refuses deleting a rejection and setting the rolled-back candidate again', async () => {
    const text = edit(
      edit(at(rolledBack, DEPLOY), REJECTED, 'rejected: []'),
      'candidate: null',
      'candidate: 1.1.0',
    );
    const r = await attack(rolledBack, { [DEPLOY]: text });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      `${DEPLOY}:${lineOf(text, 'rejected: []')}:11: owner/controller: rejected is owned by the rollout controller: a pull request may only set candidate (to a registered version of its model); here it changed from [1.1.0] to []`,
    ]);
  });

  it("refuses another model's candidate set to a version it has not registered", async () => {
    const text = edit(at('main', OTHER_DEPLOY), 'candidate: null', 'candidate: 1.1.0');
    const r = await attack('main', { [OTHER_DEPLOY]: text });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      `${OTHER_DEPLOY}:${lineOf(text, 'candidate: 1.1.0')}:12: reference: version 1.1.0 of requirements-agent (not registered) does not exist`,
    ]);
  });

  it('refuses traffic files written by hand, an abort by hand, and a deleted Deployment', async () => {
    const aborted = edit(
      edit(at(rolling, DEPLOY), ROLLOUT, 'rollout: null'),
      'candidate: 1.1.0',
      'candidate: null',
    );
    const r = await attack(rolling, {
      [TRAFFIC]: '# 100 % to the candidate\n',
      [DEPLOY]: aborted,
      [OTHER_DEPLOY]: null,
    });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        `${TRAFFIC}:1:1: owner/controller: this change edits traffic configuration, which only the rollout controller writes (from the Deployment, at each rollout step)`,
        `${DEPLOY}:${lineOf(aborted, 'candidate: null')}:12: owner/controller: candidate 1.1.0 is being rolled out: only the rollout controller clears or replaces it (mlops rollout abort), here it is null`,
        `${OTHER_DEPLOY}:1:1: owner/deleted: a Deployment is owned by the rollout controller and cannot be deleted by a pull request`,
      ]),
    );
  });

  it('refuses a new Deployment that does not start empty', async () => {
    const path = 'registry/models/new-agent/deployment.yaml';
    const model = at('main', `registry/models/${MODEL}/model.yaml`).replace(
      `name: ${MODEL}`,
      'name: new-agent',
    );
    const text = at('main', OTHER_DEPLOY)
      .replace('model: requirements-agent', 'model: new-agent')
      .replace('production: 1.0.0', 'production: null')
      .replace('archived: []', 'archived: [0.9.0]');
    const r = await attack('main', { 'registry/models/new-agent/model.yaml': model, [path]: text });
    expect(r.code).toBe(1);
    expect(r.errors).toContain(
      `${path}:${lineOf(text, 'archived: [0.9.0]')}:11: owner/controller: archived is owned by the rollout controller: a pull request may only set candidate (to a registered version of its model); here it is [0.9.0]`,
    );
  });
});

describe('the validate Action on a pull request', () => {
  const step = actionStep('validate');
  beforeEach(() => step.capture());
  afterEach(() => step.release());

  it('fails the check on production set by hand, on its line, and changes nothing', async () => {
    const text = edit(
      edit(
        edit(at(rolling, DEPLOY), 'production: 1.0.0', 'production: 1.1.0'),
        ROLLOUT,
        'rollout: null',
      ),
      'candidate: 1.1.0',
      'candidate: null',
    );
    const branch = 'pr-by-hand';
    await reg.commit({ [DEPLOY]: text }, { branch, from: rolling, message: 'Ship it' });
    // the runner's checkout: a clone at the pull request's head
    const scratch = mkdtempSync(join(tmpdir(), 'mlops-validate-action-'));
    const checkout = join(scratch, 'repo');
    execFileSync('git', ['clone', '--quiet', reg.dir, checkout]);
    execFileSync('git', ['checkout', '--quiet', branch], { cwd: checkout });
    const before = state();
    const env = step.prepare(
      scratch,
      checkout,
      { name: 'pull_request', payload: { pull_request: { number: 9, base: { sha: rolling } } } },
      { base: rolling },
    );
    await validateAction(env);
    const r = step.result(scratch);
    expect(state()).toBe(before);
    expect(r.failed).toBe(true);
    expect(r.log).toContain(
      `::error title=owner/controller,file=${DEPLOY},line=${lineOf(text, 'production: 1.1.0')},col=13::production is owned by the rollout controller: a pull request may only set candidate`,
    );
    expect(r.outputs['errors']).toBe('3');
    rmSync(scratch, { recursive: true, force: true });
  });
});

describe('a registered version is real', () => {
  /** A hand-written Run and version 1.2.0 of it, as an attacker would copy them. */
  function handWritten(o: {
    runId?: string;
    status?: string;
    hash?: string;
    versionHash?: string;
  }) {
    const id = o.runId ?? '20260201-000000-hand';
    const hash = o.hash ?? `sha256:${createHash('sha256').update(`nowhere ${id}`).digest('hex')}`;
    const produced = run.artifacts[0]!.hash;
    const runText = at('main', runPath)
      .replaceAll(run.id, id)
      .replace(produced, hash)
      .replace('status: succeeded', `status: ${o.status ?? 'succeeded'}`);
    const version = at('main', `registry/models/${MODEL}/versions/1.1.0.yaml`)
      .replace('version: 1.1.0', 'version: 1.2.0')
      .replaceAll(run.id, id)
      .replace(produced, o.versionHash ?? hash)
      .replace(`${MODEL}/1.1.0.yaml`, `${MODEL}/1.2.0.yaml`);
    const card = at('main', `model-cards/${MODEL}/1.1.0.yaml`).replace(
      'version: 1.1.0',
      'version: 1.2.0',
    );
    return {
      runPath: `registry/runs/${MODEL}/${id}.yaml`,
      runText,
      versionPath: `registry/models/${MODEL}/versions/1.2.0.yaml`,
      version,
      card: { [`model-cards/${MODEL}/1.2.0.yaml`]: card },
    };
  }

  it('refuses a version whose artifact is on no remote', async () => {
    const h = handWritten({});
    const r = await attack('main', {
      [h.runPath]: h.runText,
      [h.versionPath]: h.version,
      ...h.card,
    });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${h.versionPath}:${lineOf(h.version, /^\s+hash:/)}:\\d+: artifact/missing: the artifact sha256:[0-9a-f]{64} of ${MODEL} 1\\.2\\.0 is not on remote "local" \\(`,
        ),
      ),
    ]);
  });

  it('refuses a version whose run does not exist, or failed', async () => {
    const missing = handWritten({});
    const r = await attack('main', { [missing.versionPath]: missing.version, ...missing.card });
    expect(r.code).toBe(1);
    expect(r.errors).toContain(
      `${missing.versionPath}:${lineOf(missing.version, /^run:/)}:6: reference: run "20260201-000000-hand" does not exist`,
    );
    const failed = handWritten({ status: 'failed' });
    const f = await attack('main', {
      [failed.runPath]: failed.runText,
      [failed.versionPath]: failed.version,
      ...failed.card,
    });
    expect(f.code).toBe(1);
    expect(f.errors).toContain(
      `${failed.versionPath}:${lineOf(failed.version, /^run:/)}:6: reference: run 20260201-000000-hand has status failed; only a succeeded run can be registered`,
    );
  });

  it("refuses a version whose artifact is not its run's", async () => {
    // the bytes are real (1.1.0's, on the remote), but the run never produced them
    const h = handWritten({ versionHash: run.artifacts[0]!.hash });
    const r = await attack('main', {
      [h.runPath]: h.runText,
      [h.versionPath]: h.version,
      ...h.card,
    });
    expect(r.code).toBe(1);
    expect(r.errors).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${h.versionPath}:${lineOf(h.version, /^\s+hash:/)}:\\d+: registration/artifact: artifact ${run.artifacts[0]!.hash} is not an artifact of run 20260201-000000-hand`,
        ),
      ),
    );
  });

  it('refuses infinite metrics, in the version and in its run, on their lines', async () => {
    const h = handWritten({ hash: run.artifacts[0]!.hash });
    const inf = (t: string) =>
      edit(
        t,
        'metrics:\n  accuracy: 0.95\n  latency_p95_ms: 2.5\n',
        'metrics:\n  accuracy: .inf\n  latency_p95_ms: -.inf\n',
      );
    const version = inf(h.version);
    const runText = inf(h.runText);
    const r = await attack('main', { [h.runPath]: runText, [h.versionPath]: version, ...h.card });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        `${h.versionPath}:${lineOf(version, 'accuracy: .inf')}:13: schema/finite: metrics.accuracy is Infinity; numbers in a ModelVersion must be finite`,
        `${h.versionPath}:${lineOf(version, 'latency_p95_ms: -.inf')}:19: schema/finite: metrics.latency_p95_ms is -Infinity; numbers in a ModelVersion must be finite`,
        `${h.runPath}:${lineOf(runText, 'accuracy: .inf')}:13: schema/finite: metrics.accuracy is Infinity; numbers in a Run must be finite`,
        `${h.runPath}:${lineOf(runText, 'latency_p95_ms: -.inf')}:19: schema/finite: metrics.latency_p95_ms is -Infinity; numbers in a Run must be finite`,
      ]),
    );
    // and without a base, the same tree is refused too
    const tree = await reg.mlops('validate', '--ref', r.branch);
    expect(tree.code).toBe(1);
    expect(tree.err).toContain('schema/finite: metrics.accuracy is Infinity');
  });

  it("refuses metric and slice names outside the schema's patterns", async () => {
    const h = handWritten({ hash: run.artifacts[0]!.hash });
    const runText = edit(h.runText, 'slices:\n  api:', 'slices:\n  "api; rm -rf":');
    const version = edit(h.version, 'metrics:\n  accuracy:', 'metrics:\n  Accuracy:');
    const r = await attack('main', { [h.runPath]: runText, [h.versionPath]: version, ...h.card });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        `${h.runPath}:${lineOf(runText, 'api; rm -rf')}:3: schema/unknown-key: unknown key "api; rm -rf" in slices`,
        `${h.versionPath}:${lineOf(version, 'Accuracy:')}:3: schema/unknown-key: unknown key "Accuracy" in metrics`,
      ]),
    );
  });
});
