import type { Forge, Issue } from '../forge/index.js';
import type { DriftReport } from './types.js';

/** The title of a model's one drift issue: found again by it, so it is updated, never doubled. */
export function driftIssueTitle(model: string): string {
  return `Drift warning: ${model}`;
}

/**
 * Opens the model's drift issue, or updates the one open with the latest report: a warning
 * asks for a retrain within the policy's deadline, and a second warning must not open a second
 * issue.
 */
export async function openOrUpdateDriftIssue(
  forge: Forge,
  report: DriftReport,
  markdown: string,
  deadline: string,
): Promise<{ issue: Issue; created: boolean }> {
  const title = driftIssueTitle(report.model);
  const body = [
    `**${report.model}** has drifted to **${report.level}** (checked ${report.at}). The retraining policy asks for a retrain within ${deadline}: \`mlops retrain ${report.model} --reason "…"\` or the retrain workflow.`,
    '',
    markdown.trim(),
  ].join('\n');
  const open = await forge.findIssue(title);
  if (open) return { issue: await forge.updateIssue(open.number, { body }), created: false };
  return { issue: await forge.createIssue({ title, body, labels: ['drift'] }), created: true };
}

export interface DriftActed {
  issue?: Issue;
  /** Whether the issue was opened (true) or updated (false). */
  created?: boolean;
  /** Whether a retraining was dispatched now. */
  dispatched?: boolean;
}

/**
 * Does on the forge what a drift level calls for (the action from `actionFor`): a warning
 * opens or updates the model's one issue; critical dispatches `retrain` with the reason and the
 * figures — only when the level has just become critical (`levelChanged`), so a model that
 * stays critical is retrained once, not at every hourly check.
 * @example
 * await actOnDrift(forge, { report, markdown, action: 'retrain', reason, deadline: '48h', levelChanged: true })
 * // { dispatched: true }
 */
export async function actOnDrift(
  forge: Forge,
  o: {
    report: DriftReport;
    markdown: string;
    action: 'retrain' | 'issue' | 'none';
    reason: string;
    deadline: string;
    levelChanged: boolean;
  },
): Promise<DriftActed> {
  if (o.action === 'issue') return openOrUpdateDriftIssue(forge, o.report, o.markdown, o.deadline);
  if (o.action === 'retrain' && o.levelChanged) {
    await forge.dispatch('retrain', {
      model: o.report.model,
      reason: o.reason,
      trigger: 'drift',
      drift: driftFigures(o.report),
    });
    return { dispatched: true };
  }
  return o.action === 'retrain' ? { dispatched: false } : {};
}

/**
 * The figures a drift hands to the retraining it starts (the run's `trigger.drift`): each
 * drifted column's PSI, the dataset drift share, and the accuracy drop when labels were there.
 */
export function driftFigures(report: DriftReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of report.columns) if (c.level !== 'ok') out[`psi_${c.column}`] = round(c.psi);
  out.dataset_drift_share = round(report.datasetDrift.share);
  if (report.accuracy) out.accuracy_drop = round(report.accuracy.drop);
  return out;
}

/** One line: the level and the worst figures. */
export function driftReason(report: DriftReport): string {
  const worst = [...report.columns].sort((a, b) => b.psi - a.psi).slice(0, 3);
  const cols = worst
    .filter((c) => c.level !== 'ok')
    .map((c) => `PSI ${round(c.psi)} on ${c.column} (${c.level})`);
  const acc =
    report.accuracy && report.accuracy.level !== 'ok'
      ? [`accuracy down ${(report.accuracy.drop * 100).toFixed(1)} % (${report.accuracy.level})`]
      : [];
  const parts = [...cols, ...acc];
  return `${report.level} drift${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
