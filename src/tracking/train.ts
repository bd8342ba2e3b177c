import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureToolDir, writeAtomic, type DataWorkspace } from '../data/index.js';
import {
  durationMs,
  loadRecord,
  pathOfRecord,
  precompileSchemas,
  stringifyRecord,
  type Model,
  type Run,
} from '../records/index.js';
import { openRepo, readWorktreeRecord, resolveRef } from '../repo/index.js';
import { listFiles, storeFiles, type StoredFile } from './artifacts.js';
import { captureEnvironment, type HostFacts } from './environment.js';
import { TrackingError } from './errors.js';
import { queryGpus, type Exec, type Gpu } from './gpus.js';
import { metricHistoryIpc } from './history-arrow.js';
import { prepareInputs } from './inputs.js';
import type { TrainingFeatures } from '../features/training.js';
import { FileTail } from './metrics-tail.js';
import { MetricsLog, parseFinalMetrics, type FinalMetrics } from './metrics-log.js';
import { LastLines } from './output-lines.js';
import { describeExit, runProcess, signalOf, type ProcessOptions } from './process.js';
import { buildRunRecord } from './run-record.js';
import { makeRunId } from './run-id.js';

/** What training touches of the outside world. */
export interface TrainDeps {
  exec: Exec;
  host: HostFacts;
  now(): Date;
  /** The environment the command inherits (the MLOPS_* variables are added to it). */
  env: Record<string, string | undefined>;
  onSignal?: ProcessOptions['onSignal'];
  /** The command's output as it comes. */
  output(stream: 'stdout' | 'stderr', text: string): void;
  /** The live state: latest step and metrics, a few times a second at most. */
  progress?(p: { step?: number; metrics: Record<string, number>; elapsedMs: number }): void;
  /** How often the metrics file is read (default 250 ms). */
  pollMs?: number;
}

export interface TrainOptions {
  /** The repository root (work tree). */
  root: string;
  model: string;
  ws: DataWorkspace;
  trigger: Run['trigger'];
  experiment?: string;
  /** Overrides of the model's `training.params`. */
  params?: Run['params'];
  /** Overrides the model's `training.timeout` (a duration such as `30m`). */
  timeout?: string;
  /** GPUs handed to this run (by a pool); queried from the machine when absent. */
  gpus?: Gpu[];
  /** Remote for artifacts and the metric history (default: the default remote). */
  remote?: string;
}

export interface TrainResult {
  run: Run;
  /** Repository-relative path of the Run record written to the work tree. */
  path: string;
  runDir: string;
  /** How long the command ran. */
  durationMs: number;
  /** The training table built through the model's feature views (`MLOPS_FEATURES`). */
  features?: TrainingFeatures;
}

/**
 * Trains a model under the tracking protocol and writes its Run record, whatever happens
 * once the command has started: the command gets `MLOPS_RUN_DIR`, `MLOPS_RUN_ID`,
 * `MLOPS_PARAMS`, `MLOPS_DATA_<NAME>` and, with GPUs, `CUDA_VISIBLE_DEVICES`; its
 * `metrics.jsonl` is followed live, its `metrics.json`, `architecture.json` and
 * `artifacts/` are read when it exits, and on success the artifacts and the metric history
 * (Arrow) are pushed. The record goes to the work tree; committing is the caller's choice.
 * @example
 * const { run, path } = await trainModel({ root, model: 'execution-agent', ws, trigger }, deps);
 * @throws TrackingError when nothing could be started (no model, no data, no GPU).
 */
