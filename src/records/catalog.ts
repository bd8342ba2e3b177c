import type { TSchema } from '@sinclair/typebox';
import { Deployment } from './kinds/deployment.js';
import { DriftStatus } from './kinds/drift-status.js';
import { Dataset, Remotes } from './kinds/dataset.js';
import { Entity, FeatureService, FeatureView } from './kinds/features.js';
import { Model } from './kinds/model.js';
import { ModelCard } from './kinds/model-card.js';
import { ModelVersion } from './kinds/model-version.js';
import {
  DriftPolicy,
  GovernancePolicy,
  RetrainingPolicy,
  RolloutPolicy,
} from './kinds/policies.js';
import { Run } from './kinds/run.js';

/** Every record kind with its schema. The order is the order schemas are emitted in. */
export const KINDS = {
  Model,
  ModelVersion,
  Deployment,
  DriftStatus,
  Run,
  ModelCard,
  Dataset,
  Remotes,
  Entity,
  FeatureView,
  FeatureService,
  GovernancePolicy,
  RolloutPolicy,
  DriftPolicy,
  RetrainingPolicy,
} satisfies Record<string, TSchema>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];

export function isKindName(s: unknown): s is KindName {
  return typeof s === 'string' && Object.hasOwn(KINDS, s);
}

/** The folders records live in; everything else in the repository is not ours to read. */
export const RECORD_ROOTS = ['registry/', 'model-cards/', 'data/', 'policies/'] as const;

/**
 * Where a record lives says what it must be: the kinds allowed at the path and
 * the identity fields the content must repeat.
 */
export interface PathIdentity {
  kinds: KindName[];
  /** field → value the record must carry, e.g. `{ model: 'x', version: '2.1.0' }`. */
  fields: Record<string, string>;
}

const POLICY_FILES: Record<string, KindName> = {
  'governance.yaml': 'GovernancePolicy',
  'rollout.yaml': 'RolloutPolicy',
  'drift.yaml': 'DriftPolicy',
  'retraining.yaml': 'RetrainingPolicy',
};

/**
 * Files the tool renders beside the records and that are not records themselves: the
 * traffic configuration a rollout writes (`registry/models/<model>/traffic/`). Validation
 * leaves them alone; the rollout rewrites them from the Deployment at every step.
 * @example
 * isGeneratedPath('registry/models/fraud/traffic/envoy.yaml') // true
 */
export function isGeneratedPath(path: string): boolean {
  const p = path.split('/');
  return p[0] === 'registry' && p[1] === 'models' && p[3] === 'traffic' && p.length === 5;
}

/**
 * Whether a file is read as a record: YAML under the record folders, not rendered by the tool
 * (a card's Markdown, a rollout's traffic configuration), not a workflow.
 * @example
 * isRecordFile('model-cards/fraud/1.0.0.md') // false
 */
export function isRecordFile(path: string): boolean {
  return /\.ya?ml$/.test(path) && !path.startsWith('.github/') && !isGeneratedPath(path);
}

/**
 * What a path must hold, or null when the path is not a record path.
 * @example
 * identityOfPath('registry/models/x/versions/2.1.0.yaml')
 * // { kinds: ['ModelVersion'], fields: { model: 'x', version: '2.1.0' } }
 */
export function identityOfPath(path: string): PathIdentity | null {
  const p = path.split('/');
  const base = (s: string | undefined) => (s ?? '').replace(/\.ya?ml$/, '');
  const isYaml = /\.ya?ml$/.test(path);
  if (!isYaml) return null;
  if (p[0] === 'registry' && p[1] === 'models' && p.length === 4) {
    if (p[3] === 'model.yaml') return { kinds: ['Model'], fields: { name: p[2]! } };
    if (p[3] === 'deployment.yaml') return { kinds: ['Deployment'], fields: { model: p[2]! } };
    if (p[3] === 'drift.yaml') return { kinds: ['DriftStatus'], fields: { model: p[2]! } };
  }
  if (p[0] === 'registry' && p[1] === 'models' && p[3] === 'versions' && p.length === 5) {
    return { kinds: ['ModelVersion'], fields: { model: p[2]!, version: base(p[4]) } };
  }
  if (p[0] === 'registry' && p[1] === 'runs' && p.length === 4) {
    return { kinds: ['Run'], fields: { experiment: p[2]!, id: base(p[3]) } };
  }
  if (p[0] === 'registry' && p[1] === 'features' && p.length === 3) {
    return { kinds: ['Entity', 'FeatureView', 'FeatureService'], fields: { name: base(p[2]) } };
  }
  if (p[0] === 'model-cards' && p.length === 3) {
    return { kinds: ['ModelCard'], fields: { model: p[1]!, version: base(p[2]) } };
  }
  if (p[0] === 'data' && p.length === 2) {
    if (p[1] === 'remotes.yaml') return { kinds: ['Remotes'], fields: {} };
    return { kinds: ['Dataset'], fields: { name: base(p[1]) } };
  }
  if (p[0] === 'policies' && p.length === 2) {
    const kind = POLICY_FILES[p[1]!];
    if (kind) return { kinds: [kind], fields: {} };
  }
  return null;
}

/** The canonical path of a record, the inverse of {@link identityOfPath}. */
export function pathOfRecord(value: { kind: string } & Record<string, unknown>): string {
  const s = (k: string) => String(value[k]);
  switch (value.kind) {
    case 'Model':
      return `registry/models/${s('name')}/model.yaml`;
    case 'ModelVersion':
      return `registry/models/${s('model')}/versions/${s('version')}.yaml`;
    case 'Deployment':
      return `registry/models/${s('model')}/deployment.yaml`;
    case 'DriftStatus':
      return `registry/models/${s('model')}/drift.yaml`;
    case 'Run':
      return `registry/runs/${s('experiment')}/${s('id')}.yaml`;
    case 'ModelCard':
      return `model-cards/${s('model')}/${s('version')}.yaml`;
    case 'Dataset':
      return `data/${s('name')}.yaml`;
    case 'Remotes':
      return 'data/remotes.yaml';
    case 'Entity':
    case 'FeatureView':
    case 'FeatureService':
      return `registry/features/${s('name')}.yaml`;
    default: {
      const file = Object.entries(POLICY_FILES).find(([, k]) => k === value.kind)?.[0];
      if (file) return `policies/${file}`;
      throw new Error(`unknown record kind ${value.kind}`);
    }
  }
}
