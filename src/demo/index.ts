/**
 * `mlops demo`: the lifecycle built so far, in a fresh repository, on embedded
 * defaults. Each later capability adds its step here. The story: a retrain on a broken
 * export looks excellent offline, is approved, and is caught by the rollout at 5 %; the
 * retrain on the fixed export walks to production.
 */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitEdits, initRepo, resolveRef, type RecordEdit, type Repo } from '../repo/index.js';
import { exampleDatasets, lostFlakinessExport, writeExampleDatasets } from './datasets.js';
import { exampleFiles } from './example.js';
import { demoRollout } from './rollout.js';
import { demoServing, lastEvent } from './serving.js';
import { logShiftedDay } from './drift.js';
import { driftFigures, type DriftReport } from '../drift/index.js';
import { newExport, promoteVersion, trainAndRegister } from './steps.js';

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
  /** Whether the caller keeps the repository for the reader (the default); only the closing words differ. */
  keep?: boolean;
}

export interface DemoResult {
  dir: string;
  /** The dashboard's front page. */
  dashboard: string;
  /** Exit codes of the validations: the good change (0) and the rejected one (1). */
  validations: { passing: number; rejected: number };
  /** Whether adding, pushing and checking the datasets all succeeded. */
  dataOk: boolean;
  /** The version that became production, and the run that made it. */
  trained?: { run: string; version: string; accuracy: number };
  /** The version the rollout rolled back, with the reason. */
  rolledBack?: { version: string; reason: string };
}

