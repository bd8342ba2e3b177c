/**
 * What a merge commit claims about a pull request, checked with the forge. A commit titled
 * `Merge pull request #77 from …` is only a claim: anyone can write that message, and its
 * `Approved-by:` trailers. The forge confirms it when #77 exists, was merged into this branch,
 * and its merge commit is this very commit.
 */
import { ForgeError, type Forge, type PullRequest } from '../forge/index.js';

const MERGE = /^Merge pull request #(\d+) from /;

/**
 * The pull request number a merge commit's subject claims, or null.
 * @example
 * claimedPull('Merge pull request #77 from promote/fraud/1.3.0') // 77
 */
export function claimedPull(subject: string): number | null {
  const m = MERGE.exec(subject);
  return m ? Number(m[1]) : null;
}

export type Confirmation =
  { confirmed: true; pr: PullRequest } | { confirmed: false; why: string; pr?: PullRequest };

/**
 * Asks the forge whether pull request `number` was merged into `branch` as `commit`.
 * @example
 * const c = await confirmPull(forge, { number: 77, commit: merge.oid, branch: 'main' });
 * if (!c.confirmed) console.log(`#77 is only claimed: ${c.why}`);
 */
export async function confirmPull(
  forge: Forge,
  claim: { number: number; commit: string; branch: string },
): Promise<Confirmation> {
  let pr: PullRequest;
  try {
    pr = await forge.getPullRequest(claim.number);
  } catch (e) {
    if (e instanceof ForgeError && e.code === 'NOT_FOUND')
      return { confirmed: false, why: `#${claim.number} does not exist on the forge` };
    throw e;
  }
  if (pr.state !== 'merged')
    return { confirmed: false, why: `#${claim.number} is ${pr.state}, not merged`, pr };
  if (pr.base !== claim.branch)
    return {
      confirmed: false,
      why: `#${claim.number} was merged into ${pr.base}, not ${claim.branch}`,
      pr,
    };
  if (pr.mergeCommit !== claim.commit) {
    const was = pr.mergeCommit ? pr.mergeCommit.slice(0, 7) : 'none';
    return {
      confirmed: false,
      why: `#${claim.number}'s merge commit is ${was}, not ${claim.commit.slice(0, 7)}`,
      pr,
    };
  }
  return { confirmed: true, pr };
}

/**
 * Confirms many claims with one forge; a forge that cannot be reached leaves every claim
 * unconfirmed with that reason instead of failing. Keyed by merge commit.
 * @example
 * const answers = await confirmPulls(forge, [{ number: 77, commit: oid, branch: 'main' }]);
 * answers.get(oid)?.confirmed // false: '#77 does not exist on the forge'
 */
export async function confirmPulls(
  forge: Forge,
  claims: { number: number; commit: string; branch: string }[],
): Promise<Map<string, Confirmation>> {
  const out = new Map<string, Confirmation>();
  for (const c of claims) {
    try {
      out.set(c.commit, await confirmPull(forge, c));
    } catch (e) {
      out.set(c.commit, {
        confirmed: false,
        why: `the forge did not answer: ${(e as Error).message}`,
      });
    }
  }
  return out;
}
