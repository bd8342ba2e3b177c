import { describe, expect, it } from 'vitest';
import type { Deployment } from '../records/index.js';
import { exampleRecord } from '../../test/helpers/example-record.js';
import { registrationRisks } from './registration.js';
import { extraChanges, type ChangedFile } from './scope.js';
import { candidate, policy } from './testing.js';

const D = 'registry/models/execution-agent/deployment.yaml';
const base = exampleRecord<Deployment>(D);
const promoted: Deployment = { ...base, candidate: '1.1.0' };
const scope = (changes: ChangedFile[]) =>
  extraChanges({
    model: 'execution-agent',
    version: '1.1.0',
    candidate: candidate(),
    changes,
    trafficDirs: ['registry/models/{model}/traffic', 'serving/{model}/'],
  });

describe('extraChanges', () => {
  it('holds nothing beyond the candidate and the version’s registration records', () => {
    expect(
      scope([
        { path: D, status: 'modified', before: base, after: promoted },
        { path: 'registry/models/execution-agent/versions/1.1.0.yaml', status: 'added' },
        { path: 'model-cards/execution-agent/1.1.0.yaml', status: 'added' },
        { path: 'model-cards/execution-agent/1.1.0.md', status: 'added' },
        { path: 'registry/runs/execution-agent/20260120-020000-weekly.yaml', status: 'added' },
      ]),
    ).toEqual([]);
  });

  it('rejects what only the controller moves: controller-owned fields and traffic files', () => {
    const out = scope([
      {
        path: D,
        status: 'modified',
        before: base,
        after: { ...promoted, production: '1.1.0', archived: ['1.0.0'] },
      },
      { path: 'registry/models/execution-agent/traffic/nginx.conf', status: 'modified' },
      { path: 'serving/other/envoy.yaml', status: 'added' },
    ]);
    expect(out.map((e) => [e.path, e.severity])).toEqual([
      [D, 'reject'],
      ['registry/models/execution-agent/traffic/nginx.conf', 'reject'],
      ['serving/other/envoy.yaml', 'reject'],
    ]);
    expect(out[0]!.why).toBe(
      "changes execution-agent's `production`, `archived`: only the rollout controller's commits move them",
    );
  });

  it('needs review for a registration record the base already has, and names what else a file is', () => {
    const out = scope([
      { path: 'registry/runs/execution-agent/20260120-020000-weekly.yaml', status: 'modified' },
      { path: '.github/workflows/train.yml', status: 'modified' },
      { path: 'data/remotes.yaml', status: 'modified' },
    ]);
    expect(out.map((e) => [e.path, e.severity, e.why])).toEqual([
      [
        '.github/workflows/train.yml',
        'review',
        "changes the repository's workflows or code owners",
      ],
      ['data/remotes.yaml', 'review', 'changes a dataset pointer or the storage remotes'],
      [
        'registry/runs/execution-agent/20260120-020000-weekly.yaml',
        'review',
        'changes a registration record of execution-agent 1.1.0 that the base already has (registrations are immutable)',
      ],
    ]);
  });

  it("rejects setting the model's candidate to another version, or deleting a Deployment", () => {
    const out = scope([
      { path: D, status: 'modified', before: base, after: { ...base, candidate: '9.9.9' } },
      { path: 'registry/models/other/deployment.yaml', status: 'deleted' },
    ]);
    expect(out.map((e) => e.why)).toEqual([
      "sets execution-agent's candidate to 9.9.9, not 1.1.0",
      "deletes other's Deployment",
    ]);
  });
});

describe('registrationRisks', () => {
  const reg = { commit: 'a'.repeat(40), committer: null, forge: 'github' as const };
  it('accepts the training identity verified (or unverifiable, on the local forge)', () => {
    expect(
      registrationRisks(policy, '1.1.0', { ...reg, author: 'mlops-bot', verified: true }),
    ).toEqual([]);
    expect(
      registrationRisks(policy, '1.1.0', {
        ...reg,
        author: 'MLOPS-BOT',
        verified: null,
        forge: 'local',
      }),
    ).toEqual([]);
  });

  it('names who registered it otherwise', () => {
    const say = (r: Parameters<typeof registrationRisks>[2]) =>
      registrationRisks(policy, '1.1.0', r).map((x) => x.message);
    expect(say(undefined)).toEqual(['nobody verified who registered 1.1.0']);
    expect(say({ ...reg, commit: null, author: null, verified: null })).toEqual([
      '1.1.0 is not committed: nobody can tell who registered it',
    ]);
    expect(say({ ...reg, author: null, verified: false })).toEqual([
      '1.1.0 was registered by commit aaaaaaa, whose author is no GitHub account, not by the training identity @mlops-bot',
    ]);
    expect(say({ ...reg, author: 'ana', verified: true })).toEqual([
      '1.1.0 was registered by @ana (commit aaaaaaa), not by the training identity @mlops-bot',
    ]);
    const own = { ...policy, approval: { ...policy.approval, training_identity: 'trainer[bot]' } };
    expect(
      registrationRisks(own, '1.1.0', { ...reg, author: 'trainer[bot]', verified: true }),
    ).toEqual([]);
  });
});
