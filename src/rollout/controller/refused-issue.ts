import type { Forge, Issue } from '../../forge/index.js';
import { RolloutError } from './errors.js';

/**
 * Whether an error is the controller refusing a step it could not verify (the approval, or
 * the custody of the Deployment): the caller reports it with {@link refusedIssue}.
 * @example
 * if (isRefusal(e)) await refusedIssue(forge, e);
 */
export function isRefusal(e: unknown): e is RolloutError {
  return e instanceof RolloutError && (e.code === 'NOT_APPROVED' || e.code === 'CUSTODY_BROKEN');
}

/**
 * Opens, or updates, the one issue that says a candidate's rollout step was refused — for
 * want of an approval, or because the Deployment was changed outside the controller — so the
 * people who merged it see why.
 * @example
 * const issue = await refusedIssue(forge, e); // 'Rollout refused: fraud 1.3.0'
 */
export async function refusedIssue(forge: Forge, e: RolloutError): Promise<Issue> {
  const model = String(e.data.model);
  const candidate = String(e.data.candidate);
  const step = typeof e.data.step === 'string' ? e.data.step : 'start';
  const title = `Rollout refused: ${model} ${candidate}`;
  const what = step === 'start' ? 'did not start' : `was not moved (${step} refused)`;
  const why =
    e.code === 'CUSTODY_BROKEN'
      ? 'the Deployment was changed outside the rollout controller.'
      : 'its approval does not satisfy the governance policy.';
  const body = [
    `The rollout of **${model} ${candidate}** ${what}: ${why}`,
    '',
    `> ${String(e.data.summary)}`,
    '',
    'A candidate reaches production only through a promotion pull request approved as the policy at its base requires,',
    'and `production`, `rollout`, `archived`, `rejected` and the traffic files change only through the controller’s own commits.',
    e.code === 'CUSTODY_BROKEN'
      ? `Revert the commit named above, or abort the rollout with \`mlops rollout abort ${model} --reason …\`; \`mlops audit ${model}\` shows the whole chain.`
      : `Open one with \`mlops promote ${model} ${candidate}\`, or take the candidate off the Deployment.`,
  ].join('\n');
  const open = await forge.findIssue(title);
  if (open) return forge.updateIssue(open.number, { body });
  return forge.createIssue({ title, body, labels: ['rollout'] });
}
