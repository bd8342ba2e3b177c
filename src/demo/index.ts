/**
 * `mlops demo`: the lifecycle built so far, in a fresh repository, on embedded
 * defaults. Each later capability adds its step here.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitEdits, initRepo, resolveRef, type RecordEdit, type Repo } from '../repo/index.js';
import { exampleDatasets, writeExampleDatasets } from './datasets.js';
import { exampleFiles } from './example.js';
import { demoRollout } from './rollout.js';

export interface DemoIo {
  say(text: string): void;
  /**
   * Run an `mlops` command in the demo repository, printing its output; returns the exit
   * code and what it printed. `at` is the command's clock (the story is back-dated).
   */
  mlops(argv: string[], dir: string, at?: Date): Promise<number>;
  /**
   * As `mlops`, but returns what the command printed on stdout instead of printing it;
   * `quiet` leaves out the `$ mlops …` line too (for a command run many times).
   */
  capture(
    argv: string[],
    dir: string,
    at?: Date,
    quiet?: boolean,
  ): Promise<{ code: number; out: string }>;
  now(): Date;
}

export interface DemoOptions {
  /** Where to create the repository; a new temporary folder by default. */
  dir?: string;
}

export interface DemoResult {
  dir: string;
  /** Exit codes of the validations: the good change (0) and the rejected one (1). */
  validations: { passing: number; rejected: number };
  /** Whether adding, pushing and checking the datasets all succeeded. */
  dataOk: boolean;
  /** The version training and registration made (undefined when either failed). */
  trained?: { run: string; version: string; accuracy: number };
}

/** Who makes the demo's commits, by hand or through `mlops`. */
export const DEMO_AUTHOR = { name: 'Ada Example', email: 'ada@example.com' };
const DAY = 86_400_000;
const STEPS = 7;

/**
 * Run the demo lifecycle and return where it left the repository.
 * @example
 * const { dir } = await runDemo({ say: console.log, mlops: run, now: () => new Date() });
 */
