/**
 * The scratch repository of bench/tracking.bench.ts: one model whose training command runs
 * the trainer below with plain `node`, and how to run that trainer bare.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MODEL_YAML = `# yaml-language-server: $schema=../../../schemas/Model.schema.json
kind: Model
schema_version: 1
name: bench-model
description: Logs one metric line per step, for the tracking overhead benchmark.
owners: [ml-leads]
task: binary-classification
training:
  command: node trainer.mjs
  runner_labels: [self-hosted]
  gpus: 0
  params:
    steps: 100000
    batch: 320
  inputs:
    datasets: []
  timeout: 1h
evaluation:
  primary_metric: accuracy
  direction: maximize
`;

/**
 * A trainer following the tracking protocol: logistic regression by minibatch SGD on a
 * synthetic problem (48 features, 8,192 examples), `params.steps` steps of `params.batch`
 * examples each, appending `{"step", "loss", "accuracy", "lr"}` to `$MLOPS_RUN_DIR/metrics.jsonl`
 * through a write stream in append mode (buffered, honouring backpressure, as a Python
 * trainer's file object is), then writing metrics.json, architecture.json and
 * artifacts/model.json. `params.lines` says how many of the steps log a line (default: all);
 * its CPU work does not depend on it.
 */
const TRAINER = `// Logistic regression by minibatch SGD on a synthetic problem; one metrics line per step.
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const runDir = process.env.MLOPS_RUN_DIR;
if (!runDir) throw new Error('MLOPS_RUN_DIR is not set');
const params = JSON.parse(readFileSync(process.env.MLOPS_PARAMS, 'utf8'));
const STEPS = Number(params.steps ?? 100000);
const lines = Math.min(STEPS, Number(params.lines ?? STEPS));
const every = lines ? Math.floor(STEPS / lines) : 0;
const FEATURES = 48;
const BATCH = Number(params.batch ?? 320);
const EXAMPLES = 8192;

let seed = 7;
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
const truth = Float64Array.from({ length: FEATURES }, () => rand() * 2 - 1);
const x = new Float64Array(EXAMPLES * FEATURES);
const y = new Float64Array(EXAMPLES);
for (let n = 0; n < EXAMPLES; n++) {
  let z = 0;
  for (let f = 0; f < FEATURES; f++) {
    const v = rand() * 2 - 1;
    x[n * FEATURES + f] = v;
    z += v * truth[f];
  }
  y[n] = z + (rand() - 0.5) * 0.5 > 0 ? 1 : 0;
}

const w = new Float64Array(FEATURES);
const grad = new Float64Array(FEATURES);
const out = createWriteStream(join(runDir, 'metrics.jsonl'), { flags: 'a' });
let loss = 0;
let accuracy = 0;
for (let step = 0; step < STEPS; step++) {
  const lr = 0.05 * 0.5 * (1 + Math.cos((Math.PI * step) / STEPS));
  grad.fill(0);
  let batchLoss = 0;
  let correct = 0;
  for (let b = 0; b < BATCH; b++) {
    const n = (step * BATCH + b) % EXAMPLES;
    const row = n * FEATURES;
    let z = 0;
    for (let f = 0; f < FEATURES; f++) z += w[f] * x[row + f];
    const p = 1 / (1 + Math.exp(-z));
    batchLoss -= y[n] ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12);
    if ((p > 0.5 ? 1 : 0) === y[n]) correct++;
    const g = p - y[n];
    for (let f = 0; f < FEATURES; f++) grad[f] += g * x[row + f];
  }
  for (let f = 0; f < FEATURES; f++) w[f] -= (lr * grad[f]) / BATCH;
  loss = batchLoss / BATCH;
  accuracy = correct / BATCH;
  if (every && step % every === 0) {
    const line = JSON.stringify({ step, loss, accuracy, lr }) + '\\n';
    if (!out.write(line)) await once(out, 'drain');
  }
}
out.end();
await once(out, 'finish');

let correct = 0;
for (let n = 0; n < EXAMPLES; n++) {
  let z = 0;
  for (let f = 0; f < FEATURES; f++) z += w[f] * x[n * FEATURES + f];
  if ((z > 0 ? 1 : 0) === y[n]) correct++;
}
const final = correct / EXAMPLES;
writeFileSync(join(runDir, 'metrics.json'), JSON.stringify({ accuracy: final, latency_p95_ms: 1 }) + '\\n');
writeFileSync(join(runDir, 'architecture.json'), JSON.stringify({ type: 'logistic-regression', framework: 'none' }) + '\\n');
mkdirSync(join(runDir, 'artifacts'), { recursive: true });
writeFileSync(join(runDir, 'artifacts', 'model.json'), JSON.stringify({ weights: Array.from(w) }) + '\\n');
console.log('accuracy ' + final.toFixed(4) + ' after ' + STEPS + ' steps, ' + lines + ' lines logged');
`;

/** Makes the bench repository at `repo` (a git repository with one commit). */
export function makeRepo(root: string, repo: string): void {
  mkdirSync(join(repo, 'registry', 'models', 'bench-model'), { recursive: true });
  mkdirSync(join(repo, 'data'), { recursive: true });
  writeFileSync(join(repo, 'registry', 'models', 'bench-model', 'model.yaml'), MODEL_YAML);
  copyFileSync(join(root, 'data', 'remotes.yaml'), join(repo, 'data', 'remotes.yaml'));
  writeFileSync(join(repo, 'trainer.mjs'), TRAINER);
  writeFileSync(join(repo, '.gitignore'), '.mlops/\n');
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', ...args], {
      cwd: repo,
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  };
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'bench model');
}

/** What a command took: wall time, and CPU time of it and all it started (NaN where unknown). */
export interface Took {
  ms: number;
  cpuMs: number;
}

/**
 * CPU time (user + system, ms) of this process's children that have been waited for,
 * counting their own waited-for children: Linux's /proc/self/stat, in ticks of 10 ms
 * (`getconf CLK_TCK` is 100 on Linux). NaN elsewhere.
 */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime
  } catch {
    return NaN;
  }
}

/** Runs `node args` in `cwd` to its exit; throws with its stderr when it fails. */
export function wall(cwd: string, args: string[], env: NodeJS.ProcessEnv): Took {
  const cpu = childrenCpuMs();
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env, maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  if (r.status !== 0) {
    throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  }
  return { ms, cpuMs: childrenCpuMs() - cpu };
}

/**
 * `node trainer.mjs` in `repo` with the run folder (`dir`, made afresh with its params.json
 * before the clock starts) and the MLOPS_* environment set up by hand.
 */
export function runBare(repo: string, dir: string, params: Record<string, number>): Took {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  writeFileSync(join(dir, 'params.json'), JSON.stringify(params, null, 2) + '\n');
  const took = wall(repo, ['trainer.mjs'], {
    ...process.env,
    MLOPS_RUN_DIR: dir,
    MLOPS_RUN_ID: 'bare',
    MLOPS_PARAMS: join(dir, 'params.json'),
  });
  const logged = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').length - 1;
  const want = params.lines ?? params.steps;
  if (logged !== want) throw new Error(`the bare trainer logged ${logged} lines, not ${want}`);
  return took;
}
