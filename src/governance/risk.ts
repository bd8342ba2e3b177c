import type { GovernancePolicy, Model, ModelVersion } from '../records/index.js';
import { pathPattern } from '../records/index.js';
import { parseSemVer } from '../registry/semver.js';
import { num, pct, relativeGain, type Direction } from './numbers.js';
import type { Risk, RiskId } from './types.js';

interface RiskReason {
  id: RiskId;
  message: string;
}

export interface RiskContext {
  policy: GovernancePolicy;
  /** Absent when the version is not registered: only the change itself can be judged. */
  candidate?: ModelVersion;
  production?: ModelVersion;
  changedPaths: readonly string[];
  /** The model at the base (absent: the change adds it) and at the head. */
  baseModel?: Model;
  model: Model;
  /** Which way each metric should go. */
  direction: (metric: string) => Direction;
}

/**
 * The risk of a promotion: high, with one sentence per reason, when the architecture or
 * framework changes, the version is a major one, a metric drops more than the policy allows,
 * the change touches a high-risk path, or the model's governance overrides change.
 * @example
 * assessRisk({ policy, candidate, production, changedPaths, baseModel, model, direction })
 * // { level: 'high', reasons: ['framework changes from typescript (production 1.0.0) to pytorch'], ids: ['framework'] }
 */
export function assessRisk(ctx: RiskContext): Risk {
  const reasons: RiskReason[] = [
    ...architecture(ctx),
    ...major(ctx),
    ...metricDrops(ctx),
    ...riskyPaths(ctx),
    ...overrides(ctx),
  ];
  return {
    level: reasons.length ? 'high' : 'low',
    reasons: reasons.map((r) => r.message),
    ids: reasons.map((r) => r.id),
  };
}

function architecture({ candidate: c, production: p }: RiskContext): RiskReason[] {
  if (!p || !c) return [];
  const out: RiskReason[] = [];
  const against = `production ${p.version}`;
  if (c.architecture.type !== p.architecture.type)
    out.push({
      id: 'architecture',
      message: `architecture changes from ${p.architecture.type} (${against}) to ${c.architecture.type}`,
    });
  if (c.architecture.framework !== p.architecture.framework)
    out.push({
      id: 'framework',
      message: `framework changes from ${p.architecture.framework} (${against}) to ${c.architecture.framework}`,
    });
  return out;
}

function major({ candidate: c, production: p }: RiskContext): RiskReason[] {
  if (!c) return [];
  if (c.change.level === 'major')
    return [{ id: 'major', message: `${c.version} is a major change: ${c.change.reason}` }];
  const mine = parseSemVer(c.version);
  const theirs = p ? parseSemVer(p.version) : null;
  if (p && mine && theirs && mine.major > theirs.major)
    return [
      {
        id: 'major',
        message: `${c.version} is a major bump over production ${p.version} (its change says ${c.change.level})`,
      },
    ];
  return [];
}

function metricDrops({ candidate: c, production: p, policy, direction }: RiskContext) {
  if (!p || !c) return [];
  const limit = policy.risk.max_metric_drop;
  const out: RiskReason[] = [];
  for (const metric of Object.keys(c.metrics).sort()) {
    const was = p.metrics[metric];
    const now = c.metrics[metric]!;
    if (was === undefined) continue;
    const gain = relativeGain(was, now, direction(metric));
    if (gain === null || -gain <= limit) continue;
    out.push({
      id: 'metric_drop',
      message: `${metric} is ${pct(-gain)} worse than production ${p.version} (${num(was)} → ${num(now)}), more than the ${pct(limit)} allowed`,
    });
  }
  return out;
}

/**
 * Whether a path lies under a high-risk entry: a folder (`policies/`), a path (`.github`, the
 * file or the folder) or a glob (`policies/*.yaml`, picomatch, dot files included); see
 * {@link pathPattern}. An entry the schema would refuse counts every path as under it, so a
 * policy that slipped past validation errs on the side of review.
 * @example
 * underPath('policies/governance.yaml', 'policies/*.yaml') // true
 * underPath('.github/workflows/ci.yml', '.github') // true
 */
export function underPath(path: string, entry: string): boolean {
  const p = pathPattern(entry);
  return p.ok ? p.pattern.test(path) : true;
}

function riskyPaths({ policy, changedPaths }: RiskContext): RiskReason[] {
  const out: RiskReason[] = [];
  for (const entry of policy.risk.high_risk_paths) {
    const p = pathPattern(entry);
    const hit = changedPaths.filter((path) => (p.ok ? p.pattern.test(path) : true));
    if (!hit.length) continue;
    const shown =
      hit.slice(0, 5).join(', ') + (hit.length > 5 ? ` and ${hit.length - 5} more` : '');
    out.push({ id: 'high_risk_path', message: `the change touches ${entry}: ${shown}` });
  }
  return out;
}

function overrides({ baseModel, model }: RiskContext): RiskReason[] {
  const before: Record<string, unknown> = { ...baseModel?.governance };
  const after: Record<string, unknown> = { ...model.governance };
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!changed.length) return [];
  const list = changed.map((k) => `${k} ${show(before[k])} → ${show(after[k])}`).join('; ');
  const what = baseModel
    ? `the model's governance overrides change (${list})`
    : `the model is new and sets governance overrides (${list})`;
  return [{ id: 'governance_overrides', message: `${what}; they are reviewed like policy` }];
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'number') return num(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
}
