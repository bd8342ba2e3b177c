import { describe, expect, it } from 'vitest';
import { planRetrains, planSummary, registrySide, runReason } from './plan.js';

const enc = (s: string) => new TextEncoder().encode(s);

function model(name: string, training: { params?: string; datasets?: string } = {}, extra = '') {
  return enc(`kind: Model
schema_version: 1
name: ${name}
description: ${extra || 'A model.'}
owners: [ml-leads]
task: binary-classification
training:
  command: node train.js
  runner_labels: [self-hosted]
  gpus: 0
  params: ${training.params ?? '{ epochs: 5 }'}
  inputs:
    datasets: ${training.datasets ?? '[d1]'}
  timeout: 30m
evaluation:
  primary_metric: accuracy
  direction: maximize
`);
}

const dataset = (name: string, hash: string) =>
  enc(
    `kind: Dataset\nschema_version: 1\nname: ${name}\npath: datasets/${name}.csv\nhash: ${hash}\n`,
  );

const H1 = `sha256:${'1'.repeat(64)}`;
const H2 = `sha256:${'2'.repeat(64)}`;

function side(files: Record<string, Uint8Array>, onBroken: 'throw' | 'skip' = 'throw') {
  return registrySide(new Map(Object.entries(files)), onBroken);
}

describe('registrySide', () => {
  it('reads each model’s training block and datasets, and each pointer’s hash; ignores other files', () => {
    const s = side({
      'registry/models/a/model.yaml': model('a', { datasets: '[d1, d2]' }),
      'registry/models/a/versions/1.0.0.yaml': enc('not: read'),
      'data/d1.yaml': dataset('d1', H1),
      'data/remotes.yaml': enc('kind: Remotes\nschema_version: 1\n'),
    });
    expect([...s.training.keys()]).toEqual(['a']);
    expect(s.training.get('a')).toMatchObject({ command: 'node train.js', params: { epochs: 5 } });
    expect(s.datasets.get('a')).toEqual(['d1', 'd2']);
    expect([...s.hashes]).toEqual([['d1', H1]]);
  });

  it('throws with the location of a broken file, or skips it when asked', () => {
    const files = { 'registry/models/a/model.yaml': enc('kind: Model\nname: [\n') };
    expect(() => side(files)).toThrow(/^registry\/models\/a\/model\.yaml:\d+:\d+: yaml\//);
    expect(side(files, 'skip').training.size).toBe(0);
  });
});

describe('planRetrains', () => {
  const before = side({
    'registry/models/a/model.yaml': model('a'),
    'registry/models/b/model.yaml': model('b', { datasets: '[d2]' }),
    'data/d1.yaml': dataset('d1', H1),
    'data/d2.yaml': dataset('d2', H1),
  });

  it('retrains a model whose training changed, naming each changed field with both values', () => {
    const after = side({
      'registry/models/a/model.yaml': model('a', { params: '{ epochs: 9, seed: 1 }' }),
      'registry/models/b/model.yaml': model('b', { datasets: '[d2]' }, 'Edited description.'),
      'data/d1.yaml': dataset('d1', H1),
      'data/d2.yaml': dataset('d2', H1),
    });
    expect(planRetrains(before, after)).toEqual([
      {
        model: 'a',
        reasons: ['training.params.epochs: 5 → 9', 'training.params.seed: (none) → 1'],
      },
    ]);
  });

  it('retrains every model on a dataset whose hash changed, and a model that is new', () => {
    const after = side({
      'registry/models/a/model.yaml': model('a'),
      'registry/models/b/model.yaml': model('b', { datasets: '[d2]' }),
      'registry/models/c/model.yaml': model('c', { datasets: '[d1, d2]' }),
      'data/d1.yaml': dataset('d1', H1),
      'data/d2.yaml': dataset('d2', H2),
    });
    expect(planRetrains(before, after)).toEqual([
      { model: 'b', reasons: ['dataset d2: sha256:11111111 → sha256:22222222'] },
      { model: 'c', reasons: ['new model', 'dataset d2: sha256:11111111 → sha256:22222222'] },
    ]);
  });

  it('with no before (the push created the branch) every model is new', () => {
    expect(planRetrains(undefined, before).map((p) => p.model)).toEqual(['a', 'b']);
    expect(planRetrains(undefined, before)[0]!.reasons).toEqual([
      'new model',
      'dataset d1: new → sha256:11111111',
    ]);
  });

  it('nothing changed: nothing to retrain', () => {
    expect(planRetrains(before, before)).toEqual([]);
  });
});

describe('planSummary and runReason', () => {
  it('lists the models and why, escaping what Markdown would read as HTML', () => {
    const plan = [{ model: 'a', reasons: ['training.command: "x" → "x <y>"'] }];
    expect(planSummary(plan, 'push 1234567..89abcde')).toBe(
      '### Training plan\n\npush 1234567..89abcde retrains 1 model:\n\n' +
        '- **a**: training.command: "x" → "x &#60;y&#62;"\n',
    );
    expect(planSummary([], 'push 1234567..89abcde')).toMatch(/nothing to retrain\.\n$/);
    expect(
      runReason({ model: 'a', reasons: ['new model', 'dataset d1: new → x'] }, '89abcde'),
    ).toBe('push 89abcde: new model; dataset d1: new → x');
  });
});
