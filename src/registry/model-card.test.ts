import { describe, expect, it } from 'vitest';
import {
  formatFinding,
  loadRecord,
  stringifyRecord,
  type GovernancePolicy,
  type Model,
  type ModelCard,
  type RetrainingPolicy,
  type Run,
} from '../records/index.js';
import { buildModelCard, FIRST_VERSION_LIMITATION, type ModelCardInput } from './model-card.js';
import { exampleRecord } from '../../test/helpers/example-record.js';

const model = exampleRecord<Model>('registry/models/execution-agent/model.yaml');
const card1 = exampleRecord<ModelCard>('model-cards/execution-agent/1.0.0.yaml');
const governance = exampleRecord<GovernancePolicy>('policies/governance.yaml');
const retraining = exampleRecord<RetrainingPolicy>('policies/retraining.yaml');
const run: Run = {
  ...exampleRecord<Run>('registry/runs/execution-agent/20260106-020000-initial.yaml'),
  id: '20261126-070000-weekly',
  metrics: { recall: 0.91, latency_p95_ms: 3.2, accuracy: 0.944 },
  slices: { 'suite:ui': { recall: 0.8, accuracy: 0.921 }, 'suite:api': { accuracy: 0.94 } },
};
const architecture = { type: 'logistic-regression', framework: 'typescript' };
const build = (over: Partial<ModelCardInput> = {}) =>
  buildModelCard({
    model,
    version: '1.1.0',
    run,
    architecture,
    previousCard: card1,
    governance,
    retraining,
    now: new Date('2026-11-26T07:35:00Z'),
    ...over,
  });
const first = (over: Partial<ModelCardInput> = {}) =>
  build({ version: '1.0.0', previousCard: undefined, ...over });

describe('buildModelCard', () => {
  it('makes a card that passes the schema at its path', () => {
    for (const card of [build(), first(), first({ retraining: undefined })]) {
      const loaded = loadRecord(
        `model-cards/execution-agent/${card.version}.yaml`,
        new TextEncoder().encode(stringifyRecord(card)),
      );
      expect(loaded.findings.map(formatFinding)).toEqual([]);
    }
  });

  it('takes the details from the model and the date from now', () => {
    expect(build().model_details).toEqual({
      description: model.description,
      architecture: 'logistic-regression',
      framework: 'typescript',
      owners: ['ml-leads'],
      date: '2026-11-26',
      license: 'proprietary',
    });
  });

  it('carries the written sections over from the previous card, as copies', () => {
    const card = build();
    expect(card.intended_use).toEqual(card1.intended_use);
    expect(card.factors).toEqual(card1.factors);
    expect(card.limitations).toEqual(card1.limitations);
    expect(card.ethical_considerations).toEqual(card1.ethical_considerations);
    expect(card).not.toHaveProperty('caveats');
    card.intended_use.primary_uses.push('changed');
    expect(card1.intended_use.primary_uses).toHaveLength(1);
    expect(build({ previousCard: { ...card1, caveats: ['Calibrate.'] } }).caveats).toEqual([
      'Calibrate.',
    ]);
  });

  it('lists metrics by name, then by slice; accuracy and latency with thresholds', () => {
    expect(build().metrics).toEqual([
      { name: 'accuracy', value: 0.944, threshold: 0.9, direction: 'min' },
      { name: 'latency_p95_ms', value: 3.2, threshold: 100, direction: 'max' },
      { name: 'recall', value: 0.91 },
      { name: 'accuracy', value: 0.94, slice: 'suite:api' },
      { name: 'accuracy', value: 0.921, slice: 'suite:ui' },
      { name: 'recall', value: 0.8, slice: 'suite:ui' },
    ]);
  });

  it('the model’s governance overrides win over the policy', () => {
    const strict = { ...model, governance: { min_accuracy: 0.95 } };
    expect(build({ model: strict }).metrics.slice(0, 2)).toEqual([
      { name: 'accuracy', value: 0.944, threshold: 0.95, direction: 'min' },
      { name: 'latency_p95_ms', value: 3.2, threshold: 100, direction: 'max' },
    ]);
  });

  it('points at the run’s datasets, keeping descriptions the previous card gave them', () => {
    const hash = run.inputs.datasets[0]!.hash;
    const described = {
      ...card1,
      training_data: [{ dataset: 'test-executions', hash, description: 'CI history' }],
    };
    expect(build({ previousCard: described }).training_data).toEqual([
      { dataset: 'test-executions', hash, description: 'CI history' },
    ]);
    expect(build().evaluation_data).toEqual([{ dataset: 'test-executions', hash }]);
  });

  it('derives the retraining triggers from the policy', () => {
    expect(build().retraining).toEqual({
      schedule: '0 2 * * 0',
      triggers: [
        'weekly schedule (0 2 * * 0)',
        'critical drift',
        'warning drift (retrain within 48h)',
        'on demand',
      ],
    });
    const manual = { ...retraining, on_critical_drift: false, on_demand: false };
    expect(build({ retraining: manual }).retraining.triggers).toEqual([
      'weekly schedule (0 2 * * 0)',
      'warning drift (retrain within 48h)',
    ]);
    expect(build({ retraining: undefined }).retraining).toEqual({
      schedule: 'on demand',
      triggers: ['on demand'],
    });
  });

  it.each([
    ['30 1 * * *', 'daily schedule'],
    ['15 * * * *', 'hourly schedule'],
    ['0 3 1 * *', 'monthly schedule'],
    ['0 2 * * SUN', 'weekly schedule'],
    ['0 */6 * * *', 'schedule'],
    ['0 0 1 1 *', 'schedule'],
  ])('names the cadence of %s as "%s"', (schedule, cadence) => {
    const triggers = build({ retraining: { ...retraining, schedule } }).retraining.triggers;
    expect(triggers[0]).toBe(`${cadence} (${schedule})`);
  });
});

describe('buildModelCard: a first version', () => {
  it('starts with short, honest defaults', () => {
    const card = first();
    expect(card.intended_use).toEqual({
      primary_uses: [
        'Predicts whether a test run will pass from how the test has behaved recently (binary-classification).',
      ],
      primary_users: ['ml-leads'],
      out_of_scope: ['Uses other than binary-classification have not been evaluated.'],
    });
    expect(card.factors).toEqual(['suite: api', 'suite: ui']);
    expect(card.limitations).toEqual([FIRST_VERSION_LIMITATION]);
    expect(card.ethical_considerations).toEqual(['No ethical review recorded yet.']);
    expect(card.model_details).not.toHaveProperty('license');
  });

  it('names plain slices as slices, and says so when there are none', () => {
    expect(first({ run: { ...run, slices: { api: { accuracy: 0.9 } } } }).factors).toEqual([
      'slice: api',
    ]);
    const unsliced = first({ run: { ...run, slices: undefined } });
    expect(unsliced.factors).toEqual([]);
    expect(unsliced.limitations).toEqual([
      FIRST_VERSION_LIMITATION,
      'No slice metrics: performance across groups is unmeasured.',
    ]);
  });

  it('the next card drops the first-version limitation and keeps the rest', () => {
    const previousCard = { ...first(), limitations: [FIRST_VERSION_LIMITATION, 'Small data.'] };
    expect(build({ previousCard }).limitations).toEqual(['Small data.']);
  });
});