export async function runDemo(io: DemoIo, opts: DemoOptions = {}): Promise<DemoResult> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mlops-demo-'));
  const files = exampleFiles();
  // the story spans two weeks ending now, so `mlops at <date>` has something to find
  const start = io.now().getTime() - 14 * DAY;
  const day = (n: number) => new Date(start + n * DAY);
  const step = (n: number, text: string) => io.say(`\n[${n}/${STEPS}] ${text}\n`);

  step(1, `A registry in git: the example content committed to a new repository at ${dir}`);
  const repo = await initRepo(dir);
  let head = await commit(
    repo,
    null,
    [...files].map(([path, content]) => ({ path, content })),
    day(0),
    'Import the example registry',
    {},
  );
  io.say(
    `      ${files.size} files: 3 models, their versions, cards, runs, datasets, features and policies.\n`,
  );

  step(
    2,
    'Data versioned by hash: the datasets are made, added, pushed to the local remote and checked',
  );
  writeExampleDatasets(dir, io.now());
  let dataOk = true;
  for (const path of exampleDatasets().keys()) {
    dataOk = (await io.mlops(['data', 'add', path], dir)) === 0 && dataOk;
  }
  dataOk = (await io.mlops(['data', 'push'], dir)) === 0 && dataOk;
  dataOk = (await io.mlops(['data', 'check', 'test-executions'], dir)) === 0 && dataOk;
  io.say(
    '      The pointers in data/ already named these bytes: the same seed makes the same hashes.\n',
  );
  const ignore = readFileSync(join(dir, '.gitignore'), 'utf8');
  head = await commit(
    repo,
    head,
    [{ path: '.gitignore', content: ignore }],
    day(1),
    'Keep the datasets out of git',
    {},
  );

  step(3, 'Train execution-agent for real, tracked, and register what it made');
  io.say(
    '      The trainer (TypeScript, CPU) gets its data, params and run dir from the environment,\n' +
      '      logs metrics.jsonl and writes metrics.json and its model; every run is recorded.\n',
  );
  const trainedAt = day(6);
  const t = await io.capture(
    [
      'train',
      'execution-agent',
      '--trigger',
      'schedule',
      '--reason',
      'weekly retraining (0 2 * * 0)',
      '--json',
    ],
    dir,
    trainedAt,
  );
  const run =
    t.code === 0
      ? (JSON.parse(t.out) as { id: string; metrics: Record<string, number> }[])[0]
      : undefined;
  if (!run) throw new Error(`training execution-agent failed (exit ${t.code})`);
  io.say(
    `      run ${run.id}: accuracy ${run.metrics.accuracy}, latency p95 ${run.metrics.latency_p95_ms} ms\n`,
  );
  const registerBase = head;
  const registered = await io.capture(
    ['register', 'execution-agent', '--run', run.id, '--json'],
    dir,
    trainedAt,
  );
  if (registered.code !== 0)
    throw new Error(`registering run ${run.id} failed (exit ${registered.code})`);
  const version = (JSON.parse(registered.out) as { version: { version: string }; commit: string })
    .version.version;
  head = (JSON.parse(registered.out) as { commit: string }).commit;
  io.say(
    `      registered ${version}: Run + ModelVersion + ModelCard (YAML and Markdown) in one commit:\n`,
  );
  await io.mlops(['runs', 'ls', '--model', 'execution-agent'], dir);
  for (const p of [
    `registry/models/execution-agent/versions/${version}.yaml`,
    `model-cards/execution-agent/${version}.yaml`,
    `model-cards/execution-agent/${version}.md`,
  ]) {
    files.set(p, readFileSync(join(dir, p), 'utf8'));
  }

  step(4, `Promote it through a pull request: governance judges ${version} with the base's policy`);
  io.say(
    "      promote/execution-agent/<version> sets the Deployment's candidate; the PR shows every check,\n" +
      '      the risk and the decision. Low risk with every check passing is approved by policy and merged.\n',
  );
  const promotedCode = await io.mlops(
    ['promote', 'execution-agent', version, '--as', 'ada'],
    dir,
    day(7),
  );
  if (promotedCode !== 0)
    throw new Error(`promoting execution-agent ${version} failed (exit ${promotedCode})`);
  await io.mlops(['pr', 'list', '--state', 'all'], dir, day(7));
  await io.mlops(
    ['govern', 'execution-agent', version, '--base', registerBase, '--ref', 'main'],
    dir,
    day(7),
  );
  head = await resolveRef(repo, 'main');
  files.set(
    'registry/models/execution-agent/deployment.yaml',
    readFileSync(join(dir, 'registry/models/execution-agent/deployment.yaml'), 'utf8'),
  );
  io.say(
    '      Validating the whole change against its base, as the validate Action does on the PR:\n',
  );
  const passing = await io.mlops(['validate', '--base', registerBase], dir);

  step(
    5,
    `Merging was the approval: ${version} rolls out 5 % → 20 % → 50 % → 100 %, judged against 1.0.0 hour by hour`,
  );
  io.say(
    "      The rollout verifies the merged PR's approval, then every step is a commit that says why,\n" +
      '      with the traffic split (nginx split_clients, Envoy weighted clusters) rendered beside it.\n',
  );
  const rollout = await demoRollout(io, {
    dir,
    repo,
    model: 'execution-agent',
    candidateArtifact: join(dir, '.mlops', 'runs', run.id, 'artifacts', 'model.json'),
    start: new Date(day(7).getTime() + 3_600_000),
  });
  if (rollout.outcome !== 'promote')
    throw new Error(`the rollout of execution-agent ${version} ended in ${rollout.outcome}`);
  head = await resolveRef(repo, 'main');
  for (const p of [
    'registry/models/execution-agent/deployment.yaml',
    'registry/models/execution-agent/traffic/nginx.conf',
    'registry/models/execution-agent/traffic/envoy.yaml',
  ]) {
    files.set(p, readFileSync(join(dir, p), 'utf8'));
  }

  step(6, 'A bad change is refused: someone edits the accuracy of the released 1.0.0 on a branch');
  const oldPath = 'registry/models/execution-agent/versions/1.0.0.yaml';
  const tampered = files.get(oldPath)!.replace('accuracy: 0.938', 'accuracy: 0.951');
  await commit(
    repo,
    null,
    [{ path: oldPath, content: tampered }],
    day(10),
    'Tweak the 1.0.0 accuracy',
    {},
    'tweak-old-version',
  );
  const rejected = await io.mlops(
    ['validate', '--base', 'main', '--ref', 'tweak-old-version'],
    dir,
  );
  io.say(`      exit code ${rejected}: versions are immutable; the PR cannot merge.\n`);

  step(7, 'The audit trail, from git alone');
  await io.mlops(['history', 'execution-agent'], dir);
  io.say(`      Which versions were live on ${day(8).toISOString().slice(0, 10)}, mid-rollout?\n`);
  await io.mlops(['at', day(8).toISOString().slice(0, 10)], dir);
  io.say('      And now:\n');
  await io.mlops(['ls'], dir);
  io.say(`\nThe demo repository is kept at ${dir}. Try: cd ${dir} && mlops show execution-agent\n`);
  return {
    dir,
    validations: { passing, rejected },
    dataOk,
    trained: { run: run.id, version, accuracy: run.metrics.accuracy! },
  };
}

async function commit(
  repo: Repo,
  parent: string | null,
  changes: RecordEdit[],
  at: Date,
  message: string,
  trailers: Record<string, string>,
  branch = 'main',
): Promise<string> {
  return commitEdits(repo, {
    branch,
    expectedParent: parent,
    // a new branch starts from main
    startPoint: parent === null && branch !== 'main' ? 'main' : undefined,
    edits: changes,
    message,
    trailers,
    author: { ...DEMO_AUTHOR, timestamp: Math.floor(at.getTime() / 1000), timezoneOffset: 0 },
    updateWorkTree: branch === 'main',
  });
}
