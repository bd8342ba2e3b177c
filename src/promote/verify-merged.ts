import type { Forge, PullRequest } from '../forge/index.js';
import { loadRecord, type Deployment } from '../records/index.js';
import { history, readBlob, resolveRef, type HistoryEntry, type Repo } from '../repo/index.js';
import { judgePromotion, type Judgement } from './judge.js';
import { promotionsIn } from './targets.js';

/** Whether a candidate on the branch came there through a satisfying, merged promotion. */
export interface MergedApproval {
  approved: boolean;
  /** One line: who approved, or why it does not count. */
  summary: string;
  pr?: PullRequest;
  judgement?: Judgement;
  /** The merge commit of the promotion the approval was judged from. */
  mergeCommit?: string;
  /** The newest rollback or abort of the version on the branch, when there is one. */
  lastRejection?: string;
}

/**
 * Verifies, after the merge, the approval of a candidate on `branch`. An approval is bound to
 * what it approved: it counts only from a pull request
 *
 * - merged into `branch` (not into another branch with its own, maybe lowered, policy),
 * - whose merge commit is on `branch`'s first-parent history (the branch's own line, not a
 *   side branch merged in),
 * - whose diff sets THIS model's candidate to THIS version, and
 * - merged after the version's last rollback or abort on the branch (a rolled-back version
 *   needs a new promotion: the old approval was spent; rollbacks are found by the rollout
 *   step commits' `Model`/`Version`/`Decision` trailers, or by the version entering the
 *   Deployment's `rejected` list).
 *
 * The newest such pull request is judged again with the policy at the merge's base (the merge
 * commit's first parent) and the reviews on the head it merged; a promotion that did not
 * satisfy the policy (a merge that went round the required check) is not approved.
 * @example
 * const v = await verifyMergedPromotion(repo, forge, 'fraud', '1.3.0', { branch: 'main' });
 * if (!v.approved) await forge.createIssue({ title: `Rollout refused: fraud 1.3.0`, body: v.summary });
 */
export async function verifyMergedPromotion(
  repo: Repo,
  forge: Forge,
  model: string,
  version: string,
  opts: { branch: string },
): Promise<MergedApproval> {
  const { branch } = opts;
  const path = `registry/models/${model}/deployment.yaml`;
  const line = await history(repo, { ref: branch, paths: [path], firstParent: true });
  const position = new Map(line.map((e, i) => [e.oid, i]));
  const rejection = await lastRejection(repo, line, path, model, version);
  const rejectedAt = rejection ? position.get(rejection)! : Infinity;

  const merged = (await forge.listPullRequests('closed')).filter(
    (p) => p.state === 'merged' && p.mergeCommit !== undefined,
  );
  const refused: string[] = [];
  let chosen: { pr: PullRequest; at: number } | undefined;
  for (const pr of merged) {
    const at = position.get(pr.mergeCommit!);
    if (pr.base !== branch) {
      if (await setsCandidate(repo, pr.mergeCommit!, model, version))
        refused.push(`#${pr.number} was merged into ${pr.base}, not ${branch}`);
      continue;
    }
    if (at === undefined) continue;
    if (!(await setsCandidate(repo, pr.mergeCommit!, model, version))) continue;
    if (at > rejectedAt) {
      refused.push(
        `#${pr.number} was merged (${pr.mergeCommit!.slice(0, 7)}) before ${version}'s rollback or abort ${rejection!.slice(0, 7)}: a rolled-back version needs a new promotion`,
      );
      continue;
    }
    if (!chosen || at < chosen.at) chosen = { pr, at };
  }
  const rejected = rejection ? { lastRejection: rejection } : {};
  if (!chosen) {
    const why = refused.length ? `; ${refused.join('; ')}` : '';
    return {
      approved: false,
      summary: `${model} ${version} reached ${branch} without a merged promotion pull request that sets it as the candidate on ${branch}'s own line of commits${why}`,
      ...rejected,
    };
  }
  const { pr } = chosen;
  const mergeCommit = pr.mergeCommit!;
  const base = await resolveRef(repo, `${mergeCommit}^1`);
  const judgement = await judgePromotion(
    repo,
    forge,
    { ...pr, base },
    { model, version },
    { validate: false },
  );
  const by = judgement.approval.approvedBy;
  const summary = judgement.mergeable
    ? `#${pr.number} ${judgement.result.decision === 'auto-approve' ? 'auto-approved by policy (low risk, all checks pass)' : `approved by ${by.join(', ')}`}`
    : `#${pr.number} was merged without a satisfying approval: ${judgement.status.description}`;
  return { approved: judgement.mergeable, summary, pr, judgement, mergeCommit, ...rejected };
}

/** Whether a merge commit's change (from its first parent) sets the model's candidate to the version. */
async function setsCandidate(
  repo: Repo,
  merge: string,
  model: string,
  version: string,
): Promise<boolean> {
  const parent = await resolveRef(repo, `${merge}^1`).catch(() => null);
  if (!parent) return false;
  return (await promotionsIn(repo, parent, merge)).some(
    (t) => t.model === model && t.version === version,
  );
}

/**
 * The newest commit on the branch's line that rolled the version back or aborted it: a
 * rollout step commit with its trailers, or any commit that put the version into the
 * Deployment's `rejected` list (so a hand-made rollback counts too).
 */
async function lastRejection(
  repo: Repo,
  line: HistoryEntry[],
  path: string,
  model: string,
  version: string,
): Promise<string | undefined> {
  for (const e of line) {
    const t = e.trailers;
    const decision = t['Decision']?.at(-1);
    if (
      t['Model']?.includes(model) &&
      t['Version']?.includes(version) &&
      (decision === 'rollback' || decision === 'abort')
    )
      return e.oid;
    const change = e.changes.find((c) => c.path === path);
    if (change?.headOid && (await rejects(repo, path, change.headOid, version))) {
      const before = change.baseOid ? await rejects(repo, path, change.baseOid, version) : false;
      if (!before) return e.oid;
    }
  }
  return undefined;
}

async function rejects(repo: Repo, path: string, oid: string, version: string): Promise<boolean> {
  const r = loadRecord(path, await readBlob(repo, oid));
  return (
    r.ok && (r.record.value as unknown as Deployment).rejected.some((x) => x.version === version)
  );
}
