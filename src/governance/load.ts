/**
 * The one I/O part of `governance/`: reads, from git objects, every record a promotion is
 * judged on. Everything that judges (policy, the model's overrides, production) comes from
 * the base's tip; the candidate and the model as changed come from the head; what the change
 * touches is measured from the merge base of the two, as `validate` measures a change.
 */
import {
  formatFinding,
  loadRecord,
  pathPattern,
  type Deployment,
  type GovernancePolicy,
  type Model,
  type ModelVersion,
  type RolloutPolicy,
} from '../records/index.js';
import {
  WORKTREE,
  diffRefs,
  mergeBase,
  readFiles,
  resolveRef,
  type FileChange,
  type Repo,
} from '../repo/index.js';
import { extraChanges, type ChangedFile } from './scope.js';
import { parseSemVer } from '../registry/semver.js';
import { GovernanceError } from './errors.js';
import type { GovernanceInput } from './types.js';

export const POLICY_PATH = 'policies/governance.yaml';
const ROLLOUT_POLICY_PATH = 'policies/rollout.yaml';
/** The rollout controller's default traffic folder (src/rollout/controller/traffic-files.ts). */
const DEFAULT_TRAFFIC_DIR = 'registry/models/{model}/traffic';

export interface GovernanceTarget {
  /** The ref the change would land on (`main`): policy and production are read at its tip. */
  base: string;
  /** The change: a ref, or `WORKTREE` for the files on disk (measured from HEAD's merge base). */
  head: string | typeof WORKTREE;
  model: string;
  version: string;
}

/**
 * Everything `evaluateGovernance` needs, read at the refs of a change.
 *
 * The changed paths are those from the merge base to the head. For the work tree they are
 * the work tree's files under the policy's high-risk paths, `registry/` and `model-cards/`
 * against the merge base of the base and HEAD (so uncommitted edits count; files outside
 * those folders are not read).
 *
 * Stale: when the change edits the model's Deployment and the base's production (or
 * candidate) has moved since the merge base, the promotion was prepared against an older
 * one; `productionMovedFrom` / `candidateMovedFrom` say what it was.
 *
 * @throws GovernanceError `BAD_TARGET`, `NO_POLICY`, `NO_MODEL`, `INVALID_RECORD`;
 *   RepoError `BAD_REF` for a ref that does not resolve.
 * @example
 * const input = await governanceInputsAt(repo, { base: 'main', head: 'promote/m/1.1.0', model: 'm', version: '1.1.0' });
 * const result = evaluateGovernance(input);
 */
export async function governanceInputsAt(
  repo: Repo,
  target: GovernanceTarget,
): Promise<GovernanceInput> {
  const { model: name, version } = target;
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name))
    throw new GovernanceError('BAD_TARGET', `not a model name: ${JSON.stringify(name)}`, { name });
  if (!parseSemVer(version))
    throw new GovernanceError('BAD_TARGET', `not a semantic version: ${JSON.stringify(version)}`, {
      version,
    });
  const dir = `registry/models/${name}/`;
  const paths = {
    model: `${dir}model.yaml`,
    deployment: `${dir}deployment.yaml`,
    version: (v: string) => `${dir}versions/${v}.yaml`,
  };

  const base = await resolveRef(repo, target.base);
  const headCommit = await resolveRef(repo, target.head === WORKTREE ? 'HEAD' : target.head);
  const fork = (await mergeBase(repo, base, headCommit)) ?? base;
  const headAt = target.head === WORKTREE ? WORKTREE : headCommit;
  const baseName = `${target.base} (${base.slice(0, 7)})`;

  const atBase = await records(repo, base, [POLICY_PATH, paths.model, paths.deployment]);
  const policy = atBase.get(POLICY_PATH) as GovernancePolicy | undefined;
  if (!policy)
    throw new GovernanceError(
      'NO_POLICY',
      `no ${POLICY_PATH} at ${baseName}: the policy is always read from the base`,
      { base },
    );
  const baseModel = atBase.get(paths.model) as Model | undefined;
  const deployment = atBase.get(paths.deployment) as Deployment | undefined;
  let production: ModelVersion | undefined;
  if (deployment?.production) {
    const p = paths.version(deployment.production);
    production = (await records(repo, base, [p])).get(p) as ModelVersion | undefined;
    if (!production)
      throw new GovernanceError(
        'INVALID_RECORD',
        `${paths.deployment} at ${baseName} names production ${deployment.production}, but there is no ${p}`,
        { path: p },
      );
  }

  const atHead = await records(repo, headAt, [paths.model, paths.version(version)]);
  const model = atHead.get(paths.model) as Model | undefined;
  if (!model)
    throw new GovernanceError(
      'NO_MODEL',
      `no model "${name}" at ${target.head === WORKTREE ? 'the work tree' : target.head}: no ${paths.model}`,
      { path: paths.model },
    );
  const candidate = atHead.get(paths.version(version)) as ModelVersion | undefined;

  const changes = await diffRefs(
    repo,
    fork,
    headAt,
    headAt === WORKTREE ? worktreePrefixes(policy) : [],
  );
  const changedPaths = changes.map((c) => c.path);

  const input: GovernanceInput = {
    policy,
    model,
    version,
    registered: candidate !== undefined,
    changedPaths,
    extraChanges: extraChanges({
      model: name,
      version,
      ...(candidate ? { candidate } : {}),
      changes: await withDeployments(repo, fork, headAt, changes),
      trafficDirs: await trafficDirs(repo, base),
    }),
    at: {
      baseRef: target.base,
      base,
      headRef: target.head === WORKTREE ? 'worktree' : target.head,
      head: target.head === WORKTREE ? 'worktree' : headCommit,
      mergeBase: fork,
    },
  };
  if (baseModel) input.baseModel = baseModel;
  if (candidate) input.candidate = candidate;
  if (production) input.production = production;
  if (deployment?.candidate && deployment.candidate !== version)
    input.rolloutInProgress = deployment.candidate;

  if (fork !== base && deployment && changedPaths.includes(paths.deployment)) {
    const then = (await records(repo, fork, [paths.deployment])).get(paths.deployment) as
      Deployment | undefined;
    if (then && then.production !== deployment.production && deployment.production !== version)
      input.productionMovedFrom = then.production;
    if (
      then &&
      deployment.candidate &&
      deployment.candidate !== version &&
      then.candidate !== deployment.candidate
    )
      input.candidateMovedFrom = then.candidate;
  }
  return input;
}

