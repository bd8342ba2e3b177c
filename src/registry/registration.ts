import {
  pathOfRecord,
  stringifyRecord,
  type GovernancePolicy,
  type Model,
  type ModelCard,
  type ModelVersion,
  type RetrainingPolicy,
  type Run,
} from '../records/index.js';
import { renderModelCardMarkdown, shortHash } from './card-markdown.js';
import { RegistryError } from './errors.js';
import { buildModelCard } from './model-card.js';
import { decideChange, type ChangeDecision } from './versioning.js';

export interface RegistrationInput {
  model: Model;
  run: Run;
  /** Every registered version of the model. */
  existing: ModelVersion[];
  /** The version in production, if any. */
  production?: string;
  /** The card of the version this one follows (its human-written sections carry over). */
  previousCard?: ModelCard;
  governance: GovernancePolicy;
  retraining?: RetrainingPolicy;
  now: Date;
  /** Register a fix as a patch instead of a minor retrain. */
  patch?: boolean;
  /** Why this version exists; defaults to the run's trigger reason, then to the bump's. */
  reason?: string;
  /** The name of the run artifact that is the model, when the run stored several. */
  artifact?: string;
}

export interface Registration {
  version: ModelVersion;
  card: ModelCard;
  markdown: string;
  /** Repository paths and contents to commit: version YAML, card YAML, card Markdown. */
  files: { path: string; content: string }[];
}

type RunArtifact = Run['artifacts'][number];

/**
 * Everything registering a run as a new model version writes, checked and built without
 * touching disk or clock: the ModelVersion, its ModelCard and the card's Markdown.
 * @example
 * const r = buildRegistration({ model, run, existing, production: '1.0.0', governance, now: new Date() });
 * r.version.version // '1.1.0'
 * r.files.map((f) => f.path)
 * // ['registry/models/execution-agent/versions/1.1.0.yaml', 'model-cards/execution-agent/1.1.0.yaml',
 * //  'model-cards/execution-agent/1.1.0.md']
 */
export function buildRegistration(input: RegistrationInput): Registration {
  const { model, run } = input;
  checkRun(input);
  const architecture = requireArchitecture(run);
  checkMetrics(model, run);
  const artifact = pickArtifact(run, input.artifact);
  const decision = decideChange({
    existing: input.existing,
    production: input.production,
    architecture,
    patch: input.patch,
  });
  const cardPath = `model-cards/${model.name}/${decision.version}`;
  const version: ModelVersion = {
    kind: 'ModelVersion',
    schema_version: 1,
    model: model.name,
    version: decision.version,
    created_at: input.now.toISOString().replace(/\.\d+Z$/, 'Z'),
    run: run.id,
    artifact: {
      uri: artifact.uri,
      hash: artifact.hash,
      size: artifact.size,
      format: formatOf(artifact.name),
    },
    metrics: { ...run.metrics },
    ...(run.slices && { slices: structuredClone(run.slices) }),
    architecture: { ...architecture },
    lineage: { datasets: run.inputs.datasets.map((d) => ({ name: d.name, hash: d.hash })) },
    features: [...new Set(run.inputs.features ?? [])],
    change: {
      level: decision.level,
      reason: nonBlank(input.reason) ?? nonBlank(run.trigger.reason) ?? reasonOf(decision, run),
    },
    card: `${cardPath}.yaml`,
  };
  const card = buildModelCard({ ...input, version: decision.version, architecture });
  const markdown = renderModelCardMarkdown(card, { version });
  return {
    version,
    card,
    markdown,
    files: [
      { path: pathOfRecord(version), content: stringifyRecord(version) },
      { path: pathOfRecord(card), content: stringifyRecord(card) },
      { path: `${cardPath}.md`, content: markdown },
    ],
  };
}

/** Refuses a run that cannot become a version of this model: unfinished, foreign or used. */
function checkRun({ model, run, existing }: RegistrationInput): void {
  if (run.status !== 'succeeded') {
    throw new RegistryError(
      'RUN_NOT_SUCCEEDED',
      `run ${run.id} is ${run.status}, not succeeded; only a succeeded run can be registered (train again)`,
      { run: run.id, status: run.status },
    );
  }
  if (run.model !== model.name) {
    throw new RegistryError(
      'RUN_OTHER_MODEL',
      `run ${run.id} trained ${run.model}, not ${model.name}; register it under ${run.model}`,
      { run: run.id, model: model.name, runModel: run.model },
    );
  }
  const registered = existing.find((v) => v.run === run.id);
  if (registered) {
    throw new RegistryError(
      'ALREADY_REGISTERED',
      `run ${run.id} is already registered as ${model.name} ${registered.version}; train a new run to register another version`,
      { run: run.id, version: registered.version },
    );
  }
}

/** Governance compares the primary metric and latency; a version without them cannot pass. */
function checkMetrics(model: Model, run: Run): void {
  const needed = [model.evaluation.primary_metric, 'latency_p95_ms'];
  const missing = [...new Set(needed)].filter((m) => !Object.hasOwn(run.metrics, m));
  if (missing.length) {
    throw new RegistryError(
      'MISSING_METRIC',
      `run ${run.id} has no ${missing.join(' or ')} metric, which governance needs; make the trainer report ${missing.length > 1 ? 'them' : 'it'}`,
      { run: run.id, missing },
    );
  }
}

function requireArchitecture(run: Run): NonNullable<Run['architecture']> {
  if (run.architecture) return run.architecture;
  throw new RegistryError(
    'NO_ARCHITECTURE',
    `run ${run.id} reported no architecture; the trainer writes $MLOPS_RUN_DIR/architecture.json ({"type": …, "framework": …})`,
    { run: run.id },
  );
}

/** The artifact named, else the only one, else the only one whose name starts with `model`. */
function pickArtifact(run: Run, name: string | undefined): RunArtifact {
  const names = run.artifacts.map((a) => a.name);
  if (name !== undefined) {
    const named = run.artifacts.find((a) => a.name === name);
    if (named) return named;
    throw new RegistryError(
      'NO_ARTIFACT',
      `run ${run.id} has no artifact named ${name}; it has: ${names.join(', ') || 'none'}`,
      { run: run.id, artifact: name, artifacts: names },
    );
  }
  if (run.artifacts.length === 0) {
    throw new RegistryError(
      'NO_ARTIFACT',
      `run ${run.id} stored no artifacts; the trainer must save the model in $MLOPS_RUN_DIR/artifacts`,
      { run: run.id, artifacts: [] },
    );
  }
  if (run.artifacts.length === 1) return run.artifacts[0]!;
  const models = run.artifacts.filter((a) => baseName(a.name).startsWith('model'));
  if (models.length === 1) return models[0]!;
  throw new RegistryError(
    'AMBIGUOUS_ARTIFACT',
    `run ${run.id} stored several artifacts (${names.join(', ')}); name the one that is the model`,
    { run: run.id, artifacts: names },
  );
}

/** `model.json` → `json`, `model.PT` → `pt`, `model` → `binary`. */
function formatOf(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : 'binary';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function nonBlank(text: string | undefined): string | undefined {
  return text?.trim() ? text.trim() : undefined;
}

/** The change reason when nobody gave one: what the bump means for this run. */
function reasonOf(decision: ChangeDecision, run: Run): string {
  if (decision.level !== 'minor') return decision.why;
  const data = run.inputs.datasets.map((d) => `${d.name} ${shortHash(d.hash)}`).join(', ');
  return data ? `retrained on ${data}` : decision.why;
}
