import type { Forge, Issue } from '../../forge/index.js';
import type { RolloutError } from './errors.js';

/**
 * Opens, or updates, the one issue that says a candidate was not rolled out for want of an
 * approval, so the people who merged it see why.
 */
export async function refusedIssue(forge: Forge, e: RolloutError): Promise<Issue> {
  const model = String(e.data.model);
  const candidate = String(e.data.candidate);
  const title = `Rollout refused: ${model} ${candidate}`;
  const body = [
    `The rollout of **${model} ${candidate}** did not start: its approval does not satisfy the governance policy.`,
    '',
    `> ${String(e.data.summary)}`,
    '',
    'A candidate reaches production only through a promotion pull request approved as the policy at its base requires.',
    `Open one with \`mlops promote ${model} ${candidate}\`, or take the candidate off the Deployment.`,
  ].join('\n');
  const open = await forge.findIssue(title);
  if (open) return forge.updateIssue(open.number, { body });
  return forge.createIssue({ title, body, labels: ['rollout'] });
}
