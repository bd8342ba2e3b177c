import type { Forge, PullRequest } from '../forge/index.js';
import { loadRecord, type ModelCard, type Run } from '../records/index.js';
import { readFiles, type Repo } from '../repo/index.js';
import { promotionBody } from './body.js';
import type { Judgement } from './judge.js';

const RISK_LABELS = ['risk:low', 'risk:high'];

/**
 * Shows a judgement on the pull request: the body (decision, checks, comparison, lineage,
 * card), the `risk:` label, review requests to the approvers when risk is high, and the
 * `mlops/governance` status on the head commit.
 * @example
 * await publishJudgement(repo, forge, pr, await judgePromotion(repo, forge, pr));
 */
export async function publishJudgement(
  repo: Repo,
  forge: Forge,
  pr: PullRequest,
  j: Judgement,
): Promise<void> {
  const { candidate, production, model } = j.input;
  // a candidate that is not registered has nothing to compare or trace: the decision says why
  const body = candidate
    ? promotionBody({
        model,
        candidate,
        ...(production ? { production } : {}),
        ...(await lineageRecords(repo, pr.headSha, candidate.run, candidate.card)),
        governance: j.markdown,
      })
    : `## Governance\n\n${j.markdown.trim()}\n`;
  await forge.updatePullRequest(pr.number, { body });
  const label = `risk:${j.result.risk.level}`;
  await forge.setLabels(
    pr.number,
    [label],
    RISK_LABELS.filter((l) => l !== label && pr.labels.includes(l)),
  );
  if (j.result.decision === 'needs-review') {
    const wanted = j.result.reviewers.filter(
      (r) =>
        !pr.requestedReviewers.includes(r) &&
        r.replace(/^@/, '').toLowerCase() !== pr.author.toLowerCase(),
    );
    if (wanted.length) await forge.requestReviewers(pr.number, wanted);
  }
  await forge.createCommitStatus(pr.headSha, j.status);
}

/**
 * Merges a promotion governance allows, the decision written into the merge commit with the
 * audit trailers (`Model`, `Version`, `Stage`, `Decision`, `Approved-by`).
 * @returns the merge commit
 */
export async function mergePromotion(forge: Forge, pr: PullRequest, j: Judgement): Promise<string> {
  if (!j.mergeable) throw new Error(`#${pr.number} cannot merge: ${j.status.description}`);
  const approvedBy = j.approval.approvedBy.length ? j.approval.approvedBy : ['policy'];
  const decision =
    j.result.decision === 'auto-approve'
      ? 'auto-approve: low risk, all checks pass'
      : `approved: ${j.result.risk.reasons.join('; ')}`;
  const message = [
    j.status.description,
    '',
    `Model: ${j.model}`,
    `Version: ${j.version}`,
    'Stage: Staging',
    `Decision: ${decision}`,
    ...approvedBy.map((a) => `Approved-by: ${a}`),
  ].join('\n');
  const { sha } = await forge.mergePullRequest(pr.number, {
    sha: pr.headSha,
    title: pr.title,
    message,
  });
  return sha;
}

/** The run and card of the candidate as the head has them (for the lineage and the card). */
async function lineageRecords(
  repo: Repo,
  head: string,
  runId: string,
  cardPath: string,
): Promise<{ run?: Run; card?: ModelCard }> {
  const files = await readFiles(repo, head, ['registry/runs/', cardPath]);
  const out: { run?: Run; card?: ModelCard } = {};
  for (const [path, f] of files) {
    const isRun = path.endsWith(`/${runId}.yaml`);
    if (!isRun && path !== cardPath) continue;
    const r = loadRecord(path, Buffer.from(f.bytes));
    if (!r.ok) continue;
    if (isRun) out.run = r.record.value as unknown as Run;
    else out.card = r.record.value as unknown as ModelCard;
  }
  return out;
}
