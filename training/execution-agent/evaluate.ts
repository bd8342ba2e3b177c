/** Scoring a binary classifier (positive class: the execution failed) and timing inference. */
import process from 'node:process';

/** The threshold that maximizes accuracy on the given scores (the train split's). */
export function bestThreshold(probs: readonly number[], labels: readonly boolean[]): number {
  const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const positives = labels.filter(Boolean).length;
  // predicting that nothing fails: every negative is right
  let correct = labels.length - positives;
  let best = { correct, threshold: 1 };
  for (let k = 1; k <= order.length; k++) {
    correct += labels[order[k - 1]!] ? 1 : -1;
    const here = probs[order[k - 1]!]!;
    const next = k < order.length ? probs[order[k]!]! : 0;
    if (k < order.length && next === here) continue; // cut only between distinct scores
    if (correct > best.correct) {
      best = { correct, threshold: k < order.length ? (here + next) / 2 : 0 };
    }
  }
  return best.threshold;
}

/** ROC AUC as the Mann-Whitney statistic, ties counting half; 0.5 with one class only. */
export function rocAuc(probs: readonly number[], labels: readonly boolean[]): number {
  const order = probs.map((_, i) => i).sort((a, b) => probs[a]! - probs[b]!);
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && probs[order[j + 1]!] === probs[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]!]) rankSum += rank;
    i = j + 1;
  }
  const pos = labels.filter(Boolean).length;
  const neg = labels.length - pos;
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : 0.5;
}

export interface Classification {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Accuracy, precision, recall and F1; a ratio with nothing to count is 0. */
export function classification(
  predicted: readonly boolean[],
  labels: readonly boolean[],
): Classification {
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
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const accuracy = labels.length ? (labels.length - fp - fn) / labels.length : 0;
  return { accuracy, precision, recall, f1 };
}

/**
 * p95 of the time of one call of `predict`, in milliseconds: each call is timed on its own
 * with the nanosecond clock, after a warm-up so the JIT has compiled it.
 */
export function latencyP95Ms<T>(predict: (row: T) => number, rows: readonly T[], calls = 1000) {
  let sink = 0; // used below so the calls cannot be optimized away
  for (let i = 0; i < 200; i++) sink += predict(rows[i % rows.length]!);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    sink += predict(rows[i % rows.length]!);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (!Number.isFinite(sink)) throw new Error('latency: a prediction was not finite');
  times.sort((a, b) => a - b);
  return times[Math.ceil(0.95 * times.length) - 1]!;
}