export async function trainModel(opts: TrainOptions, deps: TrainDeps): Promise<TrainResult> {
  const model = readModel(opts.root, opts.model);
  const t = model.training;
  const codeCommit = await headCommit(opts.root);
  const gpus = opts.gpus ?? (await assignGpus(model, deps));
  const timeoutText = opts.timeout ?? t.timeout;
  const timeoutMs = durationMs(timeoutText);
  if (timeoutMs === null) throw new TrackingError('BAD_PARAM', `bad timeout "${timeoutText}"`);

  const inputs = await prepareInputs(opts.ws, t.inputs.datasets);
  const startedAt = deps.now();
  const experiment = opts.experiment ?? model.name;
  const id = freeRunId(opts.root, experiment, startedAt, model.name);
  const runDir = join(ensureToolDir(opts.root), 'runs', id);
  mkdirSync(join(runDir, 'artifacts'), { recursive: true });
  const features = await featuresFor(opts, t.inputs, runDir);
  const params = { ...t.params, ...opts.params };
  writeFileSync(join(runDir, 'params.json'), JSON.stringify(params, null, 2) + '\n');
  const command = t.command.replaceAll('{num_gpus}', String(gpus.length));

  const env: Record<string, string | undefined> = {
    ...deps.env,
    MLOPS_RUN_DIR: runDir,
    MLOPS_RUN_ID: id,
    MLOPS_PARAMS: join(runDir, 'params.json'),
  };
  for (const i of inputs) env[i.envName] = i.path;
  if (features) env.MLOPS_FEATURES = features.path;
  // a run given no GPU must not take one another run was given
  env.CUDA_VISIBLE_DEVICES = gpus.map((g) => g.index).join(',');
  if (!gpus.length && !opts.gpus && deps.env.CUDA_VISIBLE_DEVICES === undefined) {
    delete env.CUDA_VISIBLE_DEVICES;
  }

  const log = new MetricsLog('metrics.jsonl');
  const tail = new FileTail(join(runDir, 'metrics.jsonl'), log);
  const last = new LastLines(20);
  const outputLog: string[] = [];
  const started = performance.now();
  const timer = setInterval(() => {
    void tail.poll().then(() =>
      deps.progress?.({
        step: log.latestStep,
        metrics: log.latest,
        elapsedMs: performance.now() - started,
      }),
    );
  }, deps.pollMs ?? 250);
  // what the machine is does not depend on how the run goes: find out while it runs, and
  // do then too what the end of the run would otherwise wait for (the schemas, the remotes)
  const environment = captureEnvironment(deps.host, deps.exec, { command, gpus });
  setImmediate(() => {
    precompileSchemas(['Run', 'Remotes']);
    prepareStore(opts.ws);
  });
  const exit = await runProcess({
    command,
    cwd: opts.root,
    env,
    timeoutMs,
    onSignal: deps.onSignal,
    onOutput: (stream, text) => {
      last.feed(text);
      outputLog.push(text);
      deps.output(stream, text);
    },
  });
  clearInterval(timer);
  await tail.finish();
  writeFileSync(join(runDir, 'output.log'), outputLog.join(''));

  let failure: { status: 'failed' | 'killed'; reason: string } | undefined;
  if (exit.code !== 0 || exit.spawnError) {
    const killed = exit.timedOut || exit.forwarded !== undefined || signalOf(exit) !== undefined;
    failure = { status: killed ? 'killed' : 'failed', reason: describeExit(exit, timeoutText) };
  }
  if (!failure && log.problem) {
    const p = log.problem;
    failure = { status: 'failed', reason: `${p.file}:${p.line}: ${p.message}` };
  }
  const final = readFinal(runDir);
  if (!failure && typeof final === 'string') failure = { status: 'failed', reason: final };
  const architecture = readArchitecture(runDir);
  if (!failure && typeof architecture === 'string')
    failure = { status: 'failed', reason: architecture };

  // the metric history is kept for any run (it shows how a failure came about); artifacts
  // only for a succeeded one. One push moves them all, in parallel.
  const toStore: { name: string; path: string; bytes?: Uint8Array }[] = [];
  if (log.count) {
    const file = join(runDir, 'metrics.arrow');
    const bytes = metricHistoryIpc(log);
    writeFileSync(file, bytes);
    toStore.push({ name: 'metrics.arrow', path: file, bytes });
  }
  if (!failure) {
    const names = await listFiles(join(runDir, 'artifacts'));
    toStore.push(...names.map((name) => ({ name, path: join(runDir, 'artifacts', name) })));
  }
  let stored: StoredFile[] = [];
  try {
    stored = await storeFiles(opts.ws, opts.remote, id, toStore);
  } catch (e) {
    if (!failure)
      failure = { status: 'failed', reason: `storing the run's files: ${errorText(e)}` };
  }
  const history = log.count ? stored[0] : undefined;
  const artifacts = failure ? [] : stored.slice(log.count ? 1 : 0);

  const run = buildRunRecord({
    id,
    experiment,
    model: model.name,
    startedAt,
    endedAt: deps.now(),
    codeCommit,
    command,
    trigger: opts.trigger,
    params,
    inputs: {
      datasets: inputs.map((i) => ({ name: i.name, hash: i.hash })),
      ...(t.inputs.features?.length ? { features: t.inputs.features } : {}),
    },
    environment: await environment,
    final: typeof final === 'string' ? undefined : final,
    architecture: typeof architecture === 'string' ? undefined : architecture,
    artifacts,
    history,
    failure: failure && { ...failure, lastLines: last.lines() },
  });
  const path = pathOfRecord(run);
  const text = stringifyRecord(run);
  const check = loadRecord(path, Buffer.from(text));
  if (!check.ok) {
    const f = check.findings[0]!;
    throw new Error(
      `internal: the Run record would be invalid: ${f.line}:${f.col}: ${f.rule}: ${f.message}`,
    );
  }
  mkdirSync(dirname(join(opts.root, path)), { recursive: true });
  writeAtomic(join(opts.root, path), text);
  return { run, path, runDir, durationMs: exit.durationMs, ...(features ? { features } : {}) };
}

