/**
 * Auto-approval requires the registration to come from the training identity: the version's
 * record was added by a commit the forge says is by the policy's `approval.training_identity`
 * (the login the train workflow commits as), with a signature the forge verified. A version
 * registered by anyone else (hand-written records, say) may be fine, but nothing vouches for
 * its metrics or its artifact, so it is high risk and a person must look.
 *
 * What the forge can vouch for differs: GitHub maps a commit to an account and verifies its
 * signature; the local forge has no accounts and no keys, so it reads the author as written
 * and verifies nothing (`verified: null`), which anyone with write access can forge.
 */
import type { GovernancePolicy } from '../records/index.js';
import type { Registration, RiskId } from './types.js';

/** The login that registers versions when the policy names none. */
export const DEFAULT_TRAINING_IDENTITY = 'mlops-bot';

/**
 * The policy's training identity (default `mlops-bot`).
 * @example
 * trainingIdentity(policy) // 'mlops-bot'
 */
export function trainingIdentity(policy: GovernancePolicy): string {
  return policy.approval.training_identity ?? DEFAULT_TRAINING_IDENTITY;
}

/**
 * Why a registration does not count as the training identity's, one sentence per reason
 * (none when it does).
 * @example
 * registrationRisks(policy, '1.1.0', { commit: 'abc…', author: 'ana', committer: 'ana', verified: true, forge: 'github' })
 * // [{ id: 'registration', message: '1.1.0 was registered by @ana (commit abc1234), not by the training identity @mlops-bot' }]
 */
export function registrationRisks(
  policy: GovernancePolicy,
  version: string,
  r: Registration | undefined,
): { id: RiskId; message: string }[] {
  const identity = trainingIdentity(policy);
  const say = (message: string) => [{ id: 'registration' as const, message }];
  if (!r) return say(`nobody verified who registered ${version}`);
  if (r.commit === null)
    return say(`${version} is not committed: nobody can tell who registered it`);
  const at = `commit ${r.commit.slice(0, 7)}`;
  if (r.author === null)
    return say(
      `${version} was registered by ${at}, whose author is no ${r.forge === 'github' ? 'GitHub account' : 'known login'}, not by the training identity @${identity}`,
    );
  if (r.author.toLowerCase() !== identity.toLowerCase())
    return say(
      `${version} was registered by @${r.author} (${at}), not by the training identity @${identity}`,
    );
  if (r.verified === false)
    return say(
      `${version}'s registering ${at} says it is by @${identity}, but ${r.forge === 'github' ? 'GitHub' : 'the forge'} did not verify its signature`,
    );
  return [];
}
