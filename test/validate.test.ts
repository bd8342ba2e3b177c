import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await exampleRegistry();
});
afterAll(() => reg.cleanup());

const V100 = 'registry/models/execution-agent/versions/1.0.0.yaml';
const DEPLOY = 'registry/models/execution-agent/deployment.yaml';
const MODEL = 'registry/models/execution-agent/model.yaml';
const VIEW = 'registry/features/test_execution_features.yaml';
const file = (p: string) => reg.files.get(p)!;

/** Commit `edits` on a fresh branch off main and validate it against main. */
async function validateChange(edits: Record<string, string | null>, ...flags: string[]) {
  const branch = `change-${Math.random().toString(36).slice(2, 8)}`;
  await reg.commit(edits, { branch });
  return reg.mlops('validate', '--base', 'main', '--ref', branch, ...flags);
}

/** Validate a tree where `edits` are applied, in full (no base). */
async function validateTree(edits: Record<string, string | null>) {
  const branch = `tree-${Math.random().toString(36).slice(2, 8)}`;
  await reg.commit(edits, { branch });
  return reg.mlops('validate', '--ref', branch);
}

describe('mlops validate on the example registry', () => {
  it('passes on the work tree and at HEAD', async () => {
    const wt = await reg.mlops('validate');
    expect(wt.err).toMatch(/files checked in \d+ ms: ok/);
    expect(wt.code).toBe(0);
    expect((await reg.mlops('validate', '--ref', 'HEAD')).code).toBe(0);
  });

  it('prints JSON with --json', async () => {
    const r = await reg.mlops('validate', '--json');
    const report = JSON.parse(r.out) as { ok: boolean; findings: unknown[]; checkedFiles: number };
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.checkedFiles).toBeGreaterThan(30);
  });
});

