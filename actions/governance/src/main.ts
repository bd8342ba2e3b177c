/**
 * The `governance` action: the status a promotion pull request needs to merge. Inputs and
 * the event are read from `env` when `main` runs, never at import.
 */
import * as core from '@actions/core';
import { asRecord, readContext, type Env } from '../../../src/action-context/index.js';
import { createGitHubForge, type Forge, type PullRequest } from '../../../src/forge/index.js';
import {
  GOVERNANCE_CONTEXT,
  judgePromotion,
  mergePromotion,
  parsePromotionBranch,
  promotionsIn,
  publishJudgement,
  type Judgement,
} from '../../../src/promote/index.js';
import { formatFinding, type Finding } from '../../../src/records/index.js';
import { openRepo, type Repo } from '../../../src/repo/index.js';
import { validateRepository } from '../../../src/validate/index.js';

export interface Deps {
  forge: (token: string) => Promise<Forge>;
}

export function defaultDeps(env: Env): Deps {
  return {
    forge: (token) =>
      Promise.resolve(
        createGitHubForge({
          token,
          repository: env.GITHUB_REPOSITORY ?? '',
          ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
        }),
      ),
  };
}

/**
 * Runs the action: validates the pull request against its base, judges each promotion it
 * makes (a promotion pull request holds one model's candidate and that version's
 * registration, nothing else), shows the decision and merges what governance allows. A
 * change validation refuses fails, with its findings as annotations, and never merges.
 * Never throws: a failure becomes `core.setFailed`.
 * @example
 * await main(process.env, defaultDeps(process.env));
 */
export async function main(env: Env = process.env, deps: Deps = defaultDeps(env)): Promise<void> {
  try {
    const { payload, workspace } = readContext(env);
    const pull = asRecord(payload.pull_request);
    const number = pull.number;
    if (typeof number !== 'number')
      throw new Error('run this on pull_request or pull_request_review events');
    const token = (env.INPUT_TOKEN ?? '').trim() || (env.GITHUB_TOKEN ?? '');
    if (token) core.setSecret(token);
    const merge = (env.INPUT_MERGE ?? 'true').trim() !== 'false';
    const repo = await openRepo(workspace);
    const forge = await deps.forge(token);
    // the checkout has the base commit but maybe not a local branch of its name
    const baseSha = asRecord(pull.base).sha;
    const pr = await forge.getPullRequest(number);
    const judged = typeof baseSha === 'string' ? { ...pr, base: baseSha } : pr;
    const judgements = parsePromotionBranch(pr.head)
      ? await promotionBranch(repo, forge, judged, merge)
      : await otherBranch(repo, forge, judged);
    await report(judgements);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

/** A `promote/...` PR: judged, shown on the PR, and merged when governance allows it. */
async function promotionBranch(
  repo: Repo,
  forge: Forge,
  pr: PullRequest,
  merge: boolean,
): Promise<Judgement[]> {
  if (pr.state !== 'open') return [];
  const j = await judgePromotion(repo, forge, pr);
  await publishJudgement(repo, forge, pr, j);
  if (merge && j.mergeable)
    core.info(`merged #${pr.number} as ${await mergePromotion(forge, pr, j)}`);
  return [j];
}

/**
 * A PR on any other branch: one that sets candidates is judged and its status set, never
 * merged; one that promotes nothing passes, so branch protection can require the status of
 * every pull request.
 */
async function otherBranch(repo: Repo, forge: Forge, pr: PullRequest): Promise<Judgement[]> {
  const targets = await promotionsIn(repo, pr.base, pr.headSha);
  if (!targets.length) {
    // a pull request that promotes nothing may still move what only the controller moves
    // (`production:` by hand): what validation refuses fails here too, never passes
    const refused = (
      await validateRepository({ dir: repo.dir, ref: pr.headSha, base: pr.base })
    ).findings.filter((f) => f.severity === 'error');
    annotate(refused);
    const first = refused[0];
    const description = first
      ? cut(
          `validation refuses the change: ${formatFinding(first)}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''}`,
        )
      : "promotes nothing: no Deployment's candidate changes";
    core.info(`#${pr.number} ${description}`);
    if (first) core.setFailed(description);
    if (pr.state !== 'open') return [];
    try {
      await forge.createCommitStatus(pr.headSha, {
        context: GOVERNANCE_CONTEXT,
        state: first ? 'failure' : 'success',
        description,
      });
    } catch (e) {
      // A fork's pull request runs with a read-only token and no secrets: there is nothing to
      // judge, so this is no failure, but the status stays unset.
      core.warning(
        `could not set ${GOVERNANCE_CONTEXT} on #${pr.number} (${(e as Error).message}); a pull request from a fork gets a read-only token: open it from a branch of this repository to get the status`,
      );
    }
    return [];
  }
  const out: Judgement[] = [];
  for (const t of targets) out.push(await judgePromotion(repo, forge, pr, t));
  const worst =
    out.find((j) => j.status.state === 'failure') ??
    out.find((j) => j.status.state === 'pending') ??
    out[0]!;
  await forge.createCommitStatus(pr.headSha, worst.status);
  return out;
}

async function report(judgements: Judgement[]): Promise<void> {
  if (!judgements.length) return;
  const order = ['reject', 'needs-review', 'auto-approve'];
  const worst = [...judgements].sort(
    (a, b) => order.indexOf(a.result.decision) - order.indexOf(b.result.decision),
  )[0]!;
  core.setOutput('decision', worst.result.decision);
  core.setOutput('status', worst.status.state);
  const summary = judgements
    .map((j) => `### ${j.model} ${j.version}\n\n${j.markdown}`)
    .join('\n\n');
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary, true).write();
  annotate(judgements.flatMap((j) => j.validation ?? []));
  core.info(`${GOVERNANCE_CONTEXT}: ${worst.status.state}: ${worst.status.description}`);
  if (worst.status.state === 'failure') core.setFailed(worst.status.description);
}

/** What validation refused, where it is: an annotation on the file and line of each finding. */
function annotate(findings: Finding[]): void {
  const unique = new Map(findings.map((f) => [formatFinding(f), f]));
  for (const f of unique.values())
    core.error(`${f.rule}: ${f.message}`, {
      file: f.path,
      startLine: f.line,
      startColumn: f.col,
      title: 'validation refuses this change',
    });
}

/** GitHub limits a status description to 140 characters. */
function cut(s: string): string {
  return s.length > 140 ? `${s.slice(0, 137)}...` : s;
}
