import { describe, expect, it } from 'vitest';
import { type ModelCard, type ModelVersion } from '../records/index.js';
import { meetsThreshold, renderModelCardMarkdown, shortHash } from './card-markdown.js';
import { exampleRecord } from '../../test/helpers/example-record.js';

const card = exampleRecord<ModelCard>('model-cards/execution-agent/1.0.0.yaml');
const version = exampleRecord<ModelVersion>('registry/models/execution-agent/versions/1.0.0.yaml');
const lines = (md: string) => md.split('\n');

describe('renderModelCardMarkdown', () => {
  const md = renderModelCardMarkdown(card);

  it('starts with the generated-file comment and the title', () => {
    expect(lines(md).slice(0, 3)).toEqual([
      '<!-- generated from execution-agent/1.0.0.yaml by mlops; do not edit -->',
      '',
      '# execution-agent 1.0.0',
    ]);
  });

  it('has one section per Model Card section, in order, leaving out absent optional ones', () => {
    expect(lines(md).filter((l) => l.startsWith('## '))).toEqual([
      '## Model details',
      '## Intended use',
      '## Factors',
      '## Metrics',
      '## Evaluation data',
      '## Training data',
      '## Limitations',
      '## Ethical considerations',
      '## Retraining',
    ]);
  });

  it('tables the metrics with thresholds and a mark per thresholded row', () => {
    const start = lines(md).indexOf('| metric | slice | value | threshold | |');
    expect(lines(md).slice(start, start + 9)).toEqual([
      '| metric | slice | value | threshold | |',
      '| --- | --- | --: | --: | :-: |',
      '| accuracy | | 0.938 | ≥ 0.9 | ✅ |',
      '| latency_p95_ms | | 3 | < 100 | ✅ |',
      '| precision | | 0.757 | | |',
      '| recall | | 0.78 | | |',
      '| accuracy | api | 0.929 | | |',
      '| accuracy | ui | 0.926 | | |',
      '| accuracy | unit | 0.96 | | |',
    ]);
  });

  it('marks ❌ below a min threshold and at or above a max threshold', () => {
    const failing: ModelCard = {
      ...card,
      metrics: [
        { name: 'accuracy', value: 0.88, threshold: 0.9, direction: 'min' },
        { name: 'accuracy', value: 0.9, threshold: 0.9, direction: 'min', slice: 'suite:api' },
        { name: 'latency_p95_ms', value: 100, threshold: 100, direction: 'max' },
        { name: 'loss', value: 0.2, threshold: 0.3 },
      ],
    };
    const rows = lines(renderModelCardMarkdown(failing)).filter((l) =>
      /^\| (accuracy|lat|loss)/.test(l),
    );
    expect(rows).toEqual([
      '| accuracy | | 0.88 | ≥ 0.9 | ❌ |',
      '| accuracy | suite:api | 0.9 | ≥ 0.9 | ✅ |',
      '| latency_p95_ms | | 100 | < 100 | ❌ |',
      '| loss | | 0.2 | 0.3 | |',
    ]);
  });

  it('tables the data with short hashes', () => {
    const start = lines(md).indexOf('## Training data');
    expect(lines(md).slice(start + 2, start + 5)).toEqual([
      '| dataset | hash | description |',
      '| --- | --- | --- |',
      '| test-executions | `sha256:17151a67…` | |',
    ]);
  });

  it('lists the written sections as bullets and the retraining policy', () => {
    expect(md).toContain(
      "## Limitations\n\n- Trained on one organisation's test history; transfer to other code bases is untested.\n",
    );
    expect(md).toContain('**Out of scope**\n\n- Deciding releases without a human review');
    expect(md).toContain(
      '## Retraining\n\n- **Schedule:** `0 2 * * 0`\n- **Triggers:** critical drift; on demand\n',
    );
  });

  it('adds the version’s run, artifact and change when given', () => {
    const withVersion = renderModelCardMarkdown(card, { version });
    expect(withVersion).toContain(
      [
        '- **Run:** `20260106-020000-initial`',
        '- **Artifact:** `mlops://artifacts/execution-agent/1.0.0/model.json` (json, 839 bytes, `sha256:8b532642…`)',
        '- **Change:** major — first version',
      ].join('\n'),
    );
  });

  it('is deterministic and clean: trailing newline, no trailing spaces, no double blank lines', () => {
    expect(renderModelCardMarkdown(card)).toBe(md);
    expect(md.endsWith('\n')).toBe(true);
    expect(md.endsWith('\n\n')).toBe(false);
    expect(lines(md).filter((l) => / $/.test(l))).toEqual([]);
    expect(md).not.toContain('\n\n\n');
  });

  it('keeps optional sections when present, notes empty lists, and keeps rows on one line', () => {
    const edited: ModelCard = {
      ...card,
      model_details: { ...card.model_details, references: ['Mitchell et al., 2019'] },
      caveats: ['Scores are\nnot probabilities | calibrate first.'],
      factors: [],
      evaluation_data: [{ dataset: 'x', hash: card.evaluation_data[0]!.hash, description: 'a|b' }],
    };
    const out = renderModelCardMarkdown(edited);
    expect(out).toContain('## References\n\n- Mitchell et al., 2019\n');
    expect(out).toContain(
      '## Caveats and recommendations\n\n- Scores are not probabilities | calibrate first.\n',
    );
    expect(out).toContain('## Factors\n\n_None recorded._\n');
    expect(out).toContain('| x | `sha256:17151a67…` | a\\|b |');
  });
});

describe('helpers', () => {
  it('shortHash keeps the algorithm and eight hex digits', () => {
    expect(shortHash(card.training_data[0]!.hash)).toBe('sha256:17151a67…');
    expect(shortHash('md5:0123456789abcdef0123456789abcdef')).toBe('md5:01234567…');
  });

  it('meetsThreshold: min is ≥, max is <, none without a threshold', () => {
    expect(meetsThreshold({ name: 'a', value: 0.9, threshold: 0.9, direction: 'min' })).toBe(true);
    expect(meetsThreshold({ name: 'a', value: 99.9, threshold: 100, direction: 'max' })).toBe(true);
    expect(meetsThreshold({ name: 'a', value: 100, threshold: 100, direction: 'max' })).toBe(false);
    expect(meetsThreshold({ name: 'a', value: 1 })).toBeUndefined();
  });
});
