import type { Command } from 'commander';
import {
  REGISTRY_USAGE_CODES,
  RegistryError,
  registerRun,
  type RegisterRunResult,
} from '../../registry/index.js';
import { commitAuthor } from '../../repo/index.js';
import { formatMetric } from '../../tracking/index.js';
import { NoError, json, type Io } from '../io.js';
import { branchOption } from '../branch-option.js';

interface RegisterFlags {
  run: string;
  patch?: boolean;
  reason?: string;
  artifact?: string;
  branch?: string;
  json?: boolean;
}

export function registerRegister(program: Command, io: Io) {
  program
    .command('register')
    .description(
      'register a succeeded run as the next version: the ModelVersion, its ModelCard and the card rendered to Markdown, committed with the Run in one commit',
    )
    .argument('<model>', 'the model the run trained')
    .requiredOption('--run <id>', 'the run to register (see `mlops runs ls`)')
    .option('--patch', 'a fix: bump PATCH instead of MINOR (refused if the architecture changed)')
    .option('--reason <text>', "why this version (default: the run's trigger reason)")
    .option(
      '--artifact <name>',
      'which of the run’s artifacts is the model, when it stored several',
    )
    .option(
      '--branch <name>',
      'commit on this branch (created from HEAD if new) instead of the checked-out one',
      branchOption('--branch'),
    )
    .option('--json', 'print the new version and the commit as JSON')
    .addHelpText(
      'after',
      `
The version follows the rules: MAJOR when the architecture or framework differs from the
version in production, MINOR for a retrain, PATCH with --patch; the first version is 1.0.0.
Exit code 1 when the run cannot be registered (failed, already registered, metrics missing,
artifact not on its remote), 2 when the model or run does not exist.`,
    )
    .action(async (name: string, flags: RegisterFlags) => {
      let r: RegisterRunResult;
      try {
        r = await registerRun({
          root: io.cwd,
          model: name,
          runId: flags.run,
          now: io.now(),
          author: await commitAuthor(io.cwd, io.env, io.now()),
          env: io.env,
          patch: flags.patch,
          reason: flags.reason,
          artifact: flags.artifact,
          branch: flags.branch,
        });
      } catch (e) {
        if (!(e instanceof RegistryError) || REGISTRY_USAGE_CODES.includes(e.code)) throw e;
        io.err(`mlops: cannot register run ${flags.run}: ${e.message}\n`);
        throw new NoError();
      }
      const v = r.version;
      if (flags.json) {
        return json(io, { version: v, commit: r.commit, branch: r.branch, files: r.files });
      }
      const metrics = Object.entries(v.metrics)
        .map(([k, x]) => `${k} ${formatMetric(x)}`)
        .join(' · ');
      io.out(
        `registered ${name} ${v.version} (${v.change.level}: ${v.change.reason})\n` +
          `  ${metrics}\n` +
          r.files.map((f) => `  ${f}\n`).join('') +
          `  committed on ${r.branch} as ${r.commit.slice(0, 7)}\n`,
      );
    });
}
