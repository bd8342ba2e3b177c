import { runChecks, thresholdsFor } from './checks.js';
import { directionOf } from './numbers.js';
import { registrationRisks } from './registration.js';
import { assessRisk } from './risk.js';
import type { Decision, GovernanceInput, GovernanceResult, Risk } from './types.js';

/**
 * Judge a promotion: the automatic checks, the risk with its reasons, and the decision.
 * Everything that judges (policy, the model's overrides and evaluation, production) is the
 * base's; the head gives only the candidate and what the change touches.
 *
 * - `reject` when a check fails, the version is not registered, the promotion is stale (the
 *   base's production or candidate moved since it was prepared), another rollout is in
 *   progress, or the version is already in production;
 * - else `needs-review` when the risk is high, or the policy does not auto-approve;
 * - else `auto-approve`.
 * @example
 * const result = evaluateGovernance(await governanceInputsAt(repo, { base: 'main', head: 'HEAD', model, version }));
 * if (result.decision === 'reject') console.log(result.reasons.join('\n'));
 */
export function evaluateGovernance(input: GovernanceInput): GovernanceResult {
  const { policy, baseModel, model, version, production } = input;
  const thresholds = thresholdsFor(policy, baseModel);
  const evaluation = (baseModel ?? model).evaluation;
  const primary = { metric: evaluation.primary_metric, direction: evaluation.direction };
  const candidate = input.candidate;
  const checks = candidate ? runChecks({ candidate, production, thresholds, primary }) : [];
  const risk = withPromotionRisks(
    assessRisk({
      policy,
      candidate,
      production,
      changedPaths: input.changedPaths,
      baseModel,
      model,
      direction: directionOf(evaluation),
    }),
    input,
  );
  const extras = input.extraChanges ?? [];

  const blocking = [
    ...blockers(input),
    ...extras
      .filter((e) => e.severity === 'reject')
      .map((e) => `not only a promotion: ${e.path} ${e.why}`),
    ...checks.filter((c) => !c.passed).map((c) => c.detail),
  ];
  let decision: Decision;
  let reasons: string[];
  if (blocking.length) {
    decision = 'reject';
    reasons = blocking;
  } else if (risk.level === 'high') {
    decision = 'needs-review';
    reasons = risk.reasons.map((r) => `high risk: ${r}`);
  } else if (!policy.approval.auto_approve_low_risk) {
    decision = 'needs-review';
    reasons = ['low risk, but the policy does not auto-approve: every promotion needs review'];
  } else {
    decision = 'auto-approve';
    reasons = ['low risk and every check passes: approved by policy'];
  }
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : '';
  const result: GovernanceResult = {
    model: model.name,
    version,
    production: production?.version ?? null,
    primaryMetric: primary,
    checks,
    risk,
    decision,
    reasons,
    summary: `${decision === 'needs-review' ? 'needs review' : decision}: ${reasons[0]}${more}`,
    reviewers: [...(baseModel?.governance?.approvers ?? policy.approval.approvers)],
    requiredApprovals: policy.approval.required_approvals,
    thresholds,
    extraChanges: extras,
  };
  if (input.at) result.at = input.at;
  return result;
}

/**
 * The risk with what only a promotion pull request has: each file it holds beyond the
 * promotion (named one by one: none is auto-approved), and a registration that does not
 * come from the training identity. Kept apart from `assessRisk`, which judges the version.
 */
function withPromotionRisks(risk: Risk, input: GovernanceInput): Risk {
  const more = [
    ...(input.extraChanges ?? [])
      .filter((e) => e.severity === 'review')
      .map((e) => ({
        id: 'extra_change' as const,
        message: `not only a promotion: ${e.path} ${e.why}`,
      })),
    ...(input.registered ? registrationRisks(input.policy, input.version, input.registration) : []),
  ];
  if (!more.length) return risk;
  return {
    level: 'high',
    reasons: [...risk.reasons, ...more.map((m) => m.message)],
    ids: [...risk.ids, ...more.map((m) => m.id)],
  };
}

/** What rejects a promotion whatever its metrics. */
function blockers(input: GovernanceInput): string[] {
  const { version, model, production } = input;
  const out: string[] = [];
  if (!input.registered || !input.candidate)
    out.push(
      `version ${version} is not registered: no registry/models/${model.name}/versions/${version}.yaml`,
    );
  if (input.productionMovedFrom !== undefined)
    out.push(
      `stale promotion: production was ${input.productionMovedFrom ?? 'none'} when this was prepared, it is ${production?.version ?? 'none'} now; promote ${version} again from the current base`,
    );
  if (input.candidateMovedFrom !== undefined)
    out.push(
      `stale promotion: the candidate was ${input.candidateMovedFrom ?? 'none'} when this was prepared, it is ${input.rolloutInProgress ?? 'none'} now (another promotion merged first); promote ${version} again once that rollout ends`,
    );
  else if (input.rolloutInProgress)
    out.push(
      `${input.rolloutInProgress} is being rolled out; wait for its rollout to finish (or abort it) before promoting ${version}`,
    );
  if (production && production.version === version) out.push(`${version} is already in production`);
  return out;
}