/** The changes as scope judges them, each Deployment loaded before and after (when valid). */
async function withDeployments(
  repo: Repo,
  fork: string,
  head: string | typeof WORKTREE,
  changes: FileChange[],
): Promise<ChangedFile[]> {
  const deployments = changes
    .map((c) => c.path)
    .filter((p) => /^registry\/models\/[^/]+\/deployment\.yaml$/.test(p));
  const [before, after] = await Promise.all([
    loadedOrNot(repo, fork, deployments),
    loadedOrNot(repo, head, deployments),
  ]);
  return changes.map((c) => {
    const out: ChangedFile = {
      path: c.path,
      status: c.status === 'removed' ? 'deleted' : c.status,
    };
    const b = before.get(c.path);
    const a = after.get(c.path);
    if (b) out.before = b as Deployment;
    if (a) out.after = a as Deployment;
    return out;
  });
}

/** The records at these paths that exist and load (an invalid one is left out: validation names it). */
async function loadedOrNot(
  repo: Repo,
  ref: string | typeof WORKTREE,
  paths: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!paths.length) return out;
  for (const [path, file] of await readFiles(repo, ref, paths)) {
    const loaded = loadRecord(path, file.bytes);
    if (loaded.ok) out.set(path, loaded.record.value);
  }
  return out;
}

/** Where the traffic configurations are: the default folder and the base's rollout policy's. */
async function trafficDirs(repo: Repo, base: string): Promise<string[]> {
  const dirs = [DEFAULT_TRAFFIC_DIR];
  const policy = (await loadedOrNot(repo, base, [ROLLOUT_POLICY_PATH])).get(ROLLOUT_POLICY_PATH) as
    RolloutPolicy | undefined;
  const dir = policy?.traffic?.dir;
  if (dir && dir !== DEFAULT_TRAFFIC_DIR) dirs.push(dir);
  return dirs;
}

/** What is read of the work tree: where risk lies, and the records. */
function worktreePrefixes(policy: GovernancePolicy): string[] {
  // a glob is read from the folder before its first glob character (src/records/path-pattern.ts)
  const risky = policy.risk.high_risk_paths.flatMap((p) => {
    const r = pathPattern(p);
    return r.ok ? [r.pattern.prefix] : [];
  });
  return [...new Set([...risky, 'registry/', 'model-cards/'])];
}

/** The records at these paths that exist at `ref`, loaded and checked; a broken one throws. */
async function records(
  repo: Repo,
  ref: string | typeof WORKTREE,
  paths: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const files = await readFiles(repo, ref, paths);
  const out = new Map<string, Record<string, unknown>>();
  for (const path of paths) {
    const file = files.get(path);
    if (!file) continue;
    const loaded = loadRecord(path, file.bytes);
    if (!loaded.ok) {
      const where = ref === WORKTREE ? 'the work tree' : ref.slice(0, 7);
      throw new GovernanceError(
        'INVALID_RECORD',
        `${path} at ${where} is not a valid record:\n${loaded.findings.map(formatFinding).join('\n')}`,
        { path },
      );
    }
    out.set(path, loaded.record.value);
  }
  return out;
}
