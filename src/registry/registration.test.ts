import { describe, expect, it } from 'vitest';
import {
  formatFinding,
  loadRecord,
  type GovernancePolicy,
  type Model,
  type ModelCard,
  type ModelVersion,
  type RetrainingPolicy,
  type Run,
} from '../records/index.js';
import { renderModelCardMarkdown } from './card-markdown.js';
import { RegistryError, type RegistryErrorCode } from './errors.js';
import { buildRegistration, type RegistrationInput } from './registration.js';
import { exampleRecord } from '../../test/helpers/example-record.js';

const model = exampleRecord<Model>('registry/models/execution-agent/model.yaml');
const v1 = exampleRecord<ModelVersion>('registry/models/execution-agent/versions/1.0.0.yaml');
const card1 = exampleRecord<ModelCard>('model-cards/execution-agent/1.0.0.yaml');
const firstRun = exampleRecord<Run>('registry/runs/execution-agent/20260106-020000-initial.yaml');
const governance = exampleRecord<GovernancePolicy>('policies/governance.yaml');
const retraining = exampleRecord<RetrainingPolicy>('policies/retraining.yaml');

const DATA_HASH = 'sha256:17151a6748c11307e5907b54382905dfa6c1a322061094b417fce5e51a43a4e8';
const MODEL_HASH = `sha256:${'ab'.repeat(32)}`;
const artifact = (name: string) => ({
  name,
  uri: `mlops://artifacts/execution-agent/runs/20261126-070000-weekly/${name}`,
  hash: MODEL_HASH,
  size: 345000,
});
/** A weekly retrain of execution-agent, as the tracker would record it. */
const run: Run = {
  ...firstRun,
  id: '20261126-070000-weekly',
  trigger: { type: 'schedule' },
  metrics: { accuracy: 0.944, latency_p95_ms: 3.2, precision: 0.93, recall: 0.91 },
  slices: { 'suite:api': { accuracy: 0.94 }, 'suite:ui': { accuracy: 0.921 } },
  architecture: { type: 'logistic-regression', framework: 'typescript' },
  inputs: {
    datasets: [{ name: 'test-executions', hash: DATA_HASH }],
    features: ['test_execution_features'],
  },
  artifacts: [artifact('model.json')],
};
const input = (over: Partial<RegistrationInput> = {}): RegistrationInput => ({
  model,
  run,
  existing: [v1],
  production: '1.0.0',
  previousCard: card1,
  governance,
  retraining,
  now: new Date('2026-11-26T07:35:00.123Z'),
  ...over,
});
const withRun = (over: Partial<Run>) => input({ run: { ...run, ...over } });

/** Schema and path findings of the YAML records among the files (empty when all are valid). */
const findingsOf = (files: { path: string; content: string }[]) =>
  files
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => loadRecord(f.path, new TextEncoder().encode(f.content)).findings)
    .map(formatFinding);

function expectRefusal(attempt: () => unknown, code: RegistryErrorCode, message: RegExp) {
  expect(attempt).toThrow(RegistryError);
  expect(attempt).toThrow(message);
  expect(attempt).toThrow(expect.objectContaining({ code }));
}

describe('buildRegistration: a retrain', () => {
  const r = buildRegistration(input());

  it('writes a schema-valid ModelVersion, ModelCard and the card’s Markdown', () => {
    expect(r.files.map((f) => f.path)).toEqual([
      'registry/models/execution-agent/versions/1.1.0.yaml',
      'model-cards/execution-agent/1.1.0.yaml',
      'model-cards/execution-agent/1.1.0.md',
    ]);
    expect(findingsOf(r.files)).toEqual([]);
    for (const f of r.files.slice(0, 2))
      expect(loadRecord(f.path, new TextEncoder().encode(f.content)).ok).toBe(true);
    expect(r.files[2]!.content).toBe(r.markdown);
    expect(r.markdown).toBe(renderModelCardMarkdown(r.card, { version: r.version }));
  });

  it('the ModelVersion carries the run’s facts and a minor bump', () => {
    expect(r.version).toEqual({
      kind: 'ModelVersion',
      schema_version: 1,
      model: 'execution-agent',
      version: '1.1.0',
      created_at: '2026-11-26T07:35:00Z',
      run: '20261126-070000-weekly',
      artifact: { uri: artifact('model.json').uri, hash: MODEL_HASH, size: 345000, format: 'json' },
      metrics: run.metrics,
      slices: run.slices,
      architecture: { type: 'logistic-regression', framework: 'typescript' },
      lineage: { datasets: [{ name: 'test-executions', hash: DATA_HASH }] },
      features: ['test_execution_features'],
      change: { level: 'minor', reason: 'retrained on test-executions sha256:17151a67…' },
      card: 'model-cards/execution-agent/1.1.0.yaml',
    });
  });

  it('the card is built for the new version and its metrics are marked in the Markdown', () => {
    expect(r.card).toMatchObject({ model: 'execution-agent', version: '1.1.0' });
    expect(r.card.model_details).toMatchObject({ date: '2026-11-26', license: 'proprietary' });
    expect(r.card.limitations).toEqual(card1.limitations);
    expect(r.markdown).toContain('| accuracy | | 0.944 | ≥ 0.9 | ✅ |');
  });
});

