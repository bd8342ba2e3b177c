import { finding, type Finding, type LoadedRecord } from '../../records/index.js';
import type { RecordIndex } from '../record-index.js';
import type { RecordRule } from './rule.js';

type Ref = { at: (string | number)[]; path: string | undefined; what: string; kinds?: string[] };

/** Every name a record mentions must be a record that exists in the same tree. */
export const references: RecordRule = async (rec, tree) => {
  const refs = referencesOf(rec, tree);
  const out: Finding[] = [];
  for (const ref of refs) {
    const target = ref.path ? await tree.load(ref.path) : undefined;
    const ok =
      target &&
      (!ref.kinds || (target.ok ? ref.kinds.includes(target.record.kind) : true));
    if (!ok) {
      const wrongKind = target?.ok ? ` (${ref.path} is a ${target.record.kind})` : '';
      out.push(
        finding(rec.path, rec.locate(ref.at), 'reference', `${ref.what} does not exist${wrongKind}`),
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

function referencesOf(rec: LoadedRecord, tree: RecordIndex): Ref[] {
  const v = rec.value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const refs: Ref[] = [];
  const list = <T>(x: T[] | undefined): T[] => x ?? [];
  switch (rec.kind) {
    case 'Model':
      list<string>(v.training.inputs.datasets).forEach((d, i) =>
        refs.push({ at: ['training', 'inputs', 'datasets', i], path: datasetPath(d), what: `dataset "${d}"` }),
      );
      list<string>(v.training.inputs.features).forEach((f, i) =>
        refs.push({
          at: ['training', 'inputs', 'features', i],
          path: featurePath(f),
          what: `feature view or service "${f}"`,
          kinds: ['FeatureView', 'FeatureService'],
        }),
      );
      break;
    case 'ModelVersion':
      refs.push({ at: ['model'], path: modelPath(v.model), what: `model "${v.model}"` });
      refs.push({ at: ['run'], path: tree.runPath(v.run), what: `run "${v.run}"` });
      refs.push({ at: ['card'], path: v.card, what: `model card ${v.card}`, kinds: ['ModelCard'] });
      list<{ name: string }>(v.lineage.datasets).forEach((d, i) =>
        refs.push({ at: ['lineage', 'datasets', i, 'name'], path: datasetPath(d.name), what: `dataset "${d.name}"` }),
      );
      list<string>(v.features).forEach((f, i) =>
        refs.push({
          at: ['features', i],
          path: featurePath(f),
          what: `feature view or service "${f}"`,
          kinds: ['FeatureView', 'FeatureService'],
        }),
      );
      break;
    case 'Deployment': {
      refs.push({ at: ['model'], path: modelPath(v.model), what: `model "${v.model}"` });
      const version = (at: (string | number)[], ver: unknown) =>
        refs.push({ at, path: versionPath(v.model, ver), what: `version ${String(ver)} of ${v.model} (not registered)` });
      if (v.production) version(['production'], v.production);
      if (v.candidate) version(['candidate'], v.candidate);
      list<string>(v.archived).forEach((a, i) => version(['archived', i], a));
      list<{ version: string }>(v.rejected).forEach((r, i) => version(['rejected', i, 'version'], r.version));
      break;
    }
    case 'Run':
      refs.push({ at: ['model'], path: modelPath(v.model), what: `model "${v.model}"` });
      list<{ name: string }>(v.inputs.datasets).forEach((d, i) =>
        refs.push({ at: ['inputs', 'datasets', i, 'name'], path: datasetPath(d.name), what: `dataset "${d.name}"` }),
      );
      break;
    case 'ModelCard':
      refs.push({ at: ['version'], path: versionPath(v.model, v.version), what: `version ${v.version} of ${v.model}` });
      for (const key of ['training_data', 'evaluation_data'] as const) {
        list<{ dataset: string }>(v[key]).forEach((d, i) =>
          refs.push({ at: [key, i, 'dataset'], path: datasetPath(d.dataset), what: `dataset "${d.dataset}"` }),
        );
      }
      break;
    case 'Dataset':
      if (v.remote) refs.push({ at: ['remote'], path: 'data/remotes.yaml', what: `remote "${v.remote}" (no data/remotes.yaml)` });
      list<string>(v.lineage?.derived_from).forEach((d, i) =>
        refs.push({ at: ['lineage', 'derived_from', i], path: datasetPath(d), what: `dataset "${d}"` }),
      );
      break;
    case 'FeatureView':
      list<string>(v.entities).forEach((e, i) =>
        refs.push({ at: ['entities', i], path: featurePath(e), what: `entity "${e}"`, kinds: ['Entity'] }),
      );
      refs.push({ at: ['source', 'dataset'], path: datasetPath(v.source.dataset), what: `dataset "${v.source.dataset}"` });
      break;
    case 'FeatureService':
      list<{ view: string }>(v.features).forEach((f, i) =>
        refs.push({ at: ['features', i, 'view'], path: featurePath(f.view), what: `feature view "${f.view}"`, kinds: ['FeatureView'] }),
      );
      break;
  }
  return refs;
}
