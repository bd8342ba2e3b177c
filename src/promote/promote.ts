import type { Forge, PullRequest } from '../forge/index.js';
import {
  editRecordText,
  loadRecord,
  type Deployment,
  type ModelVersion,
} from '../records/index.js';
import {
  commitEdits,
  history,
  readFiles,
  resolveRef,
  type Author,
  type RecordEdit,
  type Repo,
} from '../repo/index.js';
import { promotionBranch, promotionTitle } from './body.js';
import { PromoteError } from './errors.js';
import { judgePromotion, type Judgement } from './judge.js';
import { mergePromotion, publishJudgement } from './publish.js';

export interface PromoteOptions {
  repo: Repo;
  forge: Forge;
  model: string;
  version: string;
  author: Author;
  /** The branch promotions merge into (default `main`). */
  base?: string;
  /**
   * Where the registration is when the base does not have it yet: a `register/...` branch
   * the train Action pushed, or HEAD (the default). Its version, card and run are carried
   * onto the promotion branch.
   */
  from?: string;
  /** Publishes the promotion branch where the forge sees it (GitHub: a force push). */
  push?: (branch: string) => Promise<void>;
  /** Merge at once when governance allows it (the workflow's auto-merge of a low risk). */
  merge?: boolean;
}

export interface PromoteResult {
  branch: string;
  head: string;
  pr: PullRequest;
  /** False when an open pull request for the branch was updated instead. */
  created: boolean;
  judgement: Judgement;
  /** The merge commit, when it was merged. */
  merged?: string;
}

/**
 * Promotes a registered version: rebuilds `promote/<model>/<version>` from the base with the
 * Deployment's `candidate` set (and the registration, if the base lacks it), opens the pull
 * request or updates the one already open (never a second), evaluates governance with the
 * base's policy, and publishes the decision: body, `risk:` label, reviewers, the
 * `mlops/governance` status, and with `merge` the merge when policy allows it. Re-running it
 * on an unchanged base keeps the same head commit, so approvals given stay valid.
 * @example
 * const r = await promote({ repo, forge, model: 'execution-agent', version: '1.1.0', author });
 * console.log(`#${r.pr.number}: ${r.judgement.result.decision}`);
 * Governance validates the change against the base first: what validation refuses is
 * rejected, its findings shown, and never merged. A version that is already the base's
 * candidate is not promoted again (`ALREADY_CANDIDATE`: no branch, no pull request).
 * @throws PromoteError `NOT_REGISTERED`, `NO_DEPLOYMENT`, `ALREADY_CANDIDATE`.
 */
export async function promote(o: PromoteOptions): Promise<PromoteResult> {
  const { repo, forge, model, version } = o;
  const base = o.base ?? 'main';
  const baseSha = await resolveRef(repo, base);
  const branch = promotionBranch(model, version);
  const { edits, parent } = await promotionEdits(repo, baseSha, o.from ?? 'HEAD', model, version);
  const tip = await resolveRef(repo, `refs/heads/${branch}`).catch(() => null);
  let head = tip;
  if (!tip || !(await holds(repo, tip, parent, edits))) {
    head = await commitEdits(repo, {
      branch,
      expectedParent: tip,
      parent,
      edits,
      message: `Promote ${model} ${version} to staging`,
      trailers: { Model: model, Version: version, Stage: 'Staging' },
      author: o.author,
    });
    await o.push?.(branch);
  }
  let pr = await forge.findPullRequest(branch, base);
  const created = !pr;
  pr ??= await forge.createPullRequest({
    title: promotionTitle(model, version),
    body: 'Evaluating governance…',
    head: branch,
    base,
  });
  pr = await forge.getPullRequest(pr.number);
  const judgement = await judgePromotion(repo, forge, pr);
  await publishJudgement(repo, forge, pr, judgement);
  const merged =
    o.merge && judgement.mergeable ? await mergePromotion(forge, pr, judgement) : undefined;
  return { branch, head: head!, pr, created, judgement, ...(merged ? { merged } : {}) };
}