describe('buildRegistration: versions and reasons', () => {
  it('a first version is 1.0.0, with a default card, and validates', () => {
    const fresh = { existing: [], production: undefined, previousCard: undefined };
    const r = buildRegistration(input({ ...fresh, retraining: undefined }));
    expect(r.version.version).toBe('1.0.0');
    expect(r.version.change).toEqual({ level: 'major', reason: 'first version' });
    expect(r.card.limitations).toEqual(['First version: no production history yet.']);
    expect(findingsOf(r.files)).toEqual([]);
  });

  it('a new architecture is a major version whose reason names old → new', () => {
    const r = buildRegistration(withRun({ architecture: { type: 'mlp', framework: 'pytorch' } }));
    expect(r.version.version).toBe('2.0.0');
    expect(r.version.change).toEqual({
      level: 'major',
      reason:
        'architecture changed from logistic-regression (typescript) in 1.0.0 to mlp (pytorch)',
    });
    expect(r.card.model_details).toMatchObject({ architecture: 'mlp', framework: 'pytorch' });
  });

  it('a patch bumps the patch number', () => {
    const r = buildRegistration(input({ patch: true }));
    expect(r.version.change).toEqual({ level: 'patch', reason: 'patch of 1.0.0' });
    expect(r.version.version).toBe('1.0.1');
  });

  it('the reason given wins, then the run’s trigger reason (when not blank)', () => {
    const triggered = { type: 'drift' as const, reason: 'critical PSI on duration_ms' };
    expect(buildRegistration(input({ reason: 'fix labels' })).version.change.reason).toBe(
      'fix labels',
    );
    expect(buildRegistration(withRun({ trigger: triggered })).version.change.reason).toBe(
      'critical PSI on duration_ms',
    );
    const blank = withRun({ trigger: { type: 'manual', reason: '  ' } });
    expect(buildRegistration(blank).version.change.reason).toMatch(/^retrained on /);
  });

  it('names the artifact format by its extension, or binary', () => {
    const formatOf = (name: string) =>
      buildRegistration(withRun({ artifacts: [artifact(name)] })).version.artifact.format;
    expect(formatOf('model.PT')).toBe('pt');
    expect(formatOf('out/model.tar.gz')).toBe('gz');
    expect(formatOf('weights')).toBe('binary');
    expect(formatOf('.model')).toBe('binary');
  });
});

const several = [artifact('model.onnx'), artifact('metrics.csv'), artifact('confusion.png')];

describe('buildRegistration: choosing the artifact', () => {
  it('takes the one named, the only one, or the only one named model*', () => {
    const pick = (over: Partial<RegistrationInput>) => buildRegistration(input(over)).version;
    expect(pick({ run: { ...run, artifacts: several } }).artifact.format).toBe('onnx');
    expect(
      pick({ run: { ...run, artifacts: several }, artifact: 'metrics.csv' }).artifact.uri,
    ).toMatch(/metrics\.csv$/);
  });
});

describe('buildRegistration: refusals', () => {
  const mlp = { type: 'mlp', framework: 'typescript' };
  const initial = { ...firstRun, architecture: v1.architecture };
  it.each<[string, RegistrationInput, RegistryErrorCode, RegExp]>([
    [
      'a run that did not succeed',
      withRun({ status: 'failed' }),
      'RUN_NOT_SUCCEEDED',
      /run 20261126-070000-weekly is failed, not succeeded/,
    ],
    [
      'a run of another model',
      withRun({ model: 'requirements-agent' }),
      'RUN_OTHER_MODEL',
      /trained requirements-agent, not execution-agent/,
    ],
    [
      'a run already registered, naming its version',
      input({ run: initial }),
      'ALREADY_REGISTERED',
      /run 20260106-020000-initial is already registered as execution-agent 1\.0\.0/,
    ],
    [
      'a run without its architecture',
      withRun({ architecture: undefined }),
      'NO_ARCHITECTURE',
      /\$MLOPS_RUN_DIR\/architecture\.json/,
    ],
    [
      'a run without the primary metric',
      withRun({ metrics: { precision: 0.9 } }),
      'MISSING_METRIC',
      /no accuracy or latency_p95_ms metric/,
    ],
    [
      'a run without latency_p95_ms',
      withRun({ metrics: { accuracy: 0.95 } }),
      'MISSING_METRIC',
      /no latency_p95_ms metric/,
    ],
    [
      'several artifacts that could be the model, listing them',
      withRun({ artifacts: [...several, artifact('model.pt')] }),
      'AMBIGUOUS_ARTIFACT',
      /several artifacts \(model\.onnx, metrics\.csv, confusion\.png, model\.pt\); name the one/,
    ],
    ['no artifact at all', withRun({ artifacts: [] }), 'NO_ARTIFACT', /stored no artifacts/],
    [
      'no artifact by the name given',
      input({ artifact: 'model.bin' }),
      'NO_ARTIFACT',
      /no artifact named model\.bin; it has: model\.json/,
    ],
    [
      'a patch that changes the architecture',
      { ...withRun({ architecture: mlp }), patch: true },
      'PATCH_CHANGES_ARCHITECTURE',
      /a patch cannot change the architecture/,
    ],
  ])('%s', (_title, refused, code, message) => {
    expectRefusal(() => buildRegistration(refused), code, message);
  });
});