describe('per-file rules', () => {
  it('schema: a wrong type names its line', async () => {
    const text = edit(file(V100), /size: \d+/, 'size: large');
    const r = await validateTree({ [V100]: text });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${V100}:${lineOf(text, 'size: large')}:9: schema/type: artifact.size must be integer`,
    );
  });

  it('path identity: a version file that names another version', async () => {
    const text = edit(file(V100), 'version: 1.0.0', 'version: 1.2.0');
    const r = await validateTree({ [V100]: text });
    expect(r.err).toContain(
      `${V100}:${lineOf(text, 'version: 1.2.0')}:10: path/identity: version is "1.2.0" but the path says "1.0.0"`,
    );
  });

  it('semver: a version path that is not semver', async () => {
    const path = 'registry/models/execution-agent/versions/1.0.yaml';
    const text = edit(file(V100), 'version: 1.0.0', 'version: "1.0"');
    const r = await validateTree({ [path]: text });
    expect(r.err).toMatch(
      new RegExp(
        `${path}:${lineOf(text, 'version: "1.0"')}:10: schema/pattern: version must be a semantic version`,
      ),
    );
  });
});

describe('references resolve', () => {
  const cases: [string, string, string | RegExp, string, RegExp][] = [
    [
      'version → run',
      V100,
      /run: \S+/,
      'run: 20260101-000000-missing',
      /reference: run "20260101-000000-missing" does not exist/,
    ],
    [
      'version → card',
      V100,
      /card: \S+/,
      'card: model-cards/execution-agent/9.9.9.yaml',
      /reference: model card model-cards\/execution-agent\/9\.9\.9\.yaml does not exist/,
    ],
    [
      'version → dataset',
      V100,
      '    - name: test-executions',
      '    - name: test-runs',
      /reference: dataset "test-runs" does not exist/,
    ],
    [
      'model → dataset',
      MODEL,
      'datasets: [test-executions]',
      'datasets: [test-execs]',
      /reference: dataset "test-execs" does not exist/,
    ],
    [
      'model → feature view',
      MODEL,
      'features: [test_execution_features]',
      'features: [nope]',
      /reference: feature view or service "nope" does not exist/,
    ],
    [
      'feature view → entity',
      VIEW,
      'entities: [test]',
      'entities: [test_execution_features]',
      /reference: entity "test_execution_features" does not exist \(registry\/features\/test_execution_features\.yaml is a FeatureView\)/,
    ],
    [
      'feature view → source dataset',
      VIEW,
      'dataset: test-executions',
      'dataset: gone',
      /reference: dataset "gone" does not exist/,
    ],
    [
      'deployment → registered version',
      DEPLOY,
      'production: 1.0.0',
      'production: 1.5.0',
      /reference: version 1\.5\.0 of execution-agent \(not registered\) does not exist/,
    ],
  ];
  it.each(cases)('%s', async (_name, path, from, to, message) => {
    const text = edit(file(path), from, to);
    const r = await validateTree({ [path]: text });
    expect(r.code).toBe(1);
    const line = lineOf(text, typeof to === 'string' ? to.trim() : to);
    expect(r.err).toMatch(
      new RegExp(`${path.replace(/[.]/g, '\\.')}:${line}:\\d+: ${message.source}`),
    );
  });

  it('dataset → remote named in data/remotes.yaml', async () => {
    const path = 'data/test-executions.yaml';
    const text = edit(file(path), 'remote: local', 'remote: backup');
    const r = await validateTree({ [path]: text });
    expect(r.err).toContain(
      `${path}:${lineOf(text, 'remote: backup')}:9: reference: remote "backup" is not in data/remotes.yaml (has: local, s3)`,
    );
  });

  it('a remote never carries credentials', async () => {
    const path = 'data/remotes.yaml';
    const text = edit(
      file(path),
      '    region: us-east-1',
      '    region: us-east-1\n    endpoint: https://AKIAEXAMPLE:secret@minio.example.com',
    );
    const r = await validateTree({ [path]: text });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${path}:${lineOf(text, 'endpoint:')}:15: remote/credentials: remote "s3" has credentials in its endpoint; credentials come only from the environment`,
    );
  });

  it('the default remote is one of the remotes', async () => {
    const path = 'data/remotes.yaml';
    const text = edit(file(path), 'default: local', 'default: backup');
    const r = await validateTree({ [path]: text });
    expect(r.err).toContain(
      `${path}:${lineOf(text, 'default: backup')}:10: reference: default remote "backup" is not one of: local, s3`,
    );
  });

  it('feature service → a feature its view has', async () => {
    const path = 'registry/features/execution-agent-features.yaml';
    const text = edit(
      file(path),
      '  - view: test_execution_features',
      '  - view: test_execution_features\n    features: [pass_rate_7d, pass_rate_30d]',
    );
    const r = await validateTree({ [path]: text });
    expect(r.err).toContain(
      `${path}:${lineOf(text, 'features: [pass_rate_7d')}:30: reference: feature "pass_rate_30d" is not in view test_execution_features`,
    );
  });
});

describe('deployment invariants', () => {
  it('the candidate is not production', async () => {
    const text = edit(file(DEPLOY), 'candidate: null', 'candidate: 1.0.0');
    const r = await validateTree({ [DEPLOY]: text });
    expect(r.err).toContain(
      `${DEPLOY}:${lineOf(text, 'candidate: 1.0.0')}:12: deployment/candidate: candidate 1.0.0 is already production`,
    );
  });

  it('an archived version is not in production', async () => {
    const text = edit(file(DEPLOY), 'archived: []', 'archived: [1.0.0]');
    const r = await validateTree({ [DEPLOY]: text });
    expect(r.err).toContain(
      `${DEPLOY}:${lineOf(text, 'archived: [1.0.0]')}:12: deployment/archived: 1.0.0 is production and archived`,
    );
  });

  it('a rejected version is not in production', async () => {
    const text = edit(
      file(DEPLOY),
      'rejected: []',
      'rejected:\n  - version: 1.0.0\n    reason: too slow',
    );
    const r = await validateTree({ [DEPLOY]: text });
    expect(r.err).toContain(
      `${DEPLOY}:${lineOf(text, '- version: 1.0.0')}:14: deployment/rejected: 1.0.0 is rejected but in production`,
    );
  });

  it('one deployment file per model: a second production would need a second key, a duplicate', async () => {
    const text = edit(file(DEPLOY), 'candidate: null', 'candidate: null\nproduction: 1.0.0');
    const r = await validateTree({ [DEPLOY]: text });
    expect(r.err).toContain(
      `${DEPLOY}:${lineOf(text, /^candidate/) + 1}:1: yaml/duplicate-key: duplicate key in a mapping`,
    );
  });
});

