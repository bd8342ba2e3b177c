import type { ModelVersion } from '../records/index.js';
import { guessDirection } from '../tracking/index.js';

/**
 * The candidate's metrics beside production's as a Markdown table, with the change and
 * whether it is better (▲) or worse (▼) given which way each metric should go.
 * @example
 * comparisonTable(prod, cand, { metric: 'accuracy', direction: 'maximize' });
 */
export function comparisonTable(
  production: ModelVersion | undefined,
  candidate: ModelVersion,
  primary: { metric: string; direction: 'maximize' | 'minimize' },
): string {
  const names = [
    ...new Set([...Object.keys(candidate.metrics), ...Object.keys(production?.metrics ?? {})]),
  ].sort((a, b) => (a === primary.metric ? -1 : b === primary.metric ? 1 : a.localeCompare(b)));
  const head = production
    ? [
        `| metric | production ${production.version} | candidate ${candidate.version} | change |`,
        '| --- | --: | --: | --: |',
      ]
    : [`| metric | candidate ${candidate.version} |`, '| --- | --: |'];
  const rows = names.map((m) => {
    const c = candidate.metrics[m];
    const label = m === primary.metric ? `**${m}** (primary)` : m;
    if (!production) return `| ${label} | ${fmt(c)} |`;
    const p = production.metrics[m];
    return `| ${label} | ${fmt(p)} | ${fmt(c)} | ${change(p, c, m === primary.metric ? primary.direction : guessDirection(m))} |`;
  });
  return [...head, ...rows].join('\n');
}

function change(
  p: number | undefined,
  c: number | undefined,
  dir: 'maximize' | 'minimize',
): string {
  if (p === undefined || c === undefined) return '';
  if (p === c) return '=';
  const rel = p === 0 ? '' : ` (${(((c - p) / Math.abs(p)) * 100).toFixed(1)} %)`;
  const better = dir === 'maximize' ? c > p : c < p;
  return `${better ? '▲' : '▼'} ${c - p > 0 ? '+' : ''}${fmt(c - p)}${rel}`;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '–';
  return String(Number(v.toPrecision(4)));
}
