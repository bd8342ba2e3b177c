/**
 * Which models a push retrains, decided from the records alone (pure: the caller reads the
 * files at the two commits). A model retrains when its `training` block changed (a new model
 * counts) or when a dataset it trains on got a new `hash` in its pointer (`data/<name>.yaml`).
 * Edits outside `training` (description, owners, governance) retrain nothing.
 */
import { asRecord } from '../../../src/action-context/index.js';
import { fieldChanges, formatFieldPath, parseRecordFile } from '../../../src/records/index.js';

/** The registry as the plan sees it at one commit. */
export interface RegistrySide {
  /** Model name → its `training` block (a plain value). */
  training: Map<string, unknown>;
  /** Model name → the datasets it trains on. */
  datasets: Map<string, string[]>;
  /** Dataset name → the hash its pointer names. */
  hashes: Map<string, string>;
}

/** One model the push retrains, and why (one line per cause). */
export interface PlannedModel {
  model: string;
  reasons: string[];
}

const MODEL_FILE = /^registry\/models\/([^/]+)\/model\.yaml$/;
const DATASET_FILE = /^data\/([^/]+)\.yaml$/;

/**
 * Reads the model and dataset records of one commit. A file that does not parse throws with
 * its location (`onBroken: 'throw'`, for `after`: nothing could train from it) or is left out
 * (`'skip'`, for `before`: a model fixed by the push then counts as new).
 * @example
 * const side = registrySide(new Map([['registry/models/m/model.yaml', bytes]]));
 * side.training.get('m'); // { command: 'python train.py', params: { … }, … }
 */
export function registrySide(
  files: Map<string, Uint8Array>,
  onBroken: 'throw' | 'skip' = 'throw',
): RegistrySide {
  const side: RegistrySide = { training: new Map(), datasets: new Map(), hashes: new Map() };
  for (const [path, bytes] of files) {
    const model = MODEL_FILE.exec(path)?.[1];
    const dataset = DATASET_FILE.exec(path)?.[1];
    if (!model && !dataset) continue;
    const parsed = parseRecordFile(path, bytes);
    if (!parsed.ok) {
      if (onBroken === 'skip') continue;
      const f = parsed.findings[0]!;
      throw new Error(`${f.path}:${f.line}:${f.col}: ${f.rule}: ${f.message}`);
    }
    const value = parsed.file.value;
    if (model && value.kind === 'Model') {
      const training = asRecord(value.training);
      side.training.set(model, value.training);
      const inputs = asRecord(training.inputs).datasets;
      const names = Array.isArray(inputs) ? inputs.filter((x) => typeof x === 'string') : [];
      side.datasets.set(model, names);
    } else if (dataset && value.kind === 'Dataset' && typeof value.hash === 'string') {
      side.hashes.set(typeof value.name === 'string' ? value.name : dataset, value.hash);
    }
  }
  return side;
}

/**
 * The models to retrain from `before` to `after`, by name, each with its reasons.
 * `before` undefined (a push that created the branch) makes every model new.
 * @example
 * planRetrains(before, after)
 * // [{ model: 'execution-agent', reasons: ['training.params.learning_rate: 0.1 → 0.05'] }]
 */
export function planRetrains(
  before: RegistrySide | undefined,
  after: RegistrySide,
): PlannedModel[] {
  const out: PlannedModel[] = [];
  for (const [model, training] of [...after.training].sort(([a], [b]) => a.localeCompare(b))) {
    const reasons: string[] = [];
    if (!before?.training.has(model)) {
      reasons.push('new model');
    } else {
      for (const c of fieldChanges(before.training.get(model), training, ['training'])) {
        reasons.push(`${formatFieldPath(c.path)}: ${show(c.before)} → ${show(c.after)}`);
      }
    }
    for (const name of after.datasets.get(model) ?? []) {
      const hash = after.hashes.get(name);
      const old = before?.hashes.get(name);
      if (hash === undefined || hash === old) continue;
      reasons.push(`dataset ${name}: ${old ? shortHash(old) : 'new'} → ${shortHash(hash)}`);
    }
    if (reasons.length) out.push({ model, reasons });
  }
  return out;
}

/**
 * The job summary of a plan: which models, and why.
 * @example
 * planSummary([{ model: 'm', reasons: ['new model'] }], 'push 1a2b3c4..5d6e7f8')
 * // '### Training plan\n\npush 1a2b3c4..5d6e7f8 retrains 1 model:\n\n- **m**: new model\n'
 */
export function planSummary(plan: PlannedModel[], source: string): string {
  const head = '### Training plan\n\n';
  if (!plan.length) {
    return `${head}${escapeMd(source)} changes no model's \`training\` block and no dataset a model trains on: nothing to retrain.\n`;
  }
  const n = `${plan.length} model${plan.length === 1 ? '' : 's'}`;
  const items = plan.map((p) => `- **${p.model}**: ${p.reasons.map(escapeMd).join('; ')}\n`);
  return `${head}${escapeMd(source)} retrains ${n}:\n\n${items.join('')}`;
}

/**
 * The reason a planned model's Run records (its trigger reason): the causes in one line.
 * @example
 * runReason({ model: 'm', reasons: ['new model'] }, '5d6e7f8') // 'push 5d6e7f8: new model'
 */
export function runReason(p: PlannedModel, commit: string): string {
  return `push ${commit}: ${p.reasons.join('; ')}`;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = JSON.stringify(v);
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

function shortHash(hash: string): string {
  const [algo, hex = ''] = hash.split(':');
  return hex ? `${algo}:${hex.slice(0, 8)}` : hash.slice(0, 15);
}

/** Keeps `<`, `>`, `&` and `|` literal in Markdown (a summary is Markdown with HTML). */
export function escapeMd(text: string): string {
  return text.replace(/[&<>|]/g, (c) => `&#${c.charCodeAt(0)};`);
}