describe('against a base', () => {
  it("editing a field of an existing version fails on that field's line (validate --base HEAD~1)", async () => {
    const text = edit(file(V100), 'accuracy: 0.938', 'accuracy: 0.951');
    await reg.commit({ [V100]: text }, { branch: 'edit-version' });
    const r = await reg.mlops('validate', '--ref', 'edit-version', '--base', 'edit-version~1');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${V100}:${lineOf(text, 'accuracy: 0.951')}:13: immutable: metrics.accuracy changed from 0.938 to 0.951; ModelVersion records are immutable (register a new version instead)`,
    );
  });

  it('deleting a model card fails', async () => {
    const r = await validateChange({ 'model-cards/execution-agent/1.0.0.yaml': null });
    expect(r.err).toContain(
      'model-cards/execution-agent/1.0.0.yaml:1:1: immutable/deleted: ModelCard records are immutable and cannot be deleted',
    );
    // and the version that pointed at it no longer resolves
    expect(r.err).toMatch(
      /versions\/1\.0\.0\.yaml:\d+:7: reference: model card model-cards\/execution-agent\/1\.0\.0\.yaml does not exist/,
    );
  });

  it('a finished run is immutable', async () => {
    const path = [...reg.files.keys()].find((p) => p.startsWith('registry/runs/execution-agent/'))!;
    const text = edit(file(path), 'status: succeeded', 'status: failed');
    const r = await validateChange({ [path]: text });
    expect(r.err).toContain(
      `${path}:${lineOf(text, 'status: failed')}:9: immutable: status changed from "succeeded" to "failed"; finished runs are immutable`,
    );
  });

  it('a running run may still change', async () => {
    const path = 'registry/runs/execution-agent/20260120-000000-live.yaml';
    const base = file(
      [...reg.files.keys()].find((p) => p.startsWith('registry/runs/execution-agent/'))!,
    )
      .replace(/^id: .*$/m, 'id: 20260120-000000-live')
      .replace('status: succeeded', 'status: running');
    await reg.commit({ [path]: base }, { branch: 'live-run' });
    await reg.commit(
      { [path]: base.replace('status: running', 'status: succeeded') },
      { branch: 'live-run' },
    );
    const r = await reg.mlops('validate', '--ref', 'live-run', '--base', 'live-run~1');
    expect(r.err).toMatch(/ok\n$/);
    expect(r.code).toBe(0);
  });

  it('a promotion raised against an older production is stale', async () => {
    // main moves on: 1.1.0 is registered and rolled out while a promotion of 1.2.0 was raised on the old main
    const v110 = edit(file(V100), 'version: 1.0.0', 'version: 1.1.0').replace(
      'card: model-cards/execution-agent/1.0.0.yaml',
      'card: model-cards/execution-agent/1.1.0.yaml',
    );
    const c110 = edit(
      file('model-cards/execution-agent/1.0.0.yaml'),
      'version: 1.0.0',
      'version: 1.1.0',
    );
    const v120 = v110
      .replace('version: 1.1.0', 'version: 1.2.0')
      .replace('1.1.0.yaml', '1.2.0.yaml');
    const c120 = c110.replace('version: 1.1.0', 'version: 1.2.0');
    const old = await reg.commit(
      {
        'registry/models/execution-agent/versions/1.1.0.yaml': v110,
        'model-cards/execution-agent/1.1.0.yaml': c110,
        'registry/models/execution-agent/versions/1.2.0.yaml': v120,
        'model-cards/execution-agent/1.2.0.yaml': c120,
      },
      { branch: 'stale-main' },
    );
    const promote = edit(file(DEPLOY), 'candidate: null', 'candidate: 1.2.0');
    await reg.commit({ [DEPLOY]: promote }, { branch: 'promote-1.2.0', from: old });
    const rolledOut = edit(
      edit(file(DEPLOY), 'production: 1.0.0', 'production: 1.1.0'),
      'archived: []',
      'archived: [1.0.0]',
    );
    await reg.commit({ [DEPLOY]: rolledOut }, { branch: 'stale-main' });
    const r = await reg.mlops('validate', '--base', 'stale-main', '--ref', 'promote-1.2.0');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${DEPLOY}:${lineOf(promote, 'production: 1.0.0')}:13: stale: production is 1.1.0 on the base but 1.0.0 here: this change was made against an older production; re-raise it from the current base`,
    );
    // raised again from the current base, the same promotion passes
    await reg.commit(
      { [DEPLOY]: edit(rolledOut, 'candidate: null', 'candidate: 1.2.0') },
      { branch: 'promote-1.2.0-again', from: 'stale-main' },
    );
    const again = await reg.mlops(
      'validate',
      '--base',
      'stale-main',
      '--ref',
      'promote-1.2.0-again',
    );
    expect(again.err).toMatch(/ok\n$/);
    expect(again.code).toBe(0);
  });

  it('a second promotion while one is rolling out is stale', async () => {
    const version = (v: string) => ({
      [`registry/models/execution-agent/versions/${v}.yaml`]: edit(
        file(V100),
        'version: 1.0.0',
        `version: ${v}`,
      ).replace('1.0.0.yaml', `${v}.yaml`),
      [`model-cards/execution-agent/${v}.yaml`]: edit(
        file('model-cards/execution-agent/1.0.0.yaml'),
        'version: 1.0.0',
        `version: ${v}`,
      ),
    });
    await reg.commit(
      { ...version('1.1.0'), [DEPLOY]: edit(file(DEPLOY), 'candidate: null', 'candidate: 1.1.0') },
      { branch: 'rolling-main' },
    );
    const second = edit(file(DEPLOY), 'candidate: null', 'candidate: 1.2.0');
    await reg.commit({ ...version('1.2.0'), [DEPLOY]: second }, { branch: 'second-promotion' });
    const r = await reg.mlops('validate', '--base', 'rolling-main', '--ref', 'second-promotion');
    expect(r.code).toBe(1);
    // judged against the merge base, the branch deletes nothing: the only finding is the staleness
    expect(r.err.split('\n').filter((l) => /: (immutable|stale|reference)/.test(l))).toEqual([
      `${DEPLOY}:${lineOf(second, 'candidate: 1.2.0')}:12: stale: 1.1.0 is already being rolled out on the base; wait for it to finish or abort it before promoting 1.2.0`,
    ]);
  });
});

