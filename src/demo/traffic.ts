/**
 * Simulated production traffic for the demo's rollout: real requests (test executions from
 * the same generator as the training data, a later stretch of it) scored by the two real
 * model artifacts, each request sent to one arm the way the rendered nginx split does it —
 * sticky by a key salted with the rollout id, the candidate taking the first `weight` % —
 * and counted into the per-arm buckets the `file` metrics provider reads.
 */
import { performance } from 'node:perf_hooks';
import { parseExecutions, type LabelledRow } from '../../training/execution-agent/inputs.js';
import {
  loadModel,
  predictFailed,
  type LogisticModel,
} from '../../training/execution-agent/model.js';
import { DEFAULT_LATENCY_BOUNDS_MS, type Arm, type MetricsBucket } from '../rollout/index.js';
import { testExecutionsCsv } from './datasets.js';

/** One arm of the serving fleet: a version and the model it scores with. */
export interface ServingArm {
  version: string;
  model: LogisticModel;
}

/** Reads a model artifact's text into a serving arm (throws on an artifact it cannot score with). */
export function servingArm(version: string, artifactText: string): ServingArm {
  return { version, model: loadModel(artifactText) };
}

/**
 * Production requests: executions from the example generator with another seed, dated after
 * the training data, with their real outcomes (the labels arrive later, as CI results do).
 * The rollout serves them an hour at a time, wrapping around when it runs out.
 */
export function productionRequests(count = 60_000, seed = 2026): LabelledRow[] {
  return parseExecutions(testExecutionsCsv(count, seed, Date.UTC(2026, 2, 1)), 'production');
}

/** FNV-1a, 32 bits: a stable hash of the salted key, spread over 10,000 buckets like nginx's. */
function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 10_000;
}

/** Which arm a request key goes to at a weight: the same key always to the same arm. */
export function armOf(rolloutId: string, key: string, weight: number): Arm {
  return bucketOf(`${rolloutId}:${key}`) < Math.round(weight * 100) ? 'candidate' : 'baseline';
}

export interface HourOfTraffic {
  ts: Date;
  rolloutId: string;
  /** Percent of keys to the candidate. */
  weight: number;
  baseline: ServingArm;
  candidate: ServingArm;
  /** The requests of this hour; each pipeline (key) sends 20 of them. */
  requests: readonly LabelledRow[];
  /** Numbering of the hour's first request, so keys keep counting across hours. */
  firstRequest: number;
}

/**
 * Serves one hour of requests and returns one bucket per arm that got any: requests, errors
 * (a prediction that throws), labelled and correct outcomes, and the measured scoring time
 * as a latency histogram.
 */
export function serveHour(h: HourOfTraffic): MetricsBucket[] {
  const bounds = [...DEFAULT_LATENCY_BOUNDS_MS];
  const tally = (arm: Arm, version: string) => ({
    ts: h.ts,
    arm,
    version,
    requests: 0,
    errors: 0,
    labelled: 0,
    correct: 0,
    latency: { bounds, counts: new Array<number>(bounds.length + 1).fill(0) },
  });
  const arms = {
    baseline: tally('baseline', h.baseline.version),
    candidate: tally('candidate', h.candidate.version),
  };
  h.requests.forEach((row, i) => {
    const key = `pipeline-${Math.floor((h.firstRequest + i) / 20)}`;
    const arm = armOf(h.rolloutId, key, h.weight);
    const t = arms[arm];
    const started = performance.now();
    t.requests++;
    try {
      const failed = predictFailed(h[arm].model, row);
      t.labelled++;
      if (failed === row.failed) t.correct++;
    } catch {
      t.errors++;
    }
    const ms = performance.now() - started;
    const slot = bounds.findIndex((b) => ms <= b);
    t.latency.counts[slot === -1 ? bounds.length : slot]!++;
  });
  return [arms.baseline, arms.candidate].filter((b) => b.requests > 0);
}
