/**
 * The trainer's inputs under the tracking protocol: environment variables, the params file
 * and the executions CSV, each checked so that a bad input fails with one clear line.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ExecutionRow } from './model.js';

/** A problem with the inputs: reported as one line on stderr, exit code 2. */
export class TrainError extends Error {}

export interface Params {
  learning_rate: number;
  epochs: number;
  seed: number;
  /** L2 penalty on the weights (not the bias). */
  l2: number;
}

export const DEFAULT_PARAMS: Params = { learning_rate: 0.1, epochs: 200, seed: 7, l2: 0.001 };

const COLUMNS = ['suite', 'execution_time_ms', 'pass_rate_7d', 'flakiness_score', 'outcome'];

export type LabelledRow = ExecutionRow & { failed: boolean };

export function requireEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) {
    throw new TrainError(`${name} is not set; run this trainer through the tracking protocol`);
  }
  return value;
}

export function readInput(file: string, what: string): string {
  if (!existsSync(file)) throw new TrainError(`${what}: ${file} does not exist`);
  return readFileSync(file, 'utf8');
}

/** Reads the params file; absent keys take their defaults, unknown keys are ignored. */
export function readParams(file: string): Params {
  let given: unknown;
  try {
    given = JSON.parse(readInput(file, 'MLOPS_PARAMS'));
  } catch (e) {
    if (e instanceof TrainError) throw e;
    throw new TrainError(`MLOPS_PARAMS: ${file} is not valid JSON`);
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TrainError('MLOPS_PARAMS: expected a JSON object');
  }
  const params = { ...DEFAULT_PARAMS };
  for (const key of Object.keys(DEFAULT_PARAMS) as (keyof Params)[]) {
    const v = (given as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new TrainError(`param ${key} must be a number >= 0; got ${JSON.stringify(v)}`);
    }
    params[key] = v;
  }
  if (!Number.isInteger(params.epochs) || params.epochs < 1) {
    throw new TrainError('param epochs must be a whole number >= 1');
  }
  return params;
}

/** Parses the executions CSV (plain comma-separated, no quoting; extra columns ignored). */
export function parseExecutions(text: string, file: string): LabelledRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const at = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, i) => at[i] === -1);
  if (missing.length) throw new TrainError(`${file}: missing column(s) ${missing.join(', ')}`);
  const [suite, time, pass, flaky, outcome] = at as [number, number, number, number, number];
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const num = (col: number): number => {
      const cell = cells[col]?.trim() ?? '';
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        throw new TrainError(`${file}:${i + 2}: ${header[col]} is not a number`);
      }
      return v;
    };
    const o = cells[outcome]?.trim();
    if (o !== 'passed' && o !== 'failed') {
      throw new TrainError(`${file}:${i + 2}: outcome must be passed or failed; got ${o}`);
    }
    return {
      suite: cells[suite]?.trim() ?? '',
      execution_time_ms: num(time),
      pass_rate_7d: num(pass),
      flakiness_score: num(flaky),
      failed: o === 'failed',
    };
  });
  if (rows.length < 10) throw new TrainError(`${file}: needs at least 10 rows; has ${rows.length}`);
  return rows;
}

/** mulberry32: small, fast and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher-Yates shuffle, then the first 80 % for training and the rest for test. */
export function splitRows<T>(rows: readonly T[], rnd: () => number): { train: T[]; test: T[] } {
  const order = rows.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.round(order.length * 0.8);
  return { train: order.slice(0, cut), test: order.slice(cut) };
}