describe('workflow safety', () => {
  const wf = '.github/workflows/train-on-pr.yml';
  it('a self-hosted runner on pull_request', async () => {
    const text =
      'name: t\non: [pull_request]\npermissions:\n  contents: read\njobs:\n  train:\n    runs-on: [self-hosted, gpu]\n    steps:\n      - run: echo\n';
    const r = await validateTree({ [wf]: text });
    expect(r.err).toContain(
      `${wf}:7:14: workflow/self-hosted-pr: job "train" runs on a self-hosted runner for pull_request`,
    );
  });

  it('pull_request_target that checks out the PR head', async () => {
    const text = [
      'on: pull_request_target',
      'permissions: {contents: read}',
      'jobs:',
      '  check:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '',
    ].join('\n');
    const r = await validateTree({ [wf]: text });
    expect(r.err).toContain(
      `${wf}:9:16: workflow/pr-target-checkout: job "check" checks out the pull request's head under pull_request_target`,
    );
  });

  it('a workflow without explicit permissions', async () => {
    const text =
      'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n';
    const r = await validateTree({ [wf]: text });
    expect(r.err).toContain(
      `${wf}:3:3: workflow/permissions: job "build" runs with the default token permissions`,
    );
  });

  it('job-level permissions are enough', async () => {
    const text =
      'on: push\njobs:\n  build:\n    permissions: {contents: read}\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n';
    const r = await validateTree({ [wf]: text });
    expect(r.code).toBe(0);
  });
});
