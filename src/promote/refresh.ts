import type { Forge } from '../forge/index.js';
import type { Repo } from '../repo/index.js';
import { parsePromotionBranch } from './body.js';
import { judgePromotion, type Judgement } from './judge.js';
import { mergePromotion, publishJudgement } from './publish.js';

/**
 * Judges an open promotion pull request again (after a review, a push, a change of its base)
 * and publishes the result; with `merge`, merges it when governance now allows it, as
 * GitHub's auto-merge does once the required check turns green.
 * @returns null when the pull request is not an open promotion
 * @example
 * const r = await refreshPromotion(repo, forge, 1, { merge: true });
 * if (r?.merged) console.log(`merged as ${r.merged}`);
 */
export async function refreshPromotion(
  repo: Repo,
  forge: Forge,
  number: number,
  opts: { merge?: boolean } = {},
): Promise<{ judgement: Judgement; merged?: string } | null> {
  const pr = await forge.getPullRequest(number);
  if (pr.state !== 'open' || !parsePromotionBranch(pr.head)) return null;
  const judgement = await judgePromotion(repo, forge, pr);
  await publishJudgement(repo, forge, pr, judgement);
  if (!opts.merge || !judgement.mergeable) return { judgement };
  return { judgement, merged: await mergePromotion(forge, pr, judgement) };
}
