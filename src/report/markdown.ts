/**
 * The drift report as GitHub Markdown, for the job summary of the drift check and the body of
 * the retraining pull request: the level and why, the columns worst first, and charts GitHub
 * renders with Mermaid. One screen for a model of twenty features.
 */
import type { ColumnDrift, DriftReport } from '../drift/types.js';
import {
  DEFAULT_PSI_LEVELS,
  LEVEL_EMOJI,
  byPsi,
  count,
  datasetDriftText,
  levelReasons,
  num,
  pct,
  shift,
  testLabel,
  thresholdText,
  type DriftRenderOptions,
} from './format.js';
import { histogramChart, psiChart } from './mermaid.js';

export interface DriftMarkdownOptions extends DriftRenderOptions {
  /** A heading above everything (`### …`); none when absent, for a body that has its own. */
  title?: string;
  /** Rows of the column table (and bars of the PSI chart) at most; the rest are summed up. */
  maxRows?: number;
  /** Histograms drawn, for the columns of highest PSI. */
  histograms?: number;
}

/** Enough for twenty features on one screen, which is what the table is sized for. */
const MAX_ROWS = 20;
const HISTOGRAMS = 2;

/**
 * Text from data files made inert in Markdown: HTML's special characters as entities (a
 * column named `<script>` shows as text), Markdown's punctuation backslash-escaped (no
 * emphasis, links or table cells from a name), line breaks as spaces.
 */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

const bold = (s: string) => `**${mdText(s)}**`;

/**
 * The report as Markdown: a headline with the level's emoji and why, where the samples come
 * from, dataset drift, prediction drift and accuracy when the report has them, the columns by
 * PSI (highest first, capped at `maxRows` with a note on the rest), a PSI chart with the
 * policy's levels, and reference-vs-current histograms of the worst columns. Deterministic.
 * @example
 * await core.summary.addRaw(driftMarkdown(report, { title: 'Drift', psi: policy.psi })).write();
 */
export function driftMarkdown(report: DriftReport, options: DriftMarkdownOptions = {}): string {
  const levels = options.psi ?? DEFAULT_PSI_LEVELS;
  const maxRows = Math.max(1, options.maxRows ?? MAX_ROWS);
  const out: string[] = [];
  if (options.title) out.push(`### ${mdText(options.title)}`, '');
  const why = levelReasons(report, levels, bold).join('; ');
  out.push(`${LEVEL_EMOJI[report.level]} **Drift: ${report.level}** — ${why}`, '');
  out.push(provenance(report), '');

  const facts = [`- **Dataset drift:** ${datasetDriftText(report)}`];
  if (report.prediction) facts.push(`- **Prediction drift:** ${predictionText(report.prediction)}`);
  const a = report.accuracy;
  if (a) {
    facts.push(
      `- **Accuracy:** ${num(a.reference)} → ${num(a.current)} (${pct(a.drop)} drop): ${LEVEL_EMOJI[a.level]} ${a.level}`,
    );
  }
  out.push(...facts, '');

  const sorted = byPsi(report.columns);
  if (!sorted.length) {
    out.push('_No columns were compared._');
    return out.join('\n') + '\n';
  }
  const shown = sorted.slice(0, maxRows);
  out.push(...table(shown));
  const rest = sorted.slice(maxRows);
  if (rest.length) out.push('', restNote(rest));
  const notes = shown.filter((c) => c.note);
  if (notes.length) {
    out.push('', ...notes.map((c) => `- ${bold(c.column)}: ${mdText(c.note!)}`));
  }

  out.push('', '**PSI per column**', '', psiChart(shown, levels));
  for (const c of sorted.slice(0, Math.max(0, options.histograms ?? HISTOGRAMS))) {
    const chart = histogramChart(c);
    if (chart) out.push('', `**${mdText(c.column)}: reference vs current**`, '', chart);
  }
  return out.join('\n') + '\n';
}

/** Which model, which samples, when: one paragraph with hard line breaks. */
function provenance(r: DriftReport): string {
  const model = `**${mdText(r.model)}${r.version ? ` ${mdText(r.version)}` : ''}**`;
  const window = r.current.window
    ? `, ${mdText(r.current.window.from)} → ${mdText(r.current.window.to)}`
    : '';
  const lines = [
    `${model}: reference ${mdText(r.reference.name)} (${count(r.reference.rows)} rows) against current ${mdText(r.current.name)} (${count(r.current.rows)} rows${window})`,
    `checked at ${mdText(r.at)}`,
  ];
  // a backslash at the end of a line is a hard line break in CommonMark (and on GitHub)
  return lines.join('\\\n');
}

function predictionText(p: ColumnDrift): string {
  return `${bold(p.column)}: ${testLabel(p.test)} ${num(p.value)} (drift ${thresholdText(p)}), ${p.drifted ? 'drifted' : 'not drifted'}; PSI ${num(p.psi)}, ${LEVEL_EMOJI[p.level]} ${p.level}`;
}

function table(columns: ColumnDrift[]): string[] {
  return [
    '| column | kind | test | value | drift at | drifted | PSI | level | reference → current |',
    '| --- | --- | --- | --: | --: | :-: | --: | --- | --- |',
    ...columns.map((c) =>
      [
        '',
        mdText(c.column),
        c.kind,
        testLabel(c.test),
        num(c.value),
        thresholdText(c),
        c.drifted ? '**yes**' : 'no',
        num(c.psi),
        `${LEVEL_EMOJI[c.level]} ${c.level}`,
        mdText(shift(c)),
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
}

/** What the capped rows held: how many, their highest PSI, how many drifted. */
function restNote(rest: ColumnDrift[]): string {
  const drifted = rest.filter((c) => c.drifted).length;
  const n = rest.length;
  return `_${n} more column${n === 1 ? '' : 's'} not shown, PSI ${num(rest[0]!.psi)} or less; ${drifted ? `${drifted} of them drifted` : 'none drifted'}._`;
}