/** Who makes the demo's commits, by hand or through `mlops`. */
export const DEMO_AUTHOR = { name: 'Ada Example', email: 'ada@example.com' };
const DAY = 86_400_000;
const HOUR = 3_600_000;
const STEPS = 14;
const MODEL = 'execution-agent';
const EXECUTIONS = 'datasets/test-executions.csv';

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
  const commitFiles = async (paths: string[], at: Date, message: string) => {
    const edits = paths.map((path) => ({ path, content: readFileSync(join(dir, path), 'utf8') }));
    // `mlops` commands commit on main too: build on its tip
    head = await commit(repo, await resolveRef(repo, 'main'), edits, at, message, {});
    return head;
  };
  io.say(
    `      ${files.size} files: 3 models, their versions, cards, runs, datasets, features and policies.\n` +
      '      Every record is checked as the validate Action checks a pull request:\n',
  );
  const imported = await io.mlops(['validate'], dir);
  if (imported !== 0) throw new Error(`the example registry does not validate (exit ${imported})`);

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
  // the dashboard the demo ends with is built, not committed (the Pages workflow publishes it)
  appendFileSync(join(dir, '.gitignore'), '/site/\n');
  await commitFiles(['.gitignore'], day(1), 'Keep the datasets and the dashboard out of git');

  step(
    3,
    'A new CI export of test-executions arrives, with a bug nobody has noticed, and the weekly retrain runs on it',
  );
  io.say(
    '      The export lost the flakiness score of every failed run (written as 0). The pointer records the new bytes.\n',
  );
  const goodExport = readFileSync(join(dir, EXECUTIONS), 'utf8');
  await newExport(io, {
    dir,
    repo,
    path: EXECUTIONS,
    text: lostFlakinessExport(goodExport),
    at: day(3),
    commitFiles: (paths, at) =>
      commitFiles(paths, at, 'Refresh test-executions from the CI export'),
  });
  io.say(
    '      The trainer (TypeScript, CPU) gets its data, params and run dir from the environment,\n' +
      '      logs metrics.jsonl and writes metrics.json and its model; every run is recorded.\n',
  );
  const bad = await trainAndRegister(io, dir, MODEL, day(4), 'weekly retraining (0 2 * * 0)');
  io.say(
    `      registered ${bad.version}: Run + ModelVersion + ModelCard (YAML and Markdown) in one commit.\n` +
      '      Offline it looks excellent: "flakiness 0" has become a perfect sign of failure.\n',
  );

  step(
    4,
    `Promote ${bad.version} through a pull request: governance judges it with the base's policy`,
  );
  io.say(
    "      promote/execution-agent/<version> sets the Deployment's candidate; the PR shows every check,\n" +
      '      the risk and the decision. Low risk with every check passing is approved by policy and merged.\n',
  );
  await promoteVersion(io, dir, MODEL, bad.version, day(5));

  step(
    5,
    `Merging was the approval: ${bad.version} starts at 5 % of real traffic, judged against 1.0.0 over the same window`,
  );
  io.say(
    "      The rollout verifies the merged PR's approval; every step is a commit that says why, with the\n" +
      '      traffic split (nginx split_clients, Envoy weighted clusters) rendered beside it. Production\n' +
      "      traffic has real flakiness scores, so the leak is gone and the candidate's accuracy falls.\n",
  );
  const refused = await demoRollout(io, {
    dir,
    repo,
    model: MODEL,
    candidateArtifact: artifactOf(dir, bad.run),
    start: new Date(day(5).getTime() + HOUR),
  });
  if (refused.outcome !== 'rollback')
    throw new Error(`the rollout of ${MODEL} ${bad.version} ended in ${refused.outcome}`);

  step(6, 'The export is fixed; the retrain on the corrected data is promoted the same way');
  await newExport(io, {
    dir,
    repo,
    path: EXECUTIONS,
    text: goodExport,
    at: day(6),
    commitFiles: (paths, at) =>
      commitFiles(paths, at, 'Re-export test-executions with the flakiness of failed runs'),
  });
  const registerBase = head;
  const good = await trainAndRegister(io, dir, MODEL, day(6), 'retrain on the corrected export');
  await io.mlops(['runs', 'ls', '--model', MODEL], dir);
  await promoteVersion(io, dir, MODEL, good.version, day(7));
  await io.mlops(['pr', 'list', '--state', 'all'], dir, day(7));
  io.say(
    '      Validating the whole change against its base, as the validate Action does on the PR:\n',
  );
  const passing = await io.mlops(['validate', '--base', registerBase], dir);

  step(
    7,
    `${good.version} rolls out 5 % → 20 % → 50 % → 100 %, hour by hour, and becomes production`,
  );
  const rollout = await demoRollout(io, {
    dir,
    repo,
    model: MODEL,
    candidateArtifact: artifactOf(dir, good.run),
    start: new Date(day(7).getTime() + HOUR),
  });
  if (rollout.outcome !== 'promote')
    throw new Error(`the rollout of ${MODEL} ${good.version} ended in ${rollout.outcome}`);

  step(8, `The features ${good.version} was trained through, served online after materialization`);
  io.say(
    '      Training read them through the feature view (a point-in-time join onto the labelled runs);\n' +
      '      serving reads the same definitions from the online store, ttl enforced.\n',
  );
  await demoServing(io, dir, lastEvent(goodExport));

  step(
    9,
    'Production drifts: CI starts reporting lower pass rates, and the hourly drift check notices',
  );
  const driftAt = day(11);
  const logged = await logShiftedDay(dir, MODEL, artifactOf(dir, good.run), driftAt);
  io.say(
    `      ${logged} requests of the last 24 h were logged by the serving replicas with ${good.version}'s predictions;\n` +
      `      the check compares them with ${good.version}'s training data, feature by feature.\n`,
  );
  await io.mlops(
    [
      'drift',
      MODEL,
      '--act',
      '--as',
      'mlops-bot',
      '--markdown',
      '.mlops/reports/drift.md',
      '--html',
      '.mlops/reports/drift.html',
    ],
    dir,
    driftAt,
  );
  const checked = await io.capture(['drift', MODEL, '--json'], dir, driftAt, true);
  const drift = JSON.parse(checked.out) as DriftReport & { reason: string };
  io.say(
    `      The HTML report, a histogram per feature: ${join(dir, '.mlops', 'reports', 'drift.html')}\n`,
  );
  if (drift.level !== 'critical')
    throw new Error(`the drift check said ${drift.level}, not critical`);

  step(
    10,
    'Critical drift starts the retraining pipeline, which ends in the next promotion pull request',
  );
  const figures = JSON.stringify(driftFigures(drift));
  const retrained = await io.mlops(
    ['retrain', MODEL, '--trigger', 'drift', '--reason', drift.reason, '--drift-figures', figures],
    dir,
    new Date(driftAt.getTime() + HOUR),
  );
  if (retrained !== 0) throw new Error(`the retraining pipeline failed (exit ${retrained})`);
  const shown = await io.capture(
    ['pr', 'show', '3'],
    dir,
    new Date(driftAt.getTime() + HOUR),
    true,
  );
  const section = /## Retrained because of drift[\s\S]*?(?=\n## )/.exec(shown.out)?.[0];
  if (!section) throw new Error('the promotion pull request does not cite the drift');
  io.say(
    `      Pull request #3's description cites the drift:\n${section.replace(/^/gm, '        ')}\n`,
  );

  step(11, 'A bad change is refused: someone edits the accuracy of the released 1.0.0 on a branch');
  const oldPath = `registry/models/${MODEL}/versions/1.0.0.yaml`;
  const tampered = files.get(oldPath)!.replace('accuracy: 0.938', 'accuracy: 0.951');
  await commit(
    repo,
    null,
    [{ path: oldPath, content: tampered }],
    day(12),
    'Tweak the 1.0.0 accuracy',
    {},
    'tweak-old-version',
  );
  const rejected = await io.mlops(
    ['validate', '--base', 'main', '--ref', 'tweak-old-version'],
    dir,
  );
  io.say(`      exit code ${rejected}: versions are immutable; the PR cannot merge.\n`);

  step(12, 'The audit trail, from git alone');
  await io.mlops(['history', MODEL, '--limit', '8'], dir);
  io.say(`      Which versions were live on ${day(8).toISOString().slice(0, 10)}, mid-rollout?\n`);
  await io.mlops(['at', day(8).toISOString().slice(0, 10)], dir);
  io.say('      And now:\n');
  await io.mlops(['ls'], dir);

  step(
    13,
    "The chain of custody, proved: every production version's registration, promotion PR, approval, rollout and promotion",
  );
  io.say(
    '      `mlops audit` replays main (first parents) and asks the forge to confirm each pull request;\n' +
      '      the approval is judged again with the policy at the merge’s base. A broken link fails the demo.\n',
  );
  const audited = await io.mlops(['audit'], dir);
  if (audited !== 0)
    throw new Error(`the audit did not verify every production version (exit ${audited})`);

  step(14, 'The registry dashboard: a static site built from the repository alone');
  io.say(
    "      Every model with its stages, metric charts across versions, each version's card, the\n" +
      '      rollouts with their decisions, the drift status and the audit trail; the dashboard\n' +
      '      workflow publishes it to GitHub Pages on every push to main.\n',
  );
  const built = await io.mlops(['dashboard'], dir);
  if (built !== 0) throw new Error(`the dashboard was not built (exit ${built})`);
  const dashboard = join(dir, 'site', 'index.html');
  if (opts.keep !== false)
    io.say(
      `\nThe demo repository is kept at ${dir}. Try: cd ${dir} && mlops show ${MODEL}\n` +
        `The dashboard: open ${dashboard}\n`,
    );
  return {
    dir,
    dashboard,
    validations: { passing, rejected },
    dataOk,
    trained: { run: good.run, version: good.version, accuracy: good.metrics.accuracy! },
    rolledBack: { version: bad.version, reason: refused.steps.at(-1)!.reason },
  };
}

/** Where `mlops train` left a run's model. */
function artifactOf(dir: string, run: string): string {
  return join(dir, '.mlops', 'runs', run, 'artifacts', 'model.json');
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
