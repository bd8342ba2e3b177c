import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testExecutionsCsv } from '../../src/demo/datasets.js';
import { loadModel, predictProbability } from './model.js';
import { TrainError, main } from './train.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let tmp: string;
let dataFile: string;
let runs = 0;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'execution-agent-'));
  dataFile = path.join(tmp, 'test-executions.csv');
  writeFileSync(dataFile, testExecutionsCsv());
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh run directory with its params.json, and the environment the protocol gives. */
function runEnv(params: object): Record<string, string> {
  const runDir = path.join(tmp, `run-${++runs}`);
  mkdirSync(runDir);
  writeFileSync(path.join(runDir, 'params.json'), JSON.stringify(params));
  return {
    MLOPS_RUN_DIR: runDir,
    MLOPS_RUN_ID: `20261126-073500-execution-agent-${runs}`,
    MLOPS_PARAMS: path.join(runDir, 'params.json'),
    MLOPS_DATA_TEST_EXECUTIONS: dataFile,
  };
}

function train(params: object): string {
  const env = runEnv(params);
  main(env, () => {});
  return env.MLOPS_RUN_DIR!;
}

const read = (runDir: string, file: string): string =>
  readFileSync(path.join(runDir, file), 'utf8');
const json = (runDir: string, file: string): Record<string, unknown> =>
  JSON.parse(read(runDir, file)) as Record<string, unknown>;

describe('execution-agent trainer', () => {
  const params = { learning_rate: 0.1, epochs: 200, seed: 7 };
  let runDir: string;
  beforeAll(() => {
    runDir = train(params);
  });

  it('logs one metrics line per epoch', () => {
    const lines = read(runDir, 'metrics.jsonl').trimEnd().split('\n');
    expect(lines).toHaveLength(params.epochs);
    lines.forEach((line, i) => {
      const row = JSON.parse(line) as Record<string, number>;
      expect(Object.keys(row)).toEqual(['step', 'loss', 'train_accuracy']);
      expect(row.step).toBe(i + 1);
      expect(Number.isFinite(row.loss)).toBe(true);
      expect(row.train_accuracy).toBeGreaterThanOrEqual(0);
      expect(row.train_accuracy).toBeLessThanOrEqual(1);
    });
    const first = JSON.parse(lines[0]!) as { loss: number };
    const last = JSON.parse(lines.at(-1)!) as { loss: number };
    expect(last.loss).toBeLessThan(first.loss);
  });

  it('writes finite final metrics that beat the majority class', () => {
    const metrics = json(runDir, 'metrics.json');
    const { slices, ...flat } = metrics;
    for (const key of ['accuracy', 'precision', 'recall', 'f1', 'auc', 'latency_p95_ms']) {
      expect(flat).toHaveProperty(key);
    }
    for (const [name, value] of Object.entries(flat)) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(flat.latency_p95_ms).toBeGreaterThan(0);
    const outcomes = testExecutionsCsv().trim().split('\n').slice(1);
    const failed = outcomes.filter((l) => l.endsWith(',failed')).length / outcomes.length;
    expect(flat.accuracy).toBeGreaterThan(Math.max(failed, 1 - failed));
    expect(flat.accuracy).toBeGreaterThan(flat.baseline_accuracy as number);
    expect(flat.auc).toBeGreaterThan(0.7);
    expect(Object.keys(slices as object).sort()).toEqual(['api', 'ui', 'unit']);
    for (const slice of Object.values(slices as Record<string, Record<string, number>>)) {
      expect(Number.isFinite(slice.accuracy)).toBe(true);
    }
  });

  it('writes a model a server can load and score with, and its architecture', () => {
    const model = loadModel(read(runDir, 'artifacts/model.json'));
    const p = predictProbability(model, {
      suite: 'ui',
      execution_time_ms: 5200,
      pass_rate_7d: 0.4,
      flakiness_score: 0.6,
    });
    const q = predictProbability(model, {
      suite: 'ui',
      execution_time_ms: 300,
      pass_rate_7d: 1,
      flakiness_score: 0.01,
    });
    expect(p).toBeGreaterThan(q);
    expect(json(runDir, 'architecture.json')).toEqual({
      type: 'logistic-regression',
      framework: 'typescript',
    });
  });

  it('gives the same model and metrics for the same seed, and another split for another', () => {
    const again = train(params);
    expect(read(again, 'artifacts/model.json')).toBe(read(runDir, 'artifacts/model.json'));
    expect(read(again, 'metrics.jsonl')).toBe(read(runDir, 'metrics.jsonl'));
    const withoutLatency = (dir: string) => ({ ...json(dir, 'metrics.json'), latency_p95_ms: 0 });
    expect(withoutLatency(again)).toEqual(withoutLatency(runDir));

    const other = train({ ...params, seed: 8 });
    expect(read(other, 'artifacts/model.json')).not.toBe(read(runDir, 'artifacts/model.json'));
    const a = loadModel(read(runDir, 'artifacts/model.json'));
    const b = loadModel(read(other, 'artifacts/model.json'));
    expect(b.means).not.toEqual(a.means); // another 80 % went into training
  });

  it('fails clearly on a missing dataset variable or file', () => {
    const env = runEnv(params);
    expect(() => main({ ...env, MLOPS_DATA_TEST_EXECUTIONS: undefined }, () => {})).toThrow(
      new TrainError(
        'MLOPS_DATA_TEST_EXECUTIONS is not set; run this trainer through the tracking protocol',
      ),
    );
    const nowhere = path.join(tmp, 'nowhere.csv');
    expect(() => main({ ...env, MLOPS_DATA_TEST_EXECUTIONS: nowhere }, () => {})).toThrow(
      `MLOPS_DATA_TEST_EXECUTIONS: ${nowhere} does not exist`,
    );
  });

  it('runs as a bundle with plain node: exit 0, or 2 and one line on stderr', async () => {
    // packages external: an npm import would fail here, outside any node_modules
    const bundle = path.join(tmp, 'dist', 'train.js');
    await build({
      entryPoints: [path.join(here, 'train.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const env = runEnv({ epochs: 20 });
    const ok = spawnSync(process.execPath, [bundle], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/test accuracy/);
    expect(read(env.MLOPS_RUN_DIR!, 'metrics.jsonl').trimEnd().split('\n')).toHaveLength(20);

    const missing = { ...runEnv({}), MLOPS_DATA_TEST_EXECUTIONS: undefined };
    const bad = spawnSync(process.execPath, [bundle], { env: missing, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'execution-agent: MLOPS_DATA_TEST_EXECUTIONS is not set; run this trainer through the tracking protocol\n',
    );
  });
});
