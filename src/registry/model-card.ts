import type {
  GovernancePolicy,
  Model,
  ModelCard,
  RetrainingPolicy,
  Run,
} from '../records/index.js';
import type { Architecture } from './versioning.js';

export interface ModelCardInput {
  model: Model;
  version: string;
  run: Run;
  architecture: Architecture;
  /** The card of the version this one follows; its human-written sections carry over. */
  previousCard?: ModelCard;
  governance: GovernancePolicy;
  retraining?: RetrainingPolicy;
  now: Date;
}

type CardMetric = ModelCard['metrics'][number];
type DataRef = ModelCard['training_data'][number];

/** The default limitation of a first card; dropped once a later card carries the rest over. */
export const FIRST_VERSION_LIMITATION = 'First version: no production history yet.';

/**
 * The model card of a new version, after "Model Cards for Model Reporting" (Mitchell et al.).
 * Facts (details, metrics, data, retraining) come from the model, run and policies; the
 * sections people write (intended use, factors, limitations, ethics, caveats) carry over from
 * the previous card, or start as short, honest defaults.
 * @example
 * buildModelCard({ model, version: '1.1.0', run, architecture: run.architecture!,
 *   previousCard, governance, retraining, now: new Date('2026-11-26T07:35:00Z') })
 * // { kind: 'ModelCard', model: 'execution-agent', version: '1.1.0', model_details: { date: '2026-11-26', … }, … }
 */
export function buildModelCard(input: ModelCardInput): ModelCard {
  const { model, run, previousCard: prev } = input;
  const license = prev?.model_details.license;
  const references = prev?.model_details.references;
  return {
    kind: 'ModelCard',
    schema_version: 1,
    model: model.name,
    version: input.version,
    model_details: {
      description: model.description,
      architecture: input.architecture.type,
      framework: input.architecture.framework,
      owners: [...model.owners],
      date: input.now.toISOString().slice(0, 10),
      ...(license !== undefined && { license }),
      ...(references !== undefined && { references: [...references] }),
    },
    intended_use: prev
      ? structuredClone(prev.intended_use)
      : {
          primary_uses: [`${model.description.replace(/\.$/, '')} (${model.task}).`],
          primary_users: [...model.owners],
          out_of_scope: [`Uses other than ${model.task} have not been evaluated.`],
        },
    factors: prev
      ? [...prev.factors]
      : Object.keys(run.slices ?? {})
          .sort()
          .map(factorOfSlice),
    metrics: cardMetrics(model, run, input.governance),
    evaluation_data: dataRefs(run, prev?.evaluation_data),
    training_data: dataRefs(run, prev?.training_data),
    limitations: prev
      ? prev.limitations.filter((l) => l !== FIRST_VERSION_LIMITATION)
      : defaultLimitations(run),
    ethical_considerations: prev
      ? [...prev.ethical_considerations]
      : ['No ethical review recorded yet.'],
    ...(prev?.caveats !== undefined && { caveats: [...prev.caveats] }),
    retraining: retrainingOf(input.retraining),
  };
}

/** `suite:api` → `suite: api`; a plain slice name `api` → `slice: api`. */
function factorOfSlice(slice: string): string {
  const colon = slice.indexOf(':');
  return colon > 0 ? `${slice.slice(0, colon)}: ${slice.slice(colon + 1)}` : `slice: ${slice}`;
}

function defaultLimitations(run: Run): string[] {
  const out = [FIRST_VERSION_LIMITATION];
  if (!run.slices || Object.keys(run.slices).length === 0) {
    out.push('No slice metrics: performance across groups is unmeasured.');
  }
  return out;
}

/** Overall metrics by name, then slice metrics by slice and name; governed ones with thresholds. */
function cardMetrics(model: Model, run: Run, policy: GovernancePolicy): CardMetric[] {
  const overrides = model.governance;
  const thresholds = new Map<string, Pick<CardMetric, 'threshold' | 'direction'>>([
    [
      'accuracy',
      { threshold: overrides?.min_accuracy ?? policy.checks.min_accuracy, direction: 'min' },
    ],
    [
      'latency_p95_ms',
      {
        threshold: overrides?.max_latency_p95_ms ?? policy.checks.max_latency_p95_ms,
        direction: 'max',
      },
    ],
  ]);
  const overall = sortedEntries(run.metrics).map(([name, value]) => ({
    name,
    value,
    ...thresholds.get(name),
  }));
  const slices = sortedEntries(run.slices ?? {}).flatMap(([slice, metrics]) =>
    sortedEntries(metrics).map(([name, value]) => ({ name, value, slice })),
  );
  return [...overall, ...slices];
}

/** The run's datasets; a description the previous card gave the same dataset is kept. */
function dataRefs(run: Run, previous: DataRef[] = []): DataRef[] {
  return run.inputs.datasets.map((d) => {
    const description = previous.find((p) => p.dataset === d.name)?.description;
    return { dataset: d.name, hash: d.hash, ...(description !== undefined && { description }) };
  });
}

function retrainingOf(policy: RetrainingPolicy | undefined): ModelCard['retraining'] {
  if (!policy) return { schedule: 'on demand', triggers: ['on demand'] };
  const triggers = [`${cadenceOf(policy.schedule)} (${policy.schedule})`];
  if (policy.on_critical_drift) triggers.push('critical drift');
  triggers.push(`warning drift (retrain within ${policy.warning_deadline})`);
  if (policy.on_demand) triggers.push('on demand');
  return { schedule: policy.schedule, triggers };
}

/** A cron expression's cadence in words: `0 2 * * 0` → `weekly schedule`; else `schedule`. */
function cadenceOf(cron: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.trim().split(/\s+/);
  const at = (f: string | undefined) => f !== undefined && /^\d+$/.test(f);
  const every = (f: string | undefined) => f === '*';
  if (!every(month)) return 'schedule';
  if (at(minute) && every(hour) && every(dayOfMonth) && every(dayOfWeek)) return 'hourly schedule';
  if (!at(minute) || !at(hour)) return 'schedule';
  if (every(dayOfMonth) && every(dayOfWeek)) return 'daily schedule';
  if (every(dayOfMonth) && /^([0-7]|[A-Za-z]{3})$/.test(dayOfWeek ?? '')) return 'weekly schedule';
  if (at(dayOfMonth) && every(dayOfWeek)) return 'monthly schedule';
  return 'schedule';
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  // code-unit order, not locale order: the same card on every machine
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