/**
 * Reads `data/remotes.yaml` and probes the cache's file system, both kept by the workspace,
 * so that storing the run's files after it does neither. A failure here is left for
 * {@link storeFiles} to meet again and report as the run's.
 */
function prepareStore(ws: DataWorkspace): void {
  try {
    void ws.algo;
    ws.cache.reflink().catch(() => undefined);
  } catch {
    // reported when the files are stored
  }
}

/**
 * The Model record at `registry/models/<name>/model.yaml` in the work tree.
 * @throws TrackingError `NO_MODEL`; RepoError `INVALID_RECORD` with its location.
 */
export function readModel(root: string, name: string): Model {
  const path = `registry/models/${name}/model.yaml`;
  const model = /^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)
    ? readWorktreeRecord<Model>(root, path)
    : undefined;
  if (!model) throw new TrackingError('NO_MODEL', `no model "${name}" (${path} does not exist)`);
  return model;
}

async function headCommit(root: string): Promise<string> {
  try {
    return await resolveRef(await openRepo(root), 'HEAD');
  } catch (e) {
    throw new TrackingError(
      'NO_COMMIT',
      `a run records the commit of its code, and ${root} has none: ${errorText(e)}`,
    );
  }
}

/** The first GPUs of the machine, or a clear error when a model needs more than there are. */
async function assignGpus(model: Model, deps: TrainDeps): Promise<Gpu[]> {
  const want = model.training.gpus;
  if (!want) return [];
  const gpus = await queryGpus(deps.exec, deps.env.CUDA_VISIBLE_DEVICES);
  checkGpuCount(model, gpus.length);
  return gpus.slice(0, want);
}

/** Refuses, before anything runs, a model that needs more GPUs than the machine has. */
export function checkGpuCount(model: Model, have: number): void {
  const want = model.training.gpus;
  if (want <= have) return;
  const needs = `${model.name} needs ${want} GPU${want === 1 ? '' : 's'}`;
  if (!have) {
    throw new TrackingError(
      'NO_GPU',
      `${needs} and this machine has none (nvidia-smi found no device); it is never trained on the CPU instead. Train it on a runner labelled [${model.training.runner_labels.join(', ')}], or set training.gpus: 0 in its model.yaml to train on the CPU on purpose`,
    );
  }
  throw new TrackingError('NOT_ENOUGH_GPUS', `${needs}; this machine has ${have}`);
}

function freeRunId(root: string, experiment: string, at: Date, slug: string): string {
  const base = makeRunId(at, slug);
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const taken =
      existsSync(join(root, 'registry', 'runs', experiment, `${id}.yaml`)) ||
      existsSync(join(root, '.mlops', 'runs', id));
    if (!taken) return id;
  }
}

function readFinal(runDir: string): FinalMetrics | string {
  const file = join(runDir, 'metrics.json');
  if (!existsSync(file))
    return 'metrics.json: the trainer wrote no final metrics ($MLOPS_RUN_DIR/metrics.json)';
  const parsed = parseFinalMetrics(readFileSync(file, 'utf8'));
  return typeof parsed === 'string' ? `metrics.json: ${parsed}` : parsed;
}

function readArchitecture(runDir: string): Run['architecture'] | string | undefined {
  const file = join(runDir, 'architecture.json');
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown; framework?: unknown };
    if (typeof v.type === 'string' && v.type && typeof v.framework === 'string' && v.framework) {
      return { type: v.type, framework: v.framework };
    }
  } catch {
    // reported below
  }
  return 'architecture.json: expected {"type": "...", "framework": "..."}';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The training table through the feature views a model names (`inputs.features`), joined
 * onto its first input dataset as of each row; none when it names no features.
 */
async function featuresFor(
  opts: TrainOptions,
  inputs: Model['training']['inputs'],
  runDir: string,
): Promise<TrainingFeatures | undefined> {
  if (!inputs.features?.length) return undefined;
  const labels = inputs.datasets[0];
  if (!labels) {
    throw new TrackingError(
      'NO_INPUT',
      `${opts.model} names features but no dataset: the first of training.inputs.datasets holds the labelled rows they are joined onto`,
    );
  }
  try {
    // loaded only for a model that names features: the join is not every run's start-up cost
    const { trainingFeatures } = await import('../features/training.js');
    return await trainingFeatures(opts.ws, opts.root, inputs.features, labels, runDir);
  } catch (e) {
    if (e instanceof TrackingError) throw e;
    throw new TrackingError(
      'NO_INPUT',
      `building the training features: ${(e as Error).message}`,
      {},
      { cause: e },
    );
  }
}
