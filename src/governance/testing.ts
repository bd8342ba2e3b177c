/**
 * Records for governance's tests, built from the example registry: the shipped policy, the
 * execution-agent model and its production 1.0.0, and a candidate that beats it. Not part of
 * the public surface.
 */
import { type GovernancePolicy, type Model, type ModelVersion } from '../records/index.js';
import type { GovernanceInput } from './types.js';
import { exampleRecord } from '../../test/helpers/example-record.js';

export const policy = exampleRecord<GovernancePolicy>('policies/governance.yaml');
export const model = exampleRecord<Model>('registry/models/execution-agent/model.yaml');
/**
 * execution-agent 1.0.0 as the example ships it, with the figures these tests are written
 * against pinned (accuracy 0.931, latency 3 ms, precision 0.84, recall 0.82), so a retrained
 * example does not move every expected percentage.
 */
export const production: ModelVersion = {
  ...exampleRecord<ModelVersion>('registry/models/execution-agent/versions/1.0.0.yaml'),
  metrics: { accuracy: 0.931, latency_p95_ms: 3, precision: 0.84, recall: 0.82 },
  slices: { api: { accuracy: 0.926 }, ui: { accuracy: 0.919 }, unit: { accuracy: 0.944 } },
};

/** A copy of production as 1.1.0 (minor), 2.6 % more accurate, with `patch` applied on top. */
export function candidate(patch: Partial<ModelVersion> = {}): ModelVersion {
  return {
    ...structuredClone(production),
    version: '1.1.0',
    created_at: '2026-01-20T02:00:00Z',
    run: '20260120-020000-weekly',
    metrics: { accuracy: 0.955, latency_p95_ms: 3, precision: 0.93, recall: 0.91 },
    slices: { api: { accuracy: 0.95 }, ui: { accuracy: 0.94 }, unit: { accuracy: 0.96 } },
    change: { level: 'minor', reason: 'weekly retrain' },
    card: 'model-cards/execution-agent/1.1.0.yaml',
    ...patch,
  };
}

/** A low-risk promotion of `candidate()` that passes everything, with `patch` applied. */
export function input(patch: Partial<GovernanceInput> = {}): GovernanceInput {
  return {
    policy: structuredClone(policy),
    baseModel: structuredClone(model),
    model: structuredClone(model),
    version: '1.1.0',
    candidate: candidate(),
    registered: true,
    production,
    changedPaths: ['registry/models/execution-agent/deployment.yaml'],
    extraChanges: [],
    registration: {
      commit: 'c0ffee'.padEnd(40, '0'),
      author: 'mlops-bot',
      committer: 'mlops-bot',
      verified: true,
      forge: 'github',
    },
    ...patch,
  };
}