/**
 * What the promotion branch holds on top of the base: the candidate, and the registration if
 * the base lacks it. When the registering commit sits right on the base (a `register/...`
 * branch made from it), the promotion commit goes on top of that very commit, so the pull
 * request carries the registration as its author made (and signed) it: governance verifies
 * who registered the version from that commit. Otherwise the records are copied into the
 * promotion commit, which is then the registration, by whoever promotes.
 */
async function promotionEdits(
  repo: Repo,
  baseSha: string,
  from: string,
  model: string,
  version: string,
): Promise<{ edits: RecordEdit[]; parent: string }> {
  const versionPath = `registry/models/${model}/versions/${version}.yaml`;
  const deploymentPath = `registry/models/${model}/deployment.yaml`;
  const deployment = await readText(repo, baseSha, deploymentPath);
  if (deployment === undefined) {
    throw new PromoteError('NO_DEPLOYMENT', `${deploymentPath} does not exist on the base`);
  }
  const current = loadRecord(deploymentPath, Buffer.from(deployment));
  if (current.ok && (current.record.value as unknown as Deployment).candidate === version) {
    // promoted already: a second branch and pull request would ride on the first approval
    throw new PromoteError(
      'ALREADY_CANDIDATE',
      `${model} ${version} is already the candidate on the base: nothing to promote`,
      { model, version },
    );
  }
  const edits: RecordEdit[] = [
    {
      path: deploymentPath,
      content: editRecordText(deployment, [{ path: ['candidate'], value: version }]),
    },
  ];
  if ((await readText(repo, baseSha, versionPath)) !== undefined) return { edits, parent: baseSha };
  const fromSha = await resolveRef(repo, from).catch(() => null);
  const text = fromSha ? await readText(repo, fromSha, versionPath) : undefined;
  if (!fromSha || text === undefined) {
    throw new PromoteError(
      'NOT_REGISTERED',
      `${model} ${version} is not registered: no ${versionPath} on the base or at ${from} (register a run first: mlops register ${model} --run <id>)`,
    );
  }
  const loaded = loadRecord(versionPath, Buffer.from(text));
  if (!loaded.ok) throw new PromoteError('NOT_REGISTERED', `${versionPath} at ${from} is invalid`);
  const [registering] = await history(repo, { ref: fromSha, paths: [versionPath], limit: 1 });
  const added = registering?.changes.some((c) => c.path === versionPath && c.status === 'added');
  if (added && registering?.parents[0] === baseSha) return { edits, parent: registering.oid };
  const v = loaded.record.value as unknown as ModelVersion;
  const carried = [versionPath, v.card, v.card.replace(/\.ya?ml$/, '.md')];
  const runs = await readFiles(repo, fromSha, ['registry/runs/']);
  const runPath = [...runs.keys()].find((p) => p.endsWith(`/${v.run}.yaml`));
  if (runPath) carried.push(runPath);
  for (const path of carried) {
    const content = await readText(repo, fromSha, path);
    if (content !== undefined) edits.push({ path, content });
  }
  return { edits, parent: baseSha };
}

/** Whether the branch tip is exactly `parent` plus these edits (then it is kept as it is). */
async function holds(
  repo: Repo,
  tip: string,
  parent: string,
  edits: RecordEdit[],
): Promise<boolean> {
  const actual = await resolveRef(repo, `${tip}^`).catch(() => null);
  if (actual !== parent) return false;
  for (const e of edits) {
    if ('delete' in e || (await readText(repo, tip, e.path)) !== e.content) return false;
  }
  return true;
}

async function readText(repo: Repo, ref: string, path: string): Promise<string | undefined> {
  const f = (await readFiles(repo, ref, [path])).get(path);
  return f ? new TextDecoder().decode(f.bytes) : undefined;
}
