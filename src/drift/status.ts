import { stringifyRecord, type DriftStatus } from '../records/index.js';
import { commitHere, readWorktreeRecord, type Author } from '../repo/index.js';
import type { DriftReport } from './types.js';

export function driftStatusPath(model: string): string {
  return `registry/models/${model}/drift.yaml`;
}

/** The DriftStatus record a report makes, carrying `since` over while the level holds. */
export function statusOf(
  report: DriftReport,
  action: DriftStatus['action'],
  reason: string,
  previous: DriftStatus | undefined,
): DriftStatus {
  const drifted = report.columns
    .filter((c) => c.level !== 'ok')
    .sort((a, b) => b.psi - a.psi)
    .map((c) => ({ column: c.column, psi: round(c.psi), level: c.level }));
  return {
    kind: 'DriftStatus',
    schema_version: 1,
    model: report.model,
    ...(report.version ? { version: report.version } : {}),
    level: report.level,
    since: previous?.level === report.level ? previous.since : report.at,
    checked_at: report.at,
    reference: report.reference,
    current: {
      name: report.current.name,
      rows: report.current.rows,
      ...(report.current.window
        ? { from: report.current.window.from, to: report.current.window.to }
        : {}),
    },
    drifted,
    dataset_drift_share: round(report.datasetDrift.share),
    ...(report.accuracy ? { accuracy_drop: round(report.accuracy.drop) } : {}),
    action,
    reason,
  };
}

/**
 * Commits the model's drift status when its level changed (or it has none yet): git history
 * is then the drift timeline, one commit per change, never one per hourly check.
 * @returns the commit, or null when the level held
 */
export async function recordDriftStatus(
  root: string,
  author: Author,
  report: DriftReport,
  action: DriftStatus['action'],
  reason: string,
): Promise<string | null> {
  const path = driftStatusPath(report.model);
  const previous = readWorktreeRecord<DriftStatus>(root, path);
  if (previous?.level === report.level) return null;
  const status = statusOf(report, action, reason, previous);
  const { oid } = await commitHere(
    root,
    author,
    [{ path, content: stringifyRecord(status) }],
    `drift ${report.model}: ${previous ? `${previous.level} → ` : ''}${report.level}: ${reason}`,
    {
      Model: report.model,
      ...(report.version ? { Version: report.version } : {}),
      'Drift-Level': report.level,
      Action: action,
    },
  );
  return oid;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
