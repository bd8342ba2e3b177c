/**
 * Validation: rules over one tree (schema, path identity, references,
 * invariants, workflow safety) and over a change against a base
 * (immutability, stale promotions). Every finding names its file and line.
 */
import { identityOfPath, sortFindings, type Finding, type LoadedRecord } from '../records/index.js';
import { WORKTREE, diffRefs, mergeBase, openRepo, resolveRef, type Repo } from '../repo/index.js';
import { immutability, stalePromotion } from './rules/immutability.js';
import { checkFiles } from './check-files.js';
import { checkFilesInParallel, plannedJobs } from './parallel.js';
import { VALIDATED_ROOTS, openTree, type Tree, type TreeRef } from './tree.js';

export { RecordIndex } from './record-index.js';
export { checkWorkflow } from './rules/workflows.js';
export { openTree, VALIDATED_ROOTS } from './tree.js';
export type { RecordRule, ChangeRule, RecordChange } from './rules/rule.js';

export { RECORD_RULES } from './check-files.js';
export { isValidationWorker, serveValidationJob } from './parallel.js';

/** Kinds whose content other records depend on: changing one re-checks every record. */
const DEPENDED_ON = new Set(['Remotes', 'Entity', 'FeatureView', 'FeatureService', 'Run']);

export interface ValidateOptions {
  /** Any folder inside the repository. */
  dir: string;
  /** Validate this commit instead of the work tree. */
  ref?: string;
  /** Compare against this ref: immutability, stale promotions; only what changed is re-checked. */
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
}

/** Runs the expectations of changed dataset pointers; findings point into the pointers. */
export type DatasetChecker = (pointers: LoadedRecord[]) => Promise<Finding[]>;

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
  for (const c of changes) {
    const before = c.status !== 'added' ? await fork.index.record(c.path) : undefined;
    const after = c.status !== 'removed' ? await head.index.record(c.path) : undefined;
    if (before)
      findings.push(...immutability({ path: c.path, status: c.status, base: before, head: after }));
    const atTip = fork === base ? before : await base.index.record(c.path);
    if (atTip)
      findings.push(
        ...stalePromotion({ path: c.path, status: c.status, base: atTip, head: after }),
      );
    if (after?.kind === 'Dataset') changedPointers.push(after);
    if (c.status === 'removed' && identityOfPath(c.path)) wholeTree = true;
    if (before && DEPENDED_ON.has(before.kind)) wholeTree = true;
    // the feature views reading a dataset are judged by its columns
    if (before?.kind === 'Dataset' && !sameColumns(before, after)) wholeTree = true;
  }
  const toCheck = wholeTree
    ? await head.paths()
    : changes.filter((c) => c.status !== 'removed').map((c) => c.path);
  findings.push(...(await checkFiles(head.index, toCheck)));
  if (opts.checkDatasets && changedPointers.length)
    findings.push(...(await opts.checkDatasets(changedPointers)));
  return {
    findings: sortFindings(findings),
    checkedFiles: toCheck.length + changes.length,
    head: head.id,
    threads: 1,
  };
}

function sameColumns(a: LoadedRecord, b: LoadedRecord | undefined): boolean {
  return JSON.stringify(a.value.columns) === JSON.stringify(b?.value.columns);
}
