/**
 * Validation: rules over one tree (schema, path identity, references,
 * invariants, finite metrics, workflow safety) and over a change against a
 * base (immutability, who owns a Deployment's fields and the traffic files,
 * stale promotions, the data and artifacts behind the change, reached through
 * the base's remotes). Every finding names its file and line.
 */
import {
  finding,
  identityOfPath,
  sortFindings,
  type Finding,
  type LoadedRecord,
  type Remotes,
  type RolloutPolicy,
} from '../records/index.js';
import {
  WORKTREE,
  diffRefs,
  mergeBase,
  openRepo,
  resolveRef,
  type FileChange,
  type Repo,
} from '../repo/index.js';
import { immutability, stalePromotion } from './rules/immutability.js';
import {
  deploymentOwnership,
  trafficOwnership,
  trafficPaths,
  trafficPrefix,
} from './rules/ownership.js';
import { checkFiles } from './check-files.js';
import { checkFilesInParallel, plannedJobs } from './parallel.js';
import { VALIDATED_ROOTS, openTree, type Tree, type TreeRef } from './tree.js';

export { RecordIndex } from './record-index.js';
export { checkWorkflow } from './rules/workflows.js';
export { openTree, VALIDATED_ROOTS } from './tree.js';
export type { RecordRule, ChangeRule, RecordChange } from './rules/rule.js';
export { CONTROLLER_FIELDS, deploymentOwnership } from './rules/ownership.js';

export { RECORD_RULES } from './check-files.js';
export { isValidationWorker, serveValidationJob } from './parallel.js';

/** Kinds whose content other records depend on: changing one re-checks every record. */
const DEPENDED_ON = new Set(['Remotes', 'Entity', 'FeatureView', 'FeatureService', 'Run']);

export interface ValidateOptions {
  /** Any folder inside the repository. */
  dir: string;
  /** Validate this commit instead of the work tree. */
  ref?: string;
  /**
   * Compare against this ref: immutability, ownership, stale promotions; only what changed
   * is re-checked.
   */
  base?: string;
  /** Re-check every record even with a base. */
  full?: boolean;
  /** Threads for a large full check (default: one per core, at most 4). */
  jobs?: number;
  /**
   * Checks the data behind Dataset pointers that a change added or modified
   * (their expectations); given by the caller, since it needs storage.
   */
  checkDatasets?: DatasetChecker;
  /**
   * Checks that the artifact of each ModelVersion a change adds is on its remote; given by
   * the caller, since it needs storage (see `artifactChecker` in `data/`).
   */
  checkArtifacts?: ArtifactChecker;
}

/**
 * What a data check may use to reach storage. The remotes are the base's: a change never
 * chooses where the check sends requests. When the change edits `data/remotes.yaml`, the
 * check runs without the job's credentials.
 */
export interface DataCheckContext {
  /** `data/remotes.yaml` at the base; undefined when the base has none (or it is invalid). */
  remotes: Remotes | undefined;
  /** The change edits `data/remotes.yaml`: no credentials may be used. */
  withoutCredentials: boolean;
}

/** Runs the expectations of changed dataset pointers; findings point into the pointers. */
export type DatasetChecker = (
  pointers: LoadedRecord[],
  context: DataCheckContext,
) => Promise<Finding[]>;

/** Checks the artifacts of added ModelVersions are stored; findings point into the versions. */
export type ArtifactChecker = (
  versions: LoadedRecord[],
  context: DataCheckContext,
) => Promise<Finding[]>;

export interface ValidationReport {
  findings: Finding[];
  /** Files read and checked. */
  checkedFiles: number;
  /** The commit validated, or `worktree`. */
  head: string;
  /** Threads that checked files. */
  threads: number;
  base?: string;
}

/**
 * Validate a repository's records and workflows.
 * @example
 * const report = await validateRepository({ dir: '.', base: 'origin/main' });
 * for (const f of report.findings) console.log(formatFinding(f));
 */
export async function validateRepository(opts: ValidateOptions): Promise<ValidationReport> {
  const repo = await openRepo(opts.dir);
  const headRef: TreeRef = opts.ref ?? WORKTREE;
  const head = await openTree(repo, headRef);
  if (!opts.base) {
    const paths = await head.paths();
    const jobs = headRef === WORKTREE ? 1 : plannedJobs(paths.length, opts.jobs);
    const findings =
      jobs > 1
        ? await checkFilesInParallel(repo.dir, head.id, paths, jobs, (mine) =>
            checkFiles(head.index, mine),
          )
        : await checkFiles(head.index, paths);
    return {
      findings: sortFindings(findings),
      checkedFiles: paths.length,
      head: head.id,
      threads: jobs,
    };
  }
  const base = await openTree(repo, opts.base);
  return {
    ...(await validateChange(repo, base, head, headRef, opts)),
    base: base.id,
  };
}

/**
 * A change is what the head did since it left the base (the merge base):
 * that is what immutability judges. Staleness is judged against the base's
 * tip, where the branch would land.
 */
