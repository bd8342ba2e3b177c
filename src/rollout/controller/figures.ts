import type { Decision } from '../state.js';

type Figures = Decision['figures'];

/**
 * The figures behind a step as the lines of its commit body: one line per arm (requests,
 * errors, p95, accuracy), the analysis, then every other figure as `name: value`, so a
 * person reads the why and a script can still grep `name: value`.
 * @example
 * figureLines({ baseline_requests: 9500, baseline_errors: 95, candidate_requests: 500, candidate_errors: 4,
 *   probability: 0.97, analysis: 'success rate', analysis_decision: 'promote' }, { baseline: '1.2.0', candidate: '1.3.0' })
 * // ['baseline 1.2.0: 9500 requests, 95 errors (1 %)', 'candidate 1.3.0: 500 requests, 4 errors (0.8 %)',
 * //  'analysis on success rate: P(candidate better) = 0.97, promote']
 */
export function figureLines(
  figures: Figures,
  versions: { baseline: string | null; candidate: string },
): string[] {
  const rest = new Map(Object.entries(figures));
  const take = (k: string) => {
    const v = rest.get(k);
    rest.delete(k);
    return v;
  };
  const lines: string[] = [];
  for (const arm of ['baseline', 'candidate'] as const) {
    const requests = take(`${arm}_requests`);
    const errors = take(`${arm}_errors`);
    const p95 = take(`${arm}_latency_p95_ms`);
    const labelled = take(`${arm}_labelled`);
    const correct = take(`${arm}_correct`);
    if (typeof requests !== 'number') continue;
    const parts = [`${requests} requests`];
    if (typeof errors === 'number')
      parts.push(`${errors} errors${requests ? ` (${pct(errors / requests)})` : ''}`);
    if (typeof p95 === 'number') parts.push(`p95 ${num(p95)} ms`);
    if (typeof labelled === 'number' && typeof correct === 'number' && labelled > 0)
      parts.push(`accuracy ${pct(correct / labelled)} (${correct} of ${labelled})`);
    lines.push(`${arm} ${versions[arm] ?? '-'}: ${parts.join(', ')}`);
  }
  const p = take('probability');
  if (typeof p === 'number') {
    const on = take('analysis');
    const said = take('analysis_decision');
    for (const k of [
      'control_successes',
      'control_trials',
      'treatment_successes',
      'treatment_trials',
    ])
      take(k);
    lines.push(`analysis on ${String(on)}: P(candidate better) = ${num(p)}, ${String(said)}`);
  }
  for (const [k, v] of rest) lines.push(`${k}: ${typeof v === 'number' ? num(v) : v}`);
  return lines;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function pct(share: number): string {
  return `${Number((share * 100).toPrecision(4))} %`;
}
