import {
  finding,
  type Deployment,
  type Dataset,
  type FeatureService,
  type Finding,
  type LoadedRecord,
  type ModelVersion,
  type Remotes,
} from '../../records/index.js';
import type { RecordRule } from './rule.js';

/**
 * What a deployment may say: one production and one candidate (the schema
 * gives one field each), and they, the archive and the rejects never overlap.
 */
export const deploymentInvariants: RecordRule = (rec) => {
  if (rec.kind !== 'Deployment') return Promise.resolve([]);
  const d = rec.value as unknown as Deployment;
  const out: Finding[] = [];
  const at = (path: (string | number)[], rule: string, message: string) =>
    out.push(finding(rec.path, rec.locate(path), rule, message));
  if (d.production && d.production === d.candidate) {
    at(['candidate'], 'deployment/candidate', `candidate ${d.candidate} is already production`);
  }
  d.archived.forEach((v, i) => {
    if (v === d.production)
      at(['archived', i], 'deployment/archived', `${v} is production and archived`);
    if (v === d.candidate)
      at(['archived', i], 'deployment/archived', `${v} is the candidate and archived`);
  });
  const rejected = new Set<string>();
  d.rejected.forEach((r, i) => {
    if (r.version === d.production)
      at(
        ['rejected', i, 'version'],
        'deployment/rejected',
        `${r.version} is rejected but in production`,
      );
    if (r.version === d.candidate)
      at(
        ['rejected', i, 'version'],
        'deployment/rejected',
        `${r.version} is rejected but the candidate`,
      );
    if (rejected.has(r.version))
      at(['rejected', i, 'version'], 'deployment/rejected', `${r.version} is rejected twice`);
    rejected.add(r.version);
  });
  if (d.rollout) {
    if (d.rollout.candidate !== d.candidate) {
      at(
        ['rollout', 'candidate'],
        'deployment/rollout',
        `rollout is for ${d.rollout.candidate} but the candidate is ${d.candidate ?? 'none'}`,
      );
    }
    if (d.rollout.baseline !== d.production) {
      at(
        ['rollout', 'baseline'],
        'deployment/rollout',
        `rollout baseline ${d.rollout.baseline ?? 'none'} is not production ${d.production ?? 'none'}`,
      );
    }
  }
  return Promise.resolve(out);
};

/** Cross-record facts that need the referenced record's content, not just its existence. */
export const consistency: RecordRule = async (rec, tree) => {
  const out: Finding[] = [];
  if (rec.kind === 'Dataset') {
    const d = rec.value as unknown as Dataset;
    const remotes = (await tree.record('data/remotes.yaml'))?.value as unknown as
      Remotes | undefined;
    if (d.remote && remotes && !Object.hasOwn(remotes.remotes, d.remote)) {
      out.push(
        finding(
          rec.path,
          rec.locate(['remote']),
          'reference',
          `remote "${d.remote}" is not in data/remotes.yaml (has: ${Object.keys(remotes.remotes).join(', ')})`,
        ),
      );
    }
  }
  if (rec.kind === 'Remotes') out.push(...remoteSafety(rec));
  if (rec.kind === 'FeatureService') {
    const s = rec.value as unknown as FeatureService;
    for (const [i, f] of s.features.entries()) {
      const view = await tree.record(`registry/features/${f.view}.yaml`);
      if (view?.kind !== 'FeatureView' || !f.features) continue;
      const names = new Set((view.value.schema as { name: string }[]).map((c) => c.name));
      f.features.forEach((name, j) => {
        if (!names.has(name)) {
          out.push(
            finding(
              rec.path,
              rec.locate(['features', i, 'features', j]),
              'reference',
              `feature "${name}" is not in view ${f.view} (has: ${[...names].join(', ')})`,
            ),
          );
        }
      });
    }
  }
  if (rec.kind === 'ModelVersion') {
    const v = rec.value as unknown as ModelVersion;
    const runPath = await tree.runPath(v.run, v.model);
    const run = runPath ? await tree.record(runPath) : undefined;
    if (run && run.value.model !== v.model) {
      out.push(
        finding(
          rec.path,
          rec.locate(['run']),
          'reference',
          `run ${v.run} trained ${String(run.value.model)}, not ${v.model}`,
        ),
      );
    }
    if (run && run.value.status !== 'succeeded') {
      out.push(
        finding(
          rec.path,
          rec.locate(['run']),
          'reference',
          `run ${v.run} has status ${String(run.value.status)}; only a succeeded run can be registered`,
        ),
      );
    }
  }
  return out;
};

/**
 * Credentials come only from the environment (or the AWS default chain),
 * never from a tracked file: a remote whose endpoint or path carries them is
 * an error, and so is a default that names no remote.
 */
function remoteSafety(rec: LoadedRecord): Finding[] {
  const r = rec.value as unknown as Remotes;
  const out: Finding[] = [];
  if (!Object.hasOwn(r.remotes, r.default)) {
    out.push(
      finding(
        rec.path,
        rec.locate(['default']),
        'reference',
        `default remote "${r.default}" is not one of: ${Object.keys(r.remotes).join(', ')}`,
      ),
    );
  }
  for (const [name, remote] of Object.entries(r.remotes)) {
    const field = remote.type === 's3' ? 'endpoint' : 'path';
    const value = remote.type === 's3' ? remote.endpoint : remote.path;
    if (value && /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) {
      out.push(
        finding(
          rec.path,
          rec.locate(['remotes', name, field]),
          'remote/credentials',
          `remote "${name}" has credentials in its ${field}; credentials come only from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or the AWS default chain), never from a tracked file`,
        ),
      );
    }
  }
  return out;
}
