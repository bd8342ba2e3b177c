import type { Model, ModelCard, ModelVersion, Run } from '../records/index.js';
import { renderModelCardMarkdown, shortHash } from '../registry/index.js';
import { metricsChart } from './chart.js';
import { comparisonTable } from './comparison.js';

/** The branch a promotion lives on; the tool owns it and rebuilds it from the base. */
export function promotionBranch(model: string, version: string): string {
  return `promote/${model}/${version}`;
}

/** The model and version of a promotion branch, or null for any other branch. */
export function parsePromotionBranch(branch: string): { model: string; version: string } | null {
  const m = /^promote\/([a-z0-9][a-z0-9_-]*)\/([^/]+)$/.exec(branch);
  return m ? { model: m[1]!, version: m[2]! } : null;
}

export function promotionTitle(model: string, version: string): string {
  return `Promote ${model} ${version} to staging`;
}

export interface PromotionBodyInput {
  model: Model;
  candidate: ModelVersion;
  production?: ModelVersion;
  run?: Run;
  card?: ModelCard;
  /** The governance section (checks, risk, decision), rendered by governance/. */
  governance: string;
}

/**
 * The promotion PR's body, one screen that says why the version is safe or not: the
 * governance decision and checks, the comparison with production (a table and a chart GitHub
 * renders), the run and data lineage, and the model card.
 * @example
 * const body = promotionBody({ model, candidate, production, run, card, governance: md });
 */
export function promotionBody(i: PromotionBodyInput): string {
  const c = i.candidate;
  const sections = [
    `<!-- mlops:promotion model=${c.model} version=${c.version} -->`,
    `Promotes **${c.model} ${c.version}** (${c.change.level}: ${c.change.reason}) to staging: merging this pull request approves it, and the rollout starts from ${i.production ? `production ${i.production.version}` : 'no production version'}.`,
    '## Governance',
    i.governance.trim(),
    '## Compared with production',
    comparisonTable(i.production, c, {
      metric: i.model.evaluation.primary_metric,
      direction: i.model.evaluation.direction,
    }),
    metricsChart(i.production, c),
    driftSection(i),
    '## Lineage',
    lineage(i),
  ];
  if (i.card) {
    sections.push(
      '<details><summary>Model card</summary>\n',
      renderModelCardMarkdown(i.card, { version: c })
        .replace(/^<!--.*-->\n+/, '')
        .replace(/^# /m, '### ')
        .replace(/^## /gm, '#### ')
        .trim(),
      '\n</details>',
    );
  }
  return sections.filter((s) => s !== '').join('\n\n') + '\n';
}

/**
 * Why a retrain happened, when drift started it: the reason and every figure the drift check
 * handed to the run (the Run's `trigger.drift`), so the reviewer sees what moved.
 */
function driftSection(i: PromotionBodyInput): string {
  const t = i.run?.trigger;
  if (t?.type !== 'drift') return '';
  const figures = Object.entries(t.drift ?? {});
  const rows = figures.map(
    ([k, v]) => `| ${k} | ${Number.isInteger(v) ? v : Number(v.toPrecision(4))} |`,
  );
  return [
    '## Retrained because of drift',
    t.reason ?? 'The drift check asked for it.',
    ...(rows.length ? ['| figure | value |\n| --- | --: |\n' + rows.join('\n')] : []),
  ].join('\n\n');
}

function lineage(i: PromotionBodyInput): string {
  const c = i.candidate;
  const lines = [
    `- **Run:** \`${c.run}\`${i.run ? ` (${i.run.trigger.type}${i.run.trigger.reason ? `: ${i.run.trigger.reason}` : ''}), code \`${i.run.code_commit.slice(0, 7)}\`` : ''}`,
    `- **Artifact:** \`${c.artifact.uri}\` (${c.artifact.format}, ${c.artifact.size} bytes, \`${shortHash(c.artifact.hash)}\`)`,
    `- **Architecture:** ${c.architecture.type} (${c.architecture.framework})`,
    ...c.lineage.datasets.map((d) => `- **Data:** ${d.name} \`${shortHash(d.hash)}\``),
  ];
  if (c.features.length) lines.push(`- **Features:** ${c.features.join(', ')}`);
  if (i.run?.environment.gpus.length) {
    lines.push(
      `- **Trained on:** ${i.run.environment.gpus.map((g) => `${g.name} (${g.memory_mb} MiB, driver ${g.driver})`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
