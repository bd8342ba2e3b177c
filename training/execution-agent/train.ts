/**
 * Trains the execution agent, a logistic regression that predicts whether a test execution
 * fails, through the tracking protocol: it reads the MLOPS_* environment variables and writes
 * metrics.jsonl, metrics.json, architecture.json and artifacts/model.json into the run
 * directory. Only Node built-ins are imported, so its esbuild bundle runs with plain `node`:
 *
 *   MLOPS_RUN_DIR=... MLOPS_PARAMS=... MLOPS_DATA_TEST_EXECUTIONS=... node dist/train.js
 *
 * With `MLOPS_FEATURES` (the model's feature view joined onto its labelled rows by
 * `mlops train`), it trains on that table instead.
 */
import { closeSync, existsSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { bestThreshold, classification, latencyP95Ms, rocAuc } from './evaluate.js';
import {
  TrainError,
  parseExecutions,
  readInput,
  readParams,
  requireEnv,
  seededRandom,
  splitRows,
  type Params,
} from './inputs.js';
import { FEATURE_NAMES, MODEL_FORMAT, MODEL_VERSION, SUITES } from './model.js';
import { predictProbability, rawFeatures, sigmoid, standardize } from './model.js';
import type { LogisticModel } from './model.js';

export { TrainError } from './inputs.js';

/** What one run produced, for callers such as the tests. */
export interface TrainResult {
  metrics: Record<string, number>;
  slices: Record<string, Record<string, number>>;
  model: LogisticModel;
  trainSize: number;
  testSize: number;
}

/** Appends JSON lines through a small buffer, so a reader can follow along; `close` flushes. */
class JsonLines {
  private readonly fd: number;
  private buffer: string[] = [];
  constructor(file: string) {
    this.fd = openSync(file, 'a');
  }
  append(value: object): void {
    this.buffer.push(JSON.stringify(value) + '\n');
    if (this.buffer.length >= 50) this.flush();
  }
  flush(): void {
    if (this.buffer.length) writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Full-batch gradient descent on the mean log loss plus an L2 penalty on the weights. Each
 * epoch logs the loss and the train accuracy (at 0.5) of the weights before its step.
 */
function fit(
  x: readonly number[][],
  y: readonly number[],
  params: Params,
  rnd: () => number,
  logEpoch: (epoch: number, loss: number, accuracy: number) => void,
): { weights: number[]; bias: number } {
  const n = x.length;
  const d = x[0]!.length;
  const weights = Array.from({ length: d }, () => (rnd() - 0.5) * 0.02);
  let bias = 0;
  for (let epoch = 1; epoch <= params.epochs; epoch++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = bias;
      for (let j = 0; j < d; j++) z += weights[j]! * xi[j]!;
      const p = sigmoid(z);
      const err = p - y[i]!;
      for (let j = 0; j < d; j++) grad[j]! += err * xi[j]!;
      gradBias += err;
      loss -= Math.log(Math.max(y[i] ? p : 1 - p, 1e-15));
      if ((p >= 0.5 ? 1 : 0) === y[i]) correct++;
    }
    const penalty = (params.l2 / 2) * weights.reduce((s, w) => s + w * w, 0);
    logEpoch(epoch, loss / n + penalty, correct / n);
    for (let j = 0; j < d; j++) {
      weights[j]! -= params.learning_rate * (grad[j]! / n + params.l2 * weights[j]!);
    }
    bias -= params.learning_rate * (gradBias / n);
  }
  return { weights, bias };
}

/** Runs the trainer with the given environment; throws TrainError on a bad input. */
export function main(
  env: Record<string, string | undefined>,
  log: (line: string) => void = console.log,
): TrainResult {
  const runDir = requireEnv(env, 'MLOPS_RUN_DIR');
  if (!existsSync(runDir)) throw new TrainError(`MLOPS_RUN_DIR: ${runDir} does not exist`);
  const params = readParams(requireEnv(env, 'MLOPS_PARAMS'));
  // the training table built through the feature view when the model names one (the same
  // columns, each feature as of its row's time), else the raw executions
  const source = env.MLOPS_FEATURES ? 'MLOPS_FEATURES' : 'MLOPS_DATA_TEST_EXECUTIONS';
  const dataFile = requireEnv(env, source);
  const rows = parseExecutions(readInput(dataFile, source), dataFile);

  const rnd = seededRandom(params.seed);
  const { train, test } = splitRows(rows, rnd);
  const rawTrain = train.map(rawFeatures);
  const means = FEATURE_NAMES.map((_, j) => mean(rawTrain.map((r) => r[j]!)));
  const stds = FEATURE_NAMES.map((_, j) => {
    const sd = Math.sqrt(mean(rawTrain.map((r) => (r[j]! - means[j]!) ** 2)));
    return sd > 1e-12 ? sd : 1; // a constant column is left unscaled
  });
  const x = rawTrain.map((r) => standardize(r, means, stds));
  const y = train.map((r) => (r.failed ? 1 : 0));
  log(
    `execution-agent: ${train.length} train / ${test.length} test rows, ` +
      `${FEATURE_NAMES.length} features, params ${JSON.stringify(params)}`,
  );

  const metricsLog = new JsonLines(path.join(runDir, 'metrics.jsonl'));
  const every = Math.max(1, Math.floor(params.epochs / 10));
  let fitted: { weights: number[]; bias: number };
  try {
    fitted = fit(x, y, params, rnd, (epoch, loss, accuracy) => {
      metricsLog.append({ step: epoch, loss: round(loss), train_accuracy: round(accuracy) });
      if (epoch === 1 || epoch % every === 0 || epoch === params.epochs) {
        log(
          `epoch ${epoch}/${params.epochs}  loss ${loss.toFixed(4)}  train accuracy ${accuracy.toFixed(4)}`,
        );
      }
    });
  } finally {
    metricsLog.close();
  }

  const model: LogisticModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    target: 'failed',
    features: FEATURE_NAMES.slice(),
    means,
    stds,
    ...fitted,
    threshold: 0.5,
  };
  // chosen on the train split; the test split is only ever scored
  model.threshold = bestThreshold(
    train.map((r) => predictProbability(model, r)),
    train.map((r) => r.failed),
  );

  const testProbs = test.map((r) => predictProbability(model, r));
  const labels = test.map((r) => r.failed);
  const predicted = testProbs.map((p) => p >= model.threshold);
  const failedShare = labels.filter(Boolean).length / test.length;
  const metrics: Record<string, number> = {
    ...classification(predicted, labels),
    auc: rocAuc(testProbs, labels),
    // what always predicting the majority class would score on the same split
    baseline_accuracy: Math.max(failedShare, 1 - failedShare),
  };
  for (const k of Object.keys(metrics)) metrics[k] = round(metrics[k]!);
  metrics.latency_p95_ms = latencyP95Ms((r) => predictProbability(model, r), test);
  const slices: Record<string, Record<string, number>> = {};
  for (const suite of SUITES) {
    const at = test.flatMap((r, i) => (r.suite === suite ? [i] : []));
    if (!at.length) continue;
    const s = classification(
      at.map((i) => predicted[i]!),
      at.map((i) => labels[i]!),
    );
    slices[suite] = { accuracy: round(s.accuracy), recall: round(s.recall) };
  }

  mkdirSync(path.join(runDir, 'artifacts'), { recursive: true });
  writeJson(path.join(runDir, 'artifacts', 'model.json'), model);
  writeJson(path.join(runDir, 'metrics.json'), { ...metrics, slices });
  writeJson(path.join(runDir, 'architecture.json'), {
    type: 'logistic-regression',
    framework: 'typescript',
  });
  log(
    `test accuracy ${metrics.accuracy} (majority class ${metrics.baseline_accuracy}), ` +
      `f1 ${metrics.f1}, auc ${metrics.auc}, threshold ${model.threshold.toFixed(4)}, ` +
      `latency p95 ${metrics.latency_p95_ms.toFixed(4)} ms`,
  );
  return { metrics, slices, model, trainSize: train.length, testSize: test.length };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** True when node was started with this file (or its bundle), not when it is imported. */
function startedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(path.resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (startedDirectly()) {
  try {
    main(process.env);
  } catch (e) {
    const input = e instanceof TrainError;
    const message = input ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`execution-agent: ${message}\n`);
    process.exitCode = input ? 2 : 1;
  }
}
