import type { Command } from 'commander';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataWorkspace } from '../../data/index.js';
import type { Run } from '../../records/index.js';
import {
  checkGpuCount,
  formatMetric,
  hostFacts,
  systemExec,
  progressLine,
  queryGpus,
  readModel,
  scheduleTrainings,
  trainModel,
  type TrainResult,
} from '../../tracking/index.js';
import { commitAuthor, commitHere } from '../../repo/index.js';
import { UsageError, json, type Io } from '../io.js';
import { LiveOutput } from '../live-output.js';

interface TrainFlags {
  all?: boolean;
  parallel?: boolean;
  reason?: string;
  trigger: string;
  triggerFigures?: string;
  experiment?: string;
  param: string[];
  timeout?: string;
  remote?: string;
  commit?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const TRIGGERS = ['manual', 'push', 'schedule', 'drift'] as const;

export function registerTrain(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('train')
    .description(
      "run a model's training command under the tracking protocol and write its Run record (registry/runs/); see `mlops register` for what follows",
    )
    .argument('[model]', 'the model to train (registry/models/<model>/model.yaml)')
    .option('--all', 'train every model')
    .option('--parallel', 'with --all: train at once, each model on its own set of GPUs')
    .option('--reason <text>', 'why this run (kept in the Run record and the version it makes)')
    .option('--trigger <type>', `what started it: ${TRIGGERS.join(', ')}`, 'manual')
    .option(
      '--trigger-figures <json>',
      'the figures behind the trigger, as a JSON object of numbers (a drift check’s PSI per column); kept in the Run and shown in its promotion',
    )
    .option('--experiment <name>', 'group runs under this experiment (default: the model name)')
    .option(
      '-p, --param <key=value>',
      'override a training param (repeatable; JSON values)',
      collect,
      [],
    )
    .option('--timeout <duration>', "override the model's training.timeout (e.g. 30m, 6h)")
    .option('--remote <name>', 'store artifacts and the metric history on this remote')
    .option(
      '--commit',
      'commit the Run record alone (a failed run, or to register later elsewhere)',
    )
    .option('--json', 'print the Run records as JSON (the command’s output goes to stderr)')
    .option('-q, --quiet', 'do not show the command’s output, only the outcome')
    .addHelpText(
      'after',
      `
The command gets MLOPS_RUN_DIR, MLOPS_RUN_ID, MLOPS_PARAMS (a JSON file), MLOPS_DATA_<NAME>
per input dataset and CUDA_VISIBLE_DEVICES; it appends {"step": n, "<metric>": x} lines to
$MLOPS_RUN_DIR/metrics.jsonl, writes metrics.json (final metrics, optional "slices"),
architecture.json ({"type", "framework"}) and its model under artifacts/.
Exit code 0 when every run succeeded, 1 when one failed (its Run record says why), 2 when
nothing could start (no model, data or GPU).`,
    )
    .action(async (name: string | undefined, flags: TrainFlags) => {
      if (!TRIGGERS.includes(flags.trigger as never)) {
        throw new UsageError(
          `--trigger must be one of ${TRIGGERS.join(', ')}; got ${flags.trigger}`,
        );
      }
      if (Boolean(name) === Boolean(flags.all))
        throw new UsageError('name one model, or pass --all');
      if (flags.parallel && !flags.all) throw new UsageError('--parallel goes with --all');
      const root = io.cwd;
      const names = flags.all ? allModels(root) : [name!];
      const models = names.map((n) => readModel(root, n));
      const needGpus = models.some((m) => m.training.gpus > 0);
      const gpus = needGpus ? await queryGpus(systemExec(io.env), io.env.CUDA_VISIBLE_DEVICES) : [];
      for (const m of models) checkGpuCount(m, gpus.length);
      const ws = new DataWorkspace(root, io.env);
      io.defer?.(() => ws.close());
      const live = new LiveOutput(io, {
        json: Boolean(flags.json),
        prefix: models.length > 1 && Boolean(flags.parallel),
      });
      const trigger: Run['trigger'] = {
        type: flags.trigger as Run['trigger']['type'],
        ...(flags.reason ? { reason: flags.reason } : {}),
        ...(flags.triggerFigures ? { drift: parseFigures(flags.triggerFigures) } : {}),
        ...(io.env.GITHUB_ACTOR ? { actor: io.env.GITHUB_ACTOR } : {}),
      };
      const outcomes = await scheduleTrainings(
        models.map((m) => ({ name: m.name, gpus: m.training.gpus })),
        gpus,
        Boolean(flags.parallel),
        (job, set) =>
          trainModel(
            {
              root,
              model: job.name,
              ws,
              trigger,
              gpus: set,
              experiment: flags.experiment,
              params: parseParams(flags.param),
              timeout: flags.timeout,
              remote: flags.remote,
            },
            {
              exec: systemExec(io.env),
              host: hostFacts(io.env),
              now: () => io.now(),
              env: io.env,
              onSignal: io.onSignal,
              output: (stream, text) => {
                if (!flags.quiet) live.output(job.name, stream, text);
              },
              progress: (p) => {
                if (!flags.quiet) live.progress(job.name, progressLine(p));
              },
            },
          ),
      );
      live.done();
      const results: TrainResult[] = [];
      let firstError: unknown;
      for (const n of names) {
        const o = outcomes.get(n)!;
        if (o.ok) results.push(o.value);
        else firstError ??= o.error;
      }
      if (flags.commit) {
        for (const r of results) {
          const { oid } = await commitHere(
            root,
            await commitAuthor(root, io.env, io.now()),
            [{ path: r.path, content: readText(root, r.path) }],
            `Record ${r.run.status} run ${r.run.id} of ${r.run.model}`,
            { Model: r.run.model, Run: r.run.id, Status: r.run.status },
          );
          if (!flags.json) io.out(`committed ${r.path} as ${oid.slice(0, 7)}\n`);
        }
      }
      if (flags.json)
        json(
          io,
          results.map((r) => ({ ...r.run, record_path: r.path, run_dir: r.runDir })),
        );
      else for (const r of results) io.out(describeRun(r));
      if (results.some((r) => r.run.status !== 'succeeded')) setExit(1);
      if (firstError instanceof Error) throw firstError;
      if (firstError !== undefined) throw new Error('training failed', { cause: firstError });
    });
}

function describeRun(r: TrainResult): string {
  const run = r.run;
  const ms = r.durationMs;
  const secs = ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
  const f = r.features;
  const via = f
    ? `  trained on ${f.rows} rows joined point-in-time through ${f.views.map((v) => `${v.view} (${v.features.join(', ')})`).join(', ')}\n`
    : '';
  if (run.status === 'succeeded') {
    const metrics = Object.entries(run.metrics)
      .map(([k, v]) => `${k} ${formatMetric(v)}`)
      .join(' · ');
    return (
      `✔ ${run.model}: run ${run.id} succeeded in ${secs} s\n` +
      `  ${metrics}\n` +
      via +
      `  ${run.artifacts.length} artifact${run.artifacts.length === 1 ? '' : 's'} stored; record ${r.path}\n` +
      `  next: mlops register ${run.model} --run ${run.id}\n`
    );
  }
  const lines =
    run.failure?.last_lines
      .slice(-10)
      .map((l) => `  | ${l}\n`)
      .join('') ?? '';
  return (
    `✘ ${run.model}: run ${run.id} ${run.status}: ${run.failure?.reason}\n` +
    (lines ? `  last output:\n${lines}` : '') +
    `  record ${r.path}; nothing was registered and no artifact was pushed\n`
  );
}

function allModels(root: string): string[] {
  const dir = join(root, 'registry', 'models');
  if (!existsSync(dir)) throw new UsageError('no models: registry/models/ does not exist');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'model.yaml')))
    .map((e) => e.name)
    .sort();
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** `-p epochs=50 -p name=x`: values as JSON where they parse (numbers, booleans, null). */
export function parseParams(pairs: string[]): Run['params'] {
  const out: Run['params'] = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--param wants key=value; got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    if (value !== null && typeof value === 'object') {
      throw new UsageError(`--param ${key}: params are strings, numbers, booleans or null`);
    }
    out[key] = value as string | number | boolean | null;
  }
  return out;
}

function readText(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** `--trigger-figures`: a JSON object whose values are all finite numbers. */
function parseFigures(text: string): Record<string, number> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`--trigger-figures must be a JSON object; got ${text}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new UsageError(`--trigger-figures must be a JSON object; got ${text}`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new UsageError(
        `--trigger-figures: ${k} must be a finite number; got ${JSON.stringify(x)}`,
      );
  }
  return v as Record<string, number>;
}
