import { createRequire as __mlopsCreateRequire } from 'node:module';
const require = __mlopsCreateRequire(import.meta.url);

// training/execution-agent/train.ts
import { closeSync, existsSync as existsSync2, mkdirSync, openSync, realpathSync } from "node:fs";
import { writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import process2 from "node:process";
import { fileURLToPath } from "node:url";

// training/execution-agent/evaluate.ts
import process from "node:process";
function bestThreshold(probs, labels) {
  const order = probs.map((_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  const positives = labels.filter(Boolean).length;
  let correct = labels.length - positives;
  let best = { correct, threshold: 1 };
  for (let k = 1; k <= order.length; k++) {
    correct += labels[order[k - 1]] ? 1 : -1;
    const here = probs[order[k - 1]];
    const next = k < order.length ? probs[order[k]] : 0;
    if (k < order.length && next === here) continue;
    if (correct > best.correct) {
      best = { correct, threshold: k < order.length ? (here + next) / 2 : 0 };
    }
  }
  return best.threshold;
}
function rocAuc(probs, labels) {
  const order = probs.map((_, i) => i).sort((a, b) => probs[a] - probs[b]);
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && probs[order[j + 1]] === probs[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]]) rankSum += rank;
    i = j + 1;
  }
  const pos = labels.filter(Boolean).length;
  const neg = labels.length - pos;
  return pos && neg ? (rankSum - pos * (pos + 1) / 2) / (pos * neg) : 0.5;
}
function classification(predicted, labels) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  labels.forEach((y, i) => {
    if (predicted[i] && y) tp++;
    else if (predicted[i]) fp++;
    else if (y) fn++;
  });
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? 2 * precision * recall / (precision + recall) : 0;
  const accuracy = labels.length ? (labels.length - fp - fn) / labels.length : 0;
  return { accuracy, precision, recall, f1 };
}
function latencyP95Ms(predict, rows, calls = 1e3) {
  let sink = 0;
  for (let i = 0; i < 200; i++) sink += predict(rows[i % rows.length]);
  const times = [];
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    sink += predict(rows[i % rows.length]);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (!Number.isFinite(sink)) throw new Error("latency: a prediction was not finite");
  times.sort((a, b) => a - b);
  return times[Math.ceil(0.95 * times.length) - 1];
}

// training/execution-agent/inputs.ts
import { existsSync, readFileSync } from "node:fs";
var TrainError = class extends Error {
};
var DEFAULT_PARAMS = { learning_rate: 0.1, epochs: 200, seed: 7, l2: 1e-3 };
var COLUMNS = ["suite", "execution_time_ms", "pass_rate_7d", "flakiness_score", "outcome"];
function requireEnv(env, name) {
  const value = env[name];
  if (!value) {
    throw new TrainError(`${name} is not set; run this trainer through the tracking protocol`);
  }
  return value;
}
function readInput(file, what) {
  if (!existsSync(file)) throw new TrainError(`${what}: ${file} does not exist`);
  return readFileSync(file, "utf8");
}
function readParams(file) {
  let given;
  try {
    given = JSON.parse(readInput(file, "MLOPS_PARAMS"));
  } catch (e) {
    if (e instanceof TrainError) throw e;
    throw new TrainError(`MLOPS_PARAMS: ${file} is not valid JSON`);
  }
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw new TrainError("MLOPS_PARAMS: expected a JSON object");
  }
  const params = { ...DEFAULT_PARAMS };
  for (const key of Object.keys(DEFAULT_PARAMS)) {
    const v = given[key];
    if (v === void 0) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new TrainError(`param ${key} must be a number >= 0; got ${JSON.stringify(v)}`);
    }
    params[key] = v;
  }
  if (!Number.isInteger(params.epochs) || params.epochs < 1) {
    throw new TrainError("param epochs must be a whole number >= 1");
  }
  return params;
}
function parseExecutions(text, file) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  const at = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, i) => at[i] === -1);
  if (missing.length) throw new TrainError(`${file}: missing column(s) ${missing.join(", ")}`);
  const [suite, time, pass, flaky, outcome] = at;
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(",");
    const num = (col) => {
      const cell = cells[col]?.trim() ?? "";
      const v = Number(cell);
      if (cell === "" || !Number.isFinite(v)) {
        throw new TrainError(`${file}:${i + 2}: ${header[col]} is not a number`);
      }
      return v;
    };
    const o = cells[outcome]?.trim();
    if (o !== "passed" && o !== "failed") {
      throw new TrainError(`${file}:${i + 2}: outcome must be passed or failed; got ${o}`);
    }
    return {
      suite: cells[suite]?.trim() ?? "",
      execution_time_ms: num(time),
      pass_rate_7d: num(pass),
      flakiness_score: num(flaky),
      failed: o === "failed"
    };
  });
  if (rows.length < 10) throw new TrainError(`${file}: needs at least 10 rows; has ${rows.length}`);
  return rows;
}
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function splitRows(rows, rnd) {
  const order = rows.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cut = Math.round(order.length * 0.8);
  return { train: order.slice(0, cut), test: order.slice(cut) };
}

