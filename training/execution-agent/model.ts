/**
 * The execution agent's model: a logistic regression that scores how likely a test execution
 * is to fail. The feature transform lives here, not in the trainer, so that training and
 * serving turn a row into numbers the same way. Only Node built-ins may be imported: the
 * trainer is bundled into one file and run with plain `node` in any repository.
 */

/** The inputs of one test execution, as the CSV (or a serving request) gives them. */
export interface ExecutionRow {
  suite: string;
  execution_time_ms: number;
  pass_rate_7d: number;
  flakiness_score: number;
}

export const MODEL_FORMAT = 'mlops-logistic-regression';
export const MODEL_VERSION = 1;

export const SUITES = ['api', 'ui', 'unit'] as const;

/** Runs slower than this count as slow; slow runs fail a little more often. */
export const SLOW_RUN_MS = 4000;

/** The engineered features, in the order of the weights. */
export const FEATURE_NAMES = [
  'pass_rate_7d',
  'flakiness_score',
  'log_execution_time_ms',
  'slow_run',
  ...SUITES.map((s) => `suite_${s}`),
];

/** What `artifacts/model.json` holds. */
export interface LogisticModel {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  /** What the model predicts: the probability that the execution's outcome is `failed`. */
  target: 'failed';
  features: string[];
  /** Train-set mean and standard deviation of each feature, for standardizing. */
  means: number[];
  stds: number[];
  weights: number[];
  bias: number;
  /** Probabilities at or above this are predicted `failed`. */
  threshold: number;
}

/**
 * The raw (unstandardized) features of a row. An unknown suite gets all-zero one-hot
 * columns rather than an error, so a server can still score it.
 */
export function rawFeatures(row: ExecutionRow): number[] {
  return [
    row.pass_rate_7d,
    row.flakiness_score,
    Math.log1p(Math.max(0, row.execution_time_ms)),
    row.execution_time_ms > SLOW_RUN_MS ? 1 : 0,
    ...SUITES.map((s) => (row.suite === s ? 1 : 0)),
  ];
}

/** Standardizes raw features with the model's train-set statistics. */
export function standardize(
  raw: readonly number[],
  means: readonly number[],
  stds: readonly number[],
): number[] {
  return raw.map((x, i) => (x - means[i]!) / stds[i]!);
}

export function sigmoid(z: number): number {
  // the two branches keep exp() from overflowing for large |z|
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** The probability that the execution fails. */
export function predictProbability(model: LogisticModel, row: ExecutionRow): number {
  const raw = rawFeatures(row);
  let z = model.bias;
  for (let i = 0; i < raw.length; i++) {
    z += model.weights[i]! * ((raw[i]! - model.means[i]!) / model.stds[i]!);
  }
  return sigmoid(z);
}

/** Whether the model predicts `failed` for the row. */
export function predictFailed(model: LogisticModel, row: ExecutionRow): boolean {
  return predictProbability(model, row) >= model.threshold;
}

/**
 * Reads `artifacts/model.json` (its text, or its already parsed value) and checks it is a
 * model this code can score with.
 * @throws Error naming what is wrong
 */
export function loadModel(json: unknown): LogisticModel {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (typeof value !== 'object' || value === null) throw new Error('model: expected a JSON object');
  const m = value as Partial<Record<keyof LogisticModel, unknown>>;
  if (m.format !== MODEL_FORMAT || m.version !== MODEL_VERSION) {
    throw new Error(
      `model: expected format ${MODEL_FORMAT} version ${MODEL_VERSION}; got ${String(m.format)} version ${String(m.version)}`,
    );
  }
  const n = FEATURE_NAMES.length;
  const features = m.features;
  if (!Array.isArray(features) || features.join(',') !== FEATURE_NAMES.join(',')) {
    throw new Error(`model: features must be ${FEATURE_NAMES.join(', ')}`);
  }
  const vector = (name: 'means' | 'stds' | 'weights'): number[] => {
    const v = m[name];
    if (
      !Array.isArray(v) ||
      v.length !== n ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw new Error(`model: ${name} must be ${n} finite numbers`);
    }
    return v as number[];
  };
  const scalar = (name: 'bias' | 'threshold'): number => {
    const v = m[name];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`model: ${name} must be a finite number`);
    return v;
  };
  const stds = vector('stds');
  if (stds.some((s) => s <= 0)) throw new Error('model: stds must be positive');
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    target: 'failed',
    features: FEATURE_NAMES.slice(),
    means: vector('means'),
    stds,
    weights: vector('weights'),
    bias: scalar('bias'),
    threshold: scalar('threshold'),
  };
}
