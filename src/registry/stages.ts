import type { Deployment, LoadedRecord, Model, ModelVersion } from '../records/index.js';
import { compareSemVer } from './semver.js';

export type Stage = 'Production' | 'Staging' | 'Archived' | 'Rejected' | 'None';

/**
 * A version's stage is derived from the model's Deployment, never stored:
 * candidate → Staging, production → Production, archived → Archived.
 * @example
 * stageOf({ production: '2.1.0', candidate: null, archived: ['2.0.0'], rejected: [] } as Deployment, '2.0.0') // 'Archived'
 */
export function stageOf(
  d: Pick<Deployment, 'production' | 'candidate' | 'archived' | 'rejected'> | undefined,
  version: string,
): Stage {
  if (!d) return 'None';
  if (d.production === version) return 'Production';
  if (d.candidate === version) return 'Staging';
  if (d.archived.includes(version)) return 'Archived';
  if (d.rejected.some((r) => r.version === version)) return 'Rejected';
  return 'None';
}

export interface VersionSummary {
  version: string;
  stage: Stage;
  created_at: string;
  metrics: Record<string, number>;
  change: ModelVersion['change'];
}

export interface ModelSummary {
  name: string;
  description: string;
  owners: string[];
  primary_metric: string;
  production: string | null;
  candidate: string | null;
  rollout: Deployment['rollout'];
  versions: VersionSummary[];
}

/** The registry's models with their versions and stages, from one tree's records. */
export function summarizeModels(records: Iterable<LoadedRecord>): ModelSummary[] {
  const models = new Map<string, ModelSummary>();
  const deployments = new Map<string, Deployment>();
  const versions = new Map<string, ModelVersion[]>();
  for (const r of records) {
    if (r.kind === 'Model') {
      const v = r.value as unknown as Model;
      models.set(v.name, {
        name: v.name,
        description: v.description,
        owners: v.owners,
        primary_metric: v.evaluation.primary_metric,
        production: null,
        candidate: null,
        rollout: null,
        versions: [],
      });
    } else if (r.kind === 'Deployment')
      deployments.set(String(r.value.model), r.value as unknown as Deployment);
    else if (r.kind === 'ModelVersion') {
      const v = r.value as unknown as ModelVersion;
      versions.set(v.model, [...(versions.get(v.model) ?? []), v]);
    }
  }
  for (const [name, m] of models) {
    const d = deployments.get(name);
    m.production = d?.production ?? null;
    m.candidate = d?.candidate ?? null;
    m.rollout = d?.rollout ?? null;
    m.versions = (versions.get(name) ?? [])
      .sort((a, b) => compareSemVer(a.version, b.version))
      .map((v) => ({
        version: v.version,
        stage: stageOf(d, v.version),
        created_at: v.created_at,
        metrics: v.metrics,
        change: v.change,
      }));
  }
  return [...models.values()].sort((a, b) => a.name.localeCompare(b.name));
}
