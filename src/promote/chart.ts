import type { ModelVersion } from '../records/index.js';

/**
 * A Mermaid bar chart GitHub renders in a PR body: production's metrics beside the
 * candidate's, for the metrics both have that are shares (0..1), on one axis.
 * @returns the fenced block, or '' when there is nothing to compare
 * @example
 * metricsChart(prod, cand) // '```mermaid\nxychart-beta\n  title ...'
 */
export function metricsChart(
  production: ModelVersion | undefined,
  candidate: ModelVersion,
): string {
  const names = Object.keys(candidate.metrics)
    .filter((m) => isShare(candidate.metrics[m]) && (!production || isShare(production.metrics[m])))
    .sort();
  if (!names.length) return '';
  const bars = (v: ModelVersion) => `[${names.map((m) => round(v.metrics[m]!)).join(', ')}]`;
  const title = production
    ? `${candidate.model}: ${production.version} (first bar) vs ${candidate.version}`
    : `${candidate.model} ${candidate.version}`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${names.map((n) => `"${n}"`).join(', ')}]`,
    '  y-axis "value" 0 --> 1',
    ...(production ? [`  bar ${bars(production)}`] : []),
    `  bar ${bars(candidate)}`,
    '```',
  ].join('\n');
}

function isShare(v: number | undefined): v is number {
  return v !== undefined && v >= 0 && v <= 1;
}

function round(v: number): number {
  return Number(v.toFixed(4));
}
