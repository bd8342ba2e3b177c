import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitAuthor, commitHere } from '../../repo/index.js';
import { retrain } from '../../retrain/pipeline.js';
import { UsageError, json, type Io } from '../io.js';

type Main = (argv: string[], io: Io) => Promise<number>;

export function registerRetrain(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
  main: Main,
) {
  program
    .command('retrain')
    .description(
      'the retraining pipeline: check the trigger, collect labelled production rows into the next dataset version, validate it, train through the features, validate the model, register (the policy’s bump) and open the promotion pull request',
    )
    .argument('<model>')
    .requiredOption('--reason <text>', 'why: kept in the Run, the version and the pull request')
    .option('--trigger <type>', 'what started it: drift, schedule or manual', 'manual')
    .option(
      '--drift-figures <json>',
      'the drift check’s figures (psi_<column>, dataset_drift_share, accuracy_drop) for the run and the pull request',
    )
    .option('--json', 'print the stages as JSON')
    .addHelpText(
      'after',
      `
Each stage runs the mlops command a person would (data add/push/check, train, register,
promote) and prints one line; a failed stage stops the pipeline with its reason and nothing
after it runs. Exit code 0 when the promotion pull request is open (or merged), 1 when a stage
failed.`,
    )
    .action(
      async (
        model: string,
        flags: { reason: string; trigger: string; driftFigures?: string; json?: boolean },
      ) => {
        if (!['drift', 'schedule', 'manual'].includes(flags.trigger))
          throw new UsageError(`--trigger must be drift, schedule or manual; got ${flags.trigger}`);
        const drift = flags.driftFigures ? figures(flags.driftFigures) : undefined;
        const now = io.now();
        const r = await retrain({
          root: io.cwd,
          model,
          reason: flags.reason,
          trigger: flags.trigger as 'drift' | 'schedule' | 'manual',
          ...(drift ? { drift } : {}),
          now,
          mlops: async (argv) => {
            let out = '';
            let err = '';
            const code = await main(argv, {
              ...io,
              out: (s) => (out += s),
              err: (s) => (err += s),
            });
            return { code, out, err };
          },
          commit: async (paths, message) => {
            const edits = paths.map((path) => ({
              path,
              content: readFileSync(join(io.cwd, path), 'utf8'),
            }));
            const author = await commitAuthor(io.cwd, io.env, now);
            return (await commitHere(io.cwd, author, edits, message, { Model: model })).oid;
          },
          report: (s) => {
            if (!flags.json) io.out(`${s.ok ? '✔' : '✘'} ${s.stage}: ${s.detail}\n`);
          },
        });
        if (flags.json) json(io, r);
        if (!r.ok) setExit(1);
      },
    );
}

function figures(text: string): Record<string, number> {
  try {
    const v = JSON.parse(text) as Record<string, number>;
    if (typeof v === 'object' && v && !Array.isArray(v)) return v;
  } catch {
    // reported below
  }
  throw new UsageError(`--drift-figures must be a JSON object of numbers; got ${text}`);
}
