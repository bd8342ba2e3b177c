import {
  finding,
  formatFieldPath,
  type Finding,
  type ModelVersion,
  type Run,
} from '../../records/index.js';
import type { RecordRule } from './rule.js';

/**
 * A registered version names the bytes its run produced: its artifact is one of the run's
 * artifacts, same hash and size. (That the run exists, succeeded and trained this model is
 * the `reference` rule's; that the bytes are on a remote is the artifact check's.)
 * @example
 * await registeredArtifact(versionRecord, tree)
 * // [{ rule: 'registration/artifact', message: 'artifact sha256:… is not an artifact of run …' }]
 */
export const registeredArtifact: RecordRule = async (rec, tree) => {
  if (rec.kind !== 'ModelVersion') return [];
  const v = rec.value as unknown as ModelVersion;
  const runPath = await tree.runPath(v.run, v.model);
  const run = runPath ? await tree.record(runPath) : undefined;
  if (run?.kind !== 'Run') return [];
  const artifacts = (run.value as unknown as Run).artifacts;
  const same = artifacts.find((a) => a.hash === v.artifact.hash);
  if (!same) {
    const has = artifacts.map((a) => `${a.name} ${a.hash}`).join(', ') || 'none';
    return [
      finding(
        rec.path,
        rec.locate(['artifact', 'hash']),
        'registration/artifact',
        `artifact ${v.artifact.hash} is not an artifact of run ${v.run} (it stored: ${has}); a version registers what its run produced`,
      ),
    ];
  }
  if (same.size !== v.artifact.size) {
    return [
      finding(
        rec.path,
        rec.locate(['artifact', 'size']),
        'registration/artifact',
        `artifact size ${v.artifact.size} differs from run ${v.run}'s ${same.name} (${same.size} bytes)`,
      ),
    ];
  }
  return [];
};

/**
 * Every number in a version or a run is finite: YAML's `.inf`, `-.inf` and `.nan` parse as
 * numbers and satisfy the schema, but a metric of infinity passes any threshold one way and
 * NaN compares false with everything, so a gate would judge them by accident.
 * @example
 * await finiteNumbers(versionWithInfiniteAccuracy, tree)
 * // [{ rule: 'schema/finite', message: 'metrics.accuracy is Infinity; numbers in a ModelVersion must be finite' }]
 */
export const finiteNumbers: RecordRule = (rec) => {
  if (rec.kind !== 'ModelVersion' && rec.kind !== 'Run') return Promise.resolve([]);
  const out: Finding[] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        out.push(
          finding(
            rec.path,
            rec.locate(at),
            'schema/finite',
            `${formatFieldPath(at)} is ${String(v)}; numbers in a ${rec.kind} must be finite`,
          ),
        );
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, [...at, k]);
  };
  walk(rec.value, []);
  return Promise.resolve(out);
};
