import type { ModelCard, ModelVersion } from '../records/index.js';

type CardMetric = ModelCard['metrics'][number];
type DataRef = ModelCard['training_data'][number];

/**
 * A content hash short enough for a table cell.
 * @example
 * shortHash('sha256:17151a6748c11307e5907b54382905dfa6c1a322061094b417fce5e51a43a4e8') // 'sha256:17151a67…'
 */
export function shortHash(hash: string): string {
  const colon = hash.indexOf(':');
  return hash.length > colon + 9 ? `${hash.slice(0, colon + 9)}…` : hash;
}

/**
 * Whether a metric meets its threshold: `min` needs value ≥ threshold, `max` value < threshold
 * (as the governance checks read them). Undefined when the metric has no threshold.
 * @example
 * meetsThreshold({ name: 'latency_p95_ms', value: 100, threshold: 100, direction: 'max' }) // false
 */
export function meetsThreshold(m: CardMetric): boolean | undefined {
  if (m.threshold === undefined || m.direction === undefined) return undefined;
  return m.direction === 'min' ? m.value >= m.threshold : m.value < m.threshold;
}

/**
 * A model card as Markdown that GitHub renders beside its YAML: one `##` section per Model Card
 * section, metrics as a table with ✅/❌ against thresholds. The same card gives the same bytes.
 * @example
 * renderModelCardMarkdown(card, { version })
 * // '<!-- generated from execution-agent/1.0.0.yaml by mlops; do not edit -->\n\n# execution-agent 1.0.0\n…'
 */
export function renderModelCardMarkdown(card: ModelCard, opts: { version?: ModelVersion } = {}) {
  const d = card.model_details;
  const details = [
    `- **Description:** ${inline(d.description)}`,
    `- **Architecture:** ${inline(d.architecture)} (${inline(d.framework)})`,
    `- **Owners:** ${d.owners.join(', ')}`,
    `- **Date:** ${d.date}`,
    ...(d.license ? [`- **License:** ${inline(d.license)}`] : []),
    ...versionFacts(opts.version),
  ];
  const use = card.intended_use;
  // sections with `null` are optional in the card and left out when it has none
  const sections: [string, string[] | null][] = [
    ['Model details', details],
    ['References', d.references ? bullets(d.references) : null],
    [
      'Intended use',
      [
        ...subsection('Primary uses', use.primary_uses),
        '',
        ...subsection('Primary users', use.primary_users),
        '',
        ...subsection('Out of scope', use.out_of_scope),
      ],
    ],
    ['Factors', bullets(card.factors)],
    ['Metrics', metricsTable(card.metrics)],
    ['Evaluation data', dataTable(card.evaluation_data)],
    ['Training data', dataTable(card.training_data)],
    ['Limitations', bullets(card.limitations)],
    ['Ethical considerations', bullets(card.ethical_considerations)],
    ['Caveats and recommendations', card.caveats ? bullets(card.caveats) : null],
    [
      'Retraining',
      [
        `- **Schedule:** \`${inline(card.retraining.schedule)}\``,
        `- **Triggers:** ${card.retraining.triggers.map(inline).join('; ') || 'none'}`,
      ],
    ],
  ];
  const lines = [
    `<!-- generated from ${card.model}/${card.version}.yaml by mlops; do not edit -->`,
    '',
    `# ${card.model} ${card.version}`,
  ];
  for (const [title, body] of sections) {
    if (body) lines.push('', `## ${title}`, '', ...orNone(body));
  }
  return `${lines.join('\n')}\n`;
}

function versionFacts(v: ModelVersion | undefined): string[] {
  if (!v) return [];
  const a = v.artifact;
  return [
    `- **Run:** \`${v.run}\``,
    `- **Artifact:** \`${inline(a.uri)}\` (${inline(a.format)}, ${a.size} bytes, \`${shortHash(a.hash)}\`)`,
    `- **Change:** ${v.change.level} — ${inline(v.change.reason)}`,
  ];
}

function metricsTable(metrics: CardMetric[]): string[] {
  if (metrics.length === 0) return [];
  const rows = metrics.map((m) => {
    const ok = meetsThreshold(m);
    return row([
      m.name,
      m.slice ?? '',
      String(m.value),
      thresholdText(m),
      ok === undefined ? '' : ok ? '✅' : '❌',
    ]);
  });
  return ['| metric | slice | value | threshold | |', '| --- | --- | --: | --: | :-: |', ...rows];
}

function thresholdText(m: CardMetric): string {
  if (m.threshold === undefined) return '';
  if (m.direction === 'min') return `≥ ${m.threshold}`;
  if (m.direction === 'max') return `< ${m.threshold}`;
  return String(m.threshold);
}

function dataTable(refs: DataRef[]): string[] {
  if (refs.length === 0) return [];
  return [
    '| dataset | hash | description |',
    '| --- | --- | --- |',
    ...refs.map((r) => row([r.dataset, `\`${shortHash(r.hash)}\``, r.description ?? ''])),
  ];
}

/** A table row; an empty cell is `| |`, never a run of spaces. */
function row(cells: string[]): string {
  return `|${cells.map((c) => (c ? ` ${inline(c).replaceAll('|', '\\|')} ` : ' ')).join('|')}|`;
}

function bullets(items: string[]): string[] {
  return items
    .map(inline)
    .filter((t) => t !== '')
    .map((t) => `- ${t}`);
}

function subsection(title: string, items: string[]): string[] {
  return [`**${title}**`, '', ...orNone(bullets(items))];
}

function orNone(lines: string[]): string[] {
  return lines.length ? lines : ['_None recorded._'];
}

/** One line of text: a newline inside a YAML string would break a bullet or a table row. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
