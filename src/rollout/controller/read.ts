import {
  formatFinding,
  loadRecord,
  type Deployment,
  type RolloutPolicy,
} from '../../records/index.js';
import { listFiles, readFiles, type Repo } from '../../repo/index.js';
import { RolloutError } from './errors.js';

export const ROLLOUT_POLICY_PATH = 'policies/rollout.yaml';

export function deploymentPath(model: string): string {
  return `registry/models/${model}/deployment.yaml`;
}

/** What a rollout step is decided on, read at one commit of the branch. */
export interface RolloutSnapshot {
  /** The commit read; the step's commit must have it as its parent. */
  commit: string;
  model: string;
  deployment: Deployment;
  /** The Deployment's text, edited in place so the diff shows only what changed. */
  deploymentText: string;
  policy: RolloutPolicy;
}

/**
 * Reads a model's Deployment and the rollout policy at a commit.
 * @throws RolloutError `NO_DEPLOYMENT`, `NO_POLICY`, `INVALID_RECORD`
 * @example
 * const snap = await readRolloutSnapshot(repo, await resolveRef(repo, 'main'), 'fraud');
 * snap.deployment.rollout?.weight // 20
 */
export async function readRolloutSnapshot(
  repo: Repo,
  commit: string,
  model: string,
): Promise<RolloutSnapshot> {
  const path = deploymentPath(model);
  const files = await readFiles(repo, commit, [path, ROLLOUT_POLICY_PATH]);
  const load = (p: string) => {
    const f = files.get(p);
    if (!f) return undefined;
    const r = loadRecord(p, f.bytes);
    if (!r.ok) {
      throw new RolloutError(
        'INVALID_RECORD',
        `${p} at ${commit.slice(0, 7)} is not a valid record:\n${r.findings.map(formatFinding).join('\n')}`,
        { path: p },
      );
    }
    return { value: r.record.value, text: new TextDecoder().decode(f.bytes) };
  };
  const deployment = load(path);
  if (!deployment) {
    throw new RolloutError('NO_DEPLOYMENT', `no model "${model}" to roll out: no ${path}`, {
      path,
    });
  }
  const policy = load(ROLLOUT_POLICY_PATH);
  if (!policy) {
    throw new RolloutError(
      'NO_POLICY',
      `no ${ROLLOUT_POLICY_PATH} at ${commit.slice(0, 7)}: a rollout walks its stages`,
      { path: ROLLOUT_POLICY_PATH },
    );
  }
  return {
    commit,
    model,
    deployment: deployment.value as unknown as Deployment,
    deploymentText: deployment.text,
    policy: policy.value as unknown as RolloutPolicy,
  };
}

/** Every model with a Deployment at a commit, in name order. */
export async function deployedModels(repo: Repo, commit: string): Promise<string[]> {
  const files = await listFiles(repo, commit, ['registry/models/']);
  return files
    .map((f) => /^registry\/models\/([^/]+)\/deployment\.yaml$/.exec(f.path)?.[1])
    .filter((m): m is string => m !== undefined)
    .sort();
}
