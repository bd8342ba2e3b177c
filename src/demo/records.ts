import { createHash } from 'node:crypto';
import { load } from 'js-yaml';
import { editRecordText, stringifyRecord } from '../records/index.js';
import type { Deployment, ModelCard, ModelVersion, Run } from '../records/index.js';

type Files = Map<string, string>;

const sha256 = (s: string) => 'sha256:' + createHash('sha256').update(s).digest('hex');
const parse = <T>(files: Files, path: string): T => {
  const text = files.get(path);
  if (text === undefined) throw new Error(`example file missing: ${path}`);
  return load(text) as T;
};

/** A run id as the tracker names them: `YYYYMMDD-HHMMSS-<slug>`. */
export function runId(at: Date, slug: string): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${slug}`;
}

/**
 * The records a retrain of `model` would produce: a finished Run, the next
 * ModelVersion and its ModelCard, derived from the previous version's.
 */
export function retrainRecords(
  files: Files,
  model: string,
  from: string,
  to: string,
  at: Date,
  metrics: Record<string, number>,
): Map<string, string> {
  const prev = parse<ModelVersion>(files, `registry/models/${model}/versions/${from}.yaml`);
  const prevCard = parse<ModelCard>(files, `model-cards/${model}/${from}.yaml`);
  const prevRunPath = [...files.keys()].find((p) => p.endsWith(`/${prev.run}.yaml`))!;
  const prevRun = parse<Run>(files, prevRunPath);
  const id = runId(at, 'weekly');
  const artifact = {
    ...prev.artifact,
    uri: prev.artifact.uri.replace(from, to),
    hash: sha256(`${model}@${to}`),
  };
  const run: Run = {
    ...prevRun,
    id,
    started_at: new Date(at.getTime() - 40 * 60_000).toISOString(),
    ended_at: at.toISOString(),
    code_commit: createHash('sha1').update(id).digest('hex'),
    trigger: { type: 'schedule', reason: 'weekly retraining (0 2 * * 0)' },
    metrics,
    artifacts: [
      {
        name: prevRun.artifacts[0]?.name ?? 'model',
        uri: artifact.uri,
        hash: artifact.hash,
        size: artifact.size,
      },
    ],
  };
  const version: ModelVersion = {
    ...prev,
    version: to,
    created_at: at.toISOString(),
    run: id,
    artifact,
    metrics,
    change: { level: 'minor', reason: 'weekly retrain on the latest test executions' },
    card: `model-cards/${model}/${to}.yaml`,
  };
  const card: ModelCard = {
    ...prevCard,
    version: to,
    model_details: { ...prevCard.model_details, date: at.toISOString().slice(0, 10) },
    metrics: prevCard.metrics.map((m) =>
      m.slice ? m : { ...m, value: metrics[m.name] ?? m.value },
    ),
  };
  return new Map([
    [`registry/runs/${run.experiment}/${id}.yaml`, stringifyRecord(run)],
    [`registry/models/${model}/versions/${to}.yaml`, stringifyRecord(version)],
    [`model-cards/${model}/${to}.yaml`, stringifyRecord(card)],
  ]);
}

/** A deployment edit that keeps the file's layout and comments. */
export function editDeployment(
  files: Files,
  model: string,
  change: Partial<Deployment>,
): [string, string] {
  const path = `registry/models/${model}/deployment.yaml`;
  const text = files.get(path)!;
  const edits = Object.entries(change).map(([k, value]) => ({ path: [k], value }));
  return [path, editRecordText(text, edits)];
}
