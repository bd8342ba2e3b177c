import {
  finding,
  type Dataset,
  type Deployment,
  type FeatureService,
  type FeatureView,
  type Finding,
  type LoadedRecord,
  type Model,
  type ModelCard,
  type ModelVersion,
  type Run,
} from '../../records/index.js';
import type { RecordIndex } from '../record-index.js';
import type { RecordRule } from './rule.js';

type Ref = { at: (string | number)[]; path: string | undefined; what: string; kinds?: string[] };

/** Every name a record mentions must be a record that exists in the same tree. */
export const references: RecordRule = async (rec, tree) => {
  const refs = await referencesOf(rec, tree);
  const out: Finding[] = [];
  for (const ref of refs) {
    const target = ref.path ? await tree.load(ref.path) : undefined;
    const ok =
      target && (!ref.kinds || (target.ok ? ref.kinds.includes(target.record.kind) : true));
    if (!ok) {
      const wrongKind = target?.ok ? ` (${ref.path} is a ${target.record.kind})` : '';
      out.push(
        finding(
          rec.path,
          rec.locate(ref.at),
          'reference',
          `${ref.what} does not exist${wrongKind}`,
        ),
      );
    }
  }
  return out;
};

const modelPath = (m: unknown) => `registry/models/${String(m)}/model.yaml`;
const versionPath = (m: unknown, v: unknown) =>
  `registry/models/${String(m)}/versions/${String(v)}.yaml`;
const datasetPath = (d: unknown) => `data/${String(d)}.yaml`;
const featurePath = (f: unknown) => `registry/features/${String(f)}.yaml`;

async function referencesOf(rec: LoadedRecord, tree: RecordIndex): Promise<Ref[]> {
  const refs: Ref[] = [];
  const views = ['FeatureView', 'FeatureService'];
  const each = <T>(items: T[] | undefined, f: (item: T, i: number) => Ref) =>
    (items ?? []).forEach((item, i) => refs.push(f(item, i)));
  switch (rec.kind) {
    case 'Model': {
      const v = rec.value as unknown as Model;
      const inputs = ['training', 'inputs'];
      each(v.training.inputs.datasets, (d, i) => ({
        at: [...inputs, 'datasets', i],
        path: datasetPath(d),
        what: `dataset "${d}"`,
      }));
      each(v.training.inputs.features, (f, i) => ({
        at: [...inputs, 'features', i],
        path: featurePath(f),
        what: `feature view or service "${f}"`,
        kinds: views,
      }));
      break;
    }
    case 'ModelVersion': {
      const v = rec.value as unknown as ModelVersion;
      refs.push({ at: ['model'], path: modelPath(v.model), what: `model "${v.model}"` });
      refs.push({ at: ['run'], path: await tree.runPath(v.run, v.model), what: `run "${v.run}"` });
      refs.push({ at: ['card'], path: v.card, what: `model card ${v.card}`, kinds: ['ModelCard'] });
      each(v.lineage.datasets, (d, i) => ({
        at: ['lineage', 'datasets', i, 'name'],
        path: datasetPath(d.name),
        what: `dataset "${d.name}"`,
      }));
      each(v.features, (f, i) => ({
        at: ['features', i],
        path: featurePath(f),
        what: `feature view or service "${f}"`,
        kinds: views,
      }));
      break;
    }
    case 'Deployment': {
      const v = rec.value as unknown as Deployment;
      refs.push({ at: ['model'], path: modelPath(v.model), what: `model "${v.model}"` });
      const version = (at: (string | number)[], ver: string): Ref => ({
        at,
        path: versionPath(v.model, ver),
        what: `version ${ver} of ${v.model} (not registered)`,
      });
      if (v.production) refs.push(version(['production'], v.production));
      if (v.candidate) refs.push(version(['candidate'], v.candidate));
      each(v.archived, (a, i) => version(['archived', i], a));
      each(v.rejected, (r, i) => version(['rejected', i, 'version'], r.version));
      break;
    }
    case 'Run': {
      const v = rec.value as unknown as Run;
      refs.push({ at: ['model'], path: modelPath(v.model), what: `model "${v.model}"` });
      each(v.inputs.datasets, (d, i) => ({
        at: ['inputs', 'datasets', i, 'name'],
        path: datasetPath(d.name),
        what: `dataset "${d.name}"`,
      }));
      break;
    }
    case 'ModelCard': {
      const v = rec.value as unknown as ModelCard;
      refs.push({
        at: ['version'],
        path: versionPath(v.model, v.version),
        what: `version ${v.version} of ${v.model}`,
      });
      for (const key of ['training_data', 'evaluation_data'] as const) {
        each(v[key], (d, i) => ({
          at: [key, i, 'dataset'],
          path: datasetPath(d.dataset),
          what: `dataset "${d.dataset}"`,
        }));
      }
      break;
    }
    case 'Dataset': {
      const v = rec.value as unknown as Dataset;
      if (v.remote)
        refs.push({
          at: ['remote'],
          path: 'data/remotes.yaml',
          what: `remote "${v.remote}" (no data/remotes.yaml)`,
        });
      each(v.lineage?.derived_from, (d, i) => ({
        at: ['lineage', 'derived_from', i],
        path: datasetPath(d),
        what: `dataset "${d}"`,
      }));
      break;
    }
    case 'FeatureView': {
      const v = rec.value as unknown as FeatureView;
      each(v.entities, (e, i) => ({
        at: ['entities', i],
        path: featurePath(e),
        what: `entity "${e}"`,
        kinds: ['Entity'],
      }));
      refs.push({
        at: ['source', 'dataset'],
        path: datasetPath(v.source.dataset),
        what: `dataset "${v.source.dataset}"`,
      });
      break;
    }
    case 'FeatureService': {
      const v = rec.value as unknown as FeatureService;
      each(v.features, (f, i) => ({
        at: ['features', i, 'view'],
        path: featurePath(f.view),
        what: `feature view "${f.view}"`,
        kinds: ['FeatureView'],
      }));
      break;
    }
  }
  return refs;
}
