/**
 * One pass of the drift action over the checked-out branch: check each model and commit its
 * drift status when the level changed. Commits stay local; the caller pushes them all at once
 * and, when origin moved meanwhile, resets the branch and runs the pass again, so each status
 * is judged against the status on the commit it lands on. Nothing here talks to the forge:
 * the issue and the dispatch are sent once, after the last pass (see act.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../../../src/action-context/index.js';
import { DataWorkspace } from '../../../src/data/index.js';
import {
  actionFor,
  checkDrift,
  driftReason,
  DriftError,
  recordDriftStatus,
  type DriftLevel,
  type DriftReport,
} from '../../../src/drift/index.js';
import type { Deployment, RetrainingPolicy } from '../../../src/records/index.js';
import {
  commitAuthor,
  currentBranch,
  openRepo,
  readWorktreeRecord,
  resolveRef,
} from '../../../src/repo/index.js';
import { driftMarkdown } from '../../../src/report/index.js';

/** One model checked: its report and what its level calls for. */
export interface Checked {
  kind: 'checked';
  model: string;
  level: DriftLevel;
  action: 'retrain' | 'issue' | 'none';
  reason: string;
  /** The drift status commit this pass made; null when the level held. */
  commit: string | null;
  report: DriftReport;
  /** The report as Markdown: the job summary's section and the body. */
  markdown: string;
  /** The retraining policy's deadline for a warning (the issue asks for a retrain within it). */
  deadline: string;
}

/**
 * A model not checked: `skipped` on a DriftError (no traffic in the window, no production
 * version, no features: a warning, neither drift nor a failure), `failed` on any other error
 * (a log file that does not parse, a commit that fails: the step fails, the others still run).
 */
export interface NotChecked {
  kind: 'skipped' | 'failed';
  model: string;
  level: null;
  message: string;
}

export type ModelCheck = Checked | NotChecked;

export interface PassInput {
  root: string;
  branch: string;
  env: Env;
  now: Date;
  /** The models to check (the `models` input); null for every model in production. */
  models: string[] | null;
  /** The window of production logs (the `window` input); the policy's when absent. */
  window?: string;
}

export interface PassResult {
  checks: ModelCheck[];
  /** Whether the pass committed anything on the branch (then it must be pushed). */
  committed: boolean;
}

/**
 * The models with a production version in the work tree, sorted: those whose traffic can
 * drift. A model without a Deployment, or with nothing in production, has no logs to judge.
 * @example
 * productionModels('/repo') // ['execution-agent', 'generation-agent-dqn', 'requirements-agent']
 */
export function productionModels(root: string): string[] {
  const dir = path.join(root, 'registry/models');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter(
      (m) =>
        readWorktreeRecord<Deployment>(root, `registry/models/${m}/deployment.yaml`)?.production,
    )
    .sort();
}

/** Runs one pass at the tip of the checked-out branch; one model's error never stops the others. */
export async function driftPass(input: PassInput): Promise<PassResult> {
  const { root, branch, env, now } = input;
  // opened afresh each pass: a reset between passes moved refs under any cached reader
  const repo = await openRepo(root);
  const checkedOut = await currentBranch(repo);
  if (checkedOut !== branch) {
    // the status is committed where the records were read: the work tree of the checked-out branch
    throw new Error(
      `${branch} is not checked out (HEAD is ${checkedOut ?? 'detached'}): check out ${branch} (actions/checkout with ref: ${branch})`,
    );
  }
  const headBefore = await resolveRef(repo, branch);
  const author = await commitAuthor(root, env, now);
  const retraining = readWorktreeRecord<RetrainingPolicy>(root, 'policies/retraining.yaml');
  const deadline = retraining?.warning_deadline ?? '48h';
  const checks: ModelCheck[] = [];
  const ws = new DataWorkspace(root, env);
  try {
    for (const model of input.models ?? productionModels(root)) {
      try {
        const { report, policy } = await checkDrift({
          root,
          ws,
          model,
          ...(input.window ? { window: input.window } : {}),
          now,
        });
        const action = actionFor(report.level, retraining);
        const reason = driftReason(report);
        const commit = await recordDriftStatus(root, author, report, action, reason);
        const markdown = driftMarkdown(report, { psi: policy.psi });
        const level = report.level;
        checks.push({
          kind: 'checked',
          model,
          level,
          action,
          reason,
          commit,
          report,
          markdown,
          deadline,
        });
      } catch (e) {
        const kind = e instanceof DriftError ? 'skipped' : 'failed';
        checks.push({ kind, model, level: null, message: (e as Error).message });
      }
    }
  } finally {
    ws.close();
  }
  const committed = (await resolveRef(repo, branch)) !== headBefore;
  return { checks, committed };
}