async function validateChange(
  repo: Repo,
  base: Tree,
  head: Tree,
  headRef: TreeRef,
  opts: ValidateOptions,
): Promise<ValidationReport> {
  const headCommit = headRef === WORKTREE ? await resolveRef(repo, 'HEAD') : head.id;
  const forkId = (await mergeBase(repo, base.id, headCommit)) ?? base.id;
  const fork = forkId === base.id ? base : await openTree(repo, forkId);
  const changes = await diffRefs(repo, fork.id, headRef, VALIDATED_ROOTS);
  const findings: Finding[] = [];
  let wholeTree = opts.full ?? false;
  const changedPointers: LoadedRecord[] = [];
  const addedVersions: LoadedRecord[] = [];
  for (const c of changes) {
    const before = c.status !== 'added' ? await fork.index.record(c.path) : undefined;
    const after = c.status !== 'removed' ? await head.index.record(c.path) : undefined;
    if (before)
      findings.push(...immutability({ path: c.path, status: c.status, base: before, head: after }));
    findings.push(
      ...deploymentOwnership({ path: c.path, status: c.status, base: before, head: after }),
    );
    const atTip = fork === base ? before : await base.index.record(c.path);
    if (atTip)
      findings.push(
        ...stalePromotion({
          path: c.path,
          status: c.status,
          base: atTip,
          head: after,
          ...(before ? { fork: before } : {}),
        }),
      );
    if (after?.kind === 'Dataset') changedPointers.push(after);
    if (after?.kind === 'ModelVersion' && c.status === 'added') addedVersions.push(after);
    if (c.status === 'removed' && identityOfPath(c.path)) wholeTree = true;
    if (before && DEPENDED_ON.has(before.kind)) wholeTree = true;
    // the feature views reading a dataset are judged by its columns
    if (before?.kind === 'Dataset' && !sameColumns(before, after)) wholeTree = true;
  }
  findings.push(...(await trafficChanges(repo, fork, head, headRef, changes)));
  const toCheck = wholeTree
    ? await head.paths()
    : changes.filter((c) => c.status !== 'removed').map((c) => c.path);
  findings.push(...(await checkFiles(head.index, toCheck)));
  findings.push(...(await checkData(opts, base, changes, changedPointers, addedVersions)));
  return {
    findings: sortFindings(findings),
    checkedFiles: toCheck.length + changes.length,
    head: head.id,
    threads: 1,
  };
}

/**
 * Traffic configuration the change touched: the default folder is among the validated roots;
 * a folder a rollout policy names elsewhere (at the merge base or in the change) is listed too.
 */
async function trafficChanges(
  repo: Repo,
  fork: Tree,
  head: Tree,
  headRef: TreeRef,
  changes: FileChange[],
): Promise<Finding[]> {
  const dirs = new Set<string>();
  for (const tree of [fork, head]) {
    const policy = (await tree.index.record('policies/rollout.yaml'))?.value as
      RolloutPolicy | undefined;
    if (policy?.traffic?.dir) dirs.add(policy.traffic.dir);
  }
  const outside = [...dirs]
    .map(trafficPrefix)
    .filter((p) => !VALIDATED_ROOTS.some((r) => p.startsWith(r)));
  const all = outside.length
    ? [...changes, ...(await diffRefs(repo, fork.id, headRef, outside))]
    : changes;
  const owned = trafficPaths([...dirs]);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const c of all) {
    if (seen.has(c.path) || !owned(c.path)) continue;
    seen.add(c.path);
    out.push(trafficOwnership(c.path, c.status));
  }
  return out;
}

/**
 * The data behind the change: expectations of changed pointers and the artifacts of added
 * versions, reached through the base's remotes (and without credentials when the change
 * edits them).
 */
async function checkData(
  opts: ValidateOptions,
  base: Tree,
  changes: FileChange[],
  pointers: LoadedRecord[],
  versions: LoadedRecord[],
): Promise<Finding[]> {
  if (!opts.checkDatasets && !opts.checkArtifacts) return [];
  const remotesChange = changes.find((c) => c.path === REMOTES);
  const context: DataCheckContext = {
    remotes: (await base.index.record(REMOTES))?.value as Remotes | undefined,
    withoutCredentials: remotesChange !== undefined,
  };
  const out: Finding[] = [];
  if (remotesChange && (pointers.length || versions.length)) {
    out.push(
      finding(
        REMOTES,
        { line: 1, col: 1 },
        'data/no-credentials',
        "this change edits data/remotes.yaml: its data is checked against the base's remotes and without the job's credentials (a pull request never chooses where signed requests go); data that needs credentials cannot be proven here",
        'warning',
      ),
    );
  }
  if (opts.checkDatasets && pointers.length)
    out.push(...(await opts.checkDatasets(pointers, context)));
  if (opts.checkArtifacts && versions.length)
    out.push(...(await opts.checkArtifacts(versions, context)));
  return out;
}

const REMOTES = 'data/remotes.yaml';

function sameColumns(a: LoadedRecord, b: LoadedRecord | undefined): boolean {
  return JSON.stringify(a.value.columns) === JSON.stringify(b?.value.columns);
}
