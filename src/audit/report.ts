/**
 * The audit of a whole branch (every model, or one) and its text: what `mlops audit` and the
 * demo's audit stage print.
 */
import { CodedError } from '../errors/coded-error.js';
import type { Forge } from '../forge/index.js';
import { resolveRef, type Repo } from '../repo/index.js';
import { deployedModels } from '../rollout/controller/read.js';
import { auditModel, type Chain, type Link, type ModelAudit } from './custody.js';

export interface BranchAudit {
  branch: string;
  /** The commit audited: the branch's tip. */
  commit: string;
  models: ModelAudit[];
  /** Every chain verified and no change outside them. */
  ok: boolean;
}

/**
 * Audits every model with a Deployment on `branch` (or only `model`).
 * @throws CodedError `NO_MODEL` when `model` has no Deployment on the branch
 * @example
 * const a = await auditBranch(repo, forge, { branch: 'main' });
 * process.exitCode = a.ok ? 0 : 1;
 */
export async function auditBranch(
  repo: Repo,
  forge: Forge,
  o: { branch: string; model?: string },
): Promise<BranchAudit> {
  const commit = await resolveRef(repo, o.branch);
  const all = await deployedModels(repo, commit);
  if (o.model !== undefined && !all.includes(o.model)) {
    throw new CodedError(
      'NO_MODEL',
      `no model "${o.model}" on ${o.branch} (have: ${all.join(', ') || 'none'})`,
      { model: o.model },
    );
  }
  const models: ModelAudit[] = [];
  for (const model of o.model === undefined ? all : [o.model])
    models.push(await auditModel(repo, forge, { branch: o.branch, model }));
  return { branch: o.branch, commit, models, ok: models.every((m) => m.ok) };
}

/**
 * The audit as text: per model, each chain's verdict with its links, and the first broken
 * link named with its commit (short sha, subject, author) and why.
 * @example
 * formatAudit(a) // 'fraud: production 1.3.0 verified\n  ✔ registration  ModelVersion 1.3.0 added (a1b2c3d …)\n…'
 */
export function formatAudit(a: BranchAudit): string {
  const lines: string[] = [];
  for (const m of a.models) {
    if (!m.chains.length && !m.violations.length) {
      lines.push(`${m.model}: no production version yet`);
      continue;
    }
    for (const c of m.chains) {
      lines.push(`${m.model}: ${c.role} ${c.version} ${c.broken ? 'BROKEN' : 'verified'}`);
      for (const l of c.links) lines.push(`  ${linkLine(l)}`);
      if (c.broken) lines.push(`  first broken link: ${brokenLine(c)}`);
    }
    for (const v of m.violations) lines.push(`${m.model}: outside any chain: ${linkLine(v)}`);
  }
  const broken = a.models.filter((m) => !m.ok).map((m) => m.model);
  lines.push(
    '',
    broken.length
      ? `chain of custody broken on ${a.branch} (${a.commit.slice(0, 7)}) for: ${broken.join(', ')}`
      : `every chain of custody on ${a.branch} (${a.commit.slice(0, 7)}) verifies`,
  );
  return lines.join('\n') + '\n';
}

function linkLine(l: Link): string {
  const at = l.commit ? ` (${l.commit.short} "${l.commit.subject}", ${l.commit.author})` : '';
  return `${l.ok ? '✔' : '✘'} ${l.link.padEnd(12)} ${l.detail}${at}`;
}

function brokenLine(c: Chain): string {
  const l = c.broken!;
  return l.commit
    ? `${l.link} at ${l.commit.short} "${l.commit.subject}" by ${l.commit.author}: ${l.detail}`
    : `${l.link}: ${l.detail}`;
}
