/**
 * The job summary of a rollout run: per model, what was decided and why, the candidate's
 * weight after it, and both arms' figures over the window the decision was taken on.
 */
import type { ArmWindow } from '../../../src/rollout/index.js';
import type { ModelOutcome } from './pass.js';

/**
 * The summary as Markdown.
 * @example
 * rolloutSummary([{ model: 'fraud', action: 'advance', reason: 'advance 1.3.0 from 5 % to 20 %: …', weight: 20, … }], 'schedule')
 * // '## Rollout (schedule)\n\n### fraud\n\n| action | reason | weight | commit |\n…'
 */
export function rolloutSummary(outcomes: ModelOutcome[], source: string): string {
  const lines = [`## Rollout (${source})`, ''];
  if (!outcomes.length) lines.push('No rollout in progress and nothing to start.', '');
  for (const o of outcomes) {
    lines.push(`### ${o.failed ? '❌ ' : ''}${o.model}`, '');
    lines.push('| action | reason | weight | commit |', '| --- | --- | --- | --- |');
    const weight = o.weight === null ? '—' : `${o.weight} %`;
    const commit = o.commit ? `\`${o.commit.slice(0, 7)}\`` : '—';
    lines.push(`| ${o.action} | ${cell(o.reason)} | ${weight} | ${commit} |`, '');
    if (o.window) {
      lines.push(
        '| arm | version | requests | errors | latency p95 | accuracy |',
        '| --- | --- | --- | --- | --- | --- |',
        arm('baseline', o.versions?.baseline ?? null, o.window.baseline),
        arm('candidate', o.versions?.candidate ?? null, o.window.candidate),
        '',
      );
    }
  }
  return lines.join('\n');
}

function arm(name: string, version: string | null, a: ArmWindow): string {
  const errors = a.requests ? `${a.errors} (${pct(a.errors / a.requests)})` : String(a.errors);
  const p95 = a.latencyP95Ms === null ? '—' : `${round(a.latencyP95Ms)} ms`;
  const accuracy =
    a.labelled && a.correct !== undefined
      ? `${pct(a.correct / a.labelled)} of ${a.labelled} labelled`
      : '—';
  return `| ${name} | ${version ?? '—'} | ${a.requests} | ${errors} | ${p95} | ${accuracy} |`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

function round(x: number): string {
  return String(Number(x.toFixed(1)));
}

/** A table cell: one line, and a `|` in a reason does not end the cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replaceAll('|', '\\|');
}