// training/execution-agent/model.ts
var MODEL_FORMAT = "mlops-logistic-regression";
var MODEL_VERSION = 1;
var SUITES = ["api", "ui", "unit"];
var SLOW_RUN_MS = 4e3;
var FEATURE_NAMES = [
  "pass_rate_7d",
  "flakiness_score",
  "log_execution_time_ms",
  "slow_run",
  ...SUITES.map((s) => `suite_${s}`)
];
function rawFeatures(row) {
  return [
    row.pass_rate_7d,
    row.flakiness_score,
    Math.log1p(Math.max(0, row.execution_time_ms)),
    row.execution_time_ms > SLOW_RUN_MS ? 1 : 0,
    ...SUITES.map((s) => row.suite === s ? 1 : 0)
  ];
}
function standardize(raw, means, stds) {
  return raw.map((x, i) => (x - means[i]) / stds[i]);
}
function sigmoid(z) {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
function predictProbability(model, row) {
  const raw = rawFeatures(row);
  let z = model.bias;
  for (let i = 0; i < raw.length; i++) {
    z += model.weights[i] * ((raw[i] - model.means[i]) / model.stds[i]);
  }
  return sigmoid(z);
}

// training/execution-agent/train.ts
var JsonLines = class {
  fd;
  buffer = [];
  constructor(file) {
    this.fd = openSync(file, "a");
  }
  append(value) {
    this.buffer.push(JSON.stringify(value) + "\n");
    if (this.buffer.length >= 50) this.flush();
  }
  flush() {
    if (this.buffer.length) writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
};
var round = (x) => Math.round(x * 1e6) / 1e6;
function fit(x, y, params, rnd, logEpoch) {
  const n = x.length;
  const d = x[0].length;
  const weights = Array.from({ length: d }, () => (rnd() - 0.5) * 0.02);
  let bias = 0;
  for (let epoch = 1; epoch <= params.epochs; epoch++) {
    const grad = new Array(d).fill(0);
    let gradBias = 0;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      let z = bias;
      for (let j = 0; j < d; j++) z += weights[j] * xi[j];
      const p = sigmoid(z);
      const err = p - y[i];
      for (let j = 0; j < d; j++) grad[j] += err * xi[j];
      gradBias += err;
      loss -= Math.log(Math.max(y[i] ? p : 1 - p, 1e-15));
      if ((p >= 0.5 ? 1 : 0) === y[i]) correct++;
    }
    const penalty = params.l2 / 2 * weights.reduce((s, w) => s + w * w, 0);
    logEpoch(epoch, loss / n + penalty, correct / n);
    for (let j = 0; j < d; j++) {
      weights[j] -= params.learning_rate * (grad[j] / n + params.l2 * weights[j]);
    }
    bias -= params.learning_rate * (gradBias / n);
  }
  return { weights, bias };
}
function main(env, log = console.log) {
  const runDir = requireEnv(env, "MLOPS_RUN_DIR");
  if (!existsSync2(runDir)) throw new TrainError(`MLOPS_RUN_DIR: ${runDir} does not exist`);
  const params = readParams(requireEnv(env, "MLOPS_PARAMS"));
  const source = env.MLOPS_FEATURES ? "MLOPS_FEATURES" : "MLOPS_DATA_TEST_EXECUTIONS";
  const dataFile = requireEnv(env, source);
  const rows = parseExecutions(readInput(dataFile, source), dataFile);
  const rnd = seededRandom(params.seed);
  const { train, test } = splitRows(rows, rnd);
  const rawTrain = train.map(rawFeatures);
  const means = FEATURE_NAMES.map((_, j) => mean(rawTrain.map((r) => r[j])));
  const stds = FEATURE_NAMES.map((_, j) => {
    const sd = Math.sqrt(mean(rawTrain.map((r) => (r[j] - means[j]) ** 2)));
    return sd > 1e-12 ? sd : 1;
  });
  const x = rawTrain.map((r) => standardize(r, means, stds));
  const y = train.map((r) => r.failed ? 1 : 0);
  log(
    `execution-agent: ${train.length} train / ${test.length} test rows, ${FEATURE_NAMES.length} features, params ${JSON.stringify(params)}`
  );
  const metricsLog = new JsonLines(path.join(runDir, "metrics.jsonl"));
  const every = Math.max(1, Math.floor(params.epochs / 10));
  let fitted;
  try {
    fitted = fit(x, y, params, rnd, (epoch, loss, accuracy) => {
      metricsLog.append({ step: epoch, loss: round(loss), train_accuracy: round(accuracy) });
      if (epoch === 1 || epoch % every === 0 || epoch === params.epochs) {
        log(
          `epoch ${epoch}/${params.epochs}  loss ${loss.toFixed(4)}  train accuracy ${accuracy.toFixed(4)}`
        );
      }
    });
  } finally {
    metricsLog.close();
  }
  const model = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    target: "failed",
    features: FEATURE_NAMES.slice(),
    means,
    stds,
    ...fitted,
    threshold: 0.5
  };
  model.threshold = bestThreshold(
    train.map((r) => predictProbability(model, r)),
    train.map((r) => r.failed)
  );
  const testProbs = test.map((r) => predictProbability(model, r));
  const labels = test.map((r) => r.failed);
  const predicted = testProbs.map((p) => p >= model.threshold);
  const failedShare = labels.filter(Boolean).length / test.length;
  const metrics = {
    ...classification(predicted, labels),
    auc: rocAuc(testProbs, labels),
    // what always predicting the majority class would score on the same split
    baseline_accuracy: Math.max(failedShare, 1 - failedShare)
  };
  for (const k of Object.keys(metrics)) metrics[k] = round(metrics[k]);
  metrics.latency_p95_ms = latencyP95Ms((r) => predictProbability(model, r), test);
  const slices = {};
  for (const suite of SUITES) {
    const at = test.flatMap((r, i) => r.suite === suite ? [i] : []);
    if (!at.length) continue;
    const s = classification(
      at.map((i) => predicted[i]),
      at.map((i) => labels[i])
    );
    slices[suite] = { accuracy: round(s.accuracy), recall: round(s.recall) };
  }
  mkdirSync(path.join(runDir, "artifacts"), { recursive: true });
  writeJson(path.join(runDir, "artifacts", "model.json"), model);
  writeJson(path.join(runDir, "metrics.json"), { ...metrics, slices });
  writeJson(path.join(runDir, "architecture.json"), {
    type: "logistic-regression",
    framework: "typescript"
  });
  log(
    `test accuracy ${metrics.accuracy} (majority class ${metrics.baseline_accuracy}), f1 ${metrics.f1}, auc ${metrics.auc}, threshold ${model.threshold.toFixed(4)}, latency p95 ${metrics.latency_p95_ms.toFixed(4)} ms`
  );
  return { metrics, slices, model, trainSize: train.length, testSize: test.length };
}
function mean(values) {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
function writeJson(file, value) {
  writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}
function startedDirectly() {
  const script = process2.argv[1];
  if (!script) return false;
  try {
    return realpathSync(path.resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (startedDirectly()) {
  try {
    main(process2.env);
  } catch (e) {
    const input = e instanceof TrainError;
    const message = input ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
    process2.stderr.write(`execution-agent: ${message}
`);
    process2.exitCode = input ? 2 : 1;
  }
}
export {
  TrainError,
  main
};
