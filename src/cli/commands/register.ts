import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataWorkspace, pointerRef, refKey } from '../../data/index.js';
import {
  compareSemVer,
  buildRegistration,
  RegistryError,
  type Registration,
} from '../../registry/index.js';
import type {
  Deployment,
  GovernancePolicy,
  ModelCard,
  ModelVersion,
  RetrainingPolicy,
  Run,
} from '../../records/index.js';
import { findRun, formatMetric, readModel } from '../../tracking/index.js';
import { commitHere } from '../commit.js';
import { NoError, UsageError, json, type Io } from '../io.js';
import { readWorktreeFolder, readWorktreeRecord } from '../worktree-records.js';

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
    )
    .option('--json', 'print the new version and the commit as JSON')
    .addHelpText(
      'after',
      `
The version follows the rules: MAJOR when the architecture or framework differs from the
version in production, MINOR for a retrain, PATCH with --patch; the first version is 1.0.0.
Exit code 1 when the run cannot be registered (failed, already registered, metrics missing).`,
    )
    .action(async (name: string, flags: RegisterFlags) => {
      const root = io.cwd;
      const model = readModel(root, name);
      const run = findRun(root, flags.run);
      if (!run)
        throw new UsageError(`no run "${flags.run}" under registry/runs/ (see mlops runs ls)`);
      const existing = readWorktreeFolder<ModelVersion>(root, `registry/models/${name}/versions`);
      const deployment = readWorktreeRecord<Deployment>(
        root,
        `registry/models/${name}/deployment.yaml`,
      );
      const governance = readWorktreeRecord<GovernancePolicy>(root, 'policies/governance.yaml');
      if (!governance)
        throw new UsageError('policies/governance.yaml is missing: a card shows its thresholds');
      const latest = [...existing].sort((a, b) => compareSemVer(a.version, b.version)).at(-1);
      let reg: Registration;
      try {
        reg = buildRegistration({
          model,
          run,
          existing,
          production: deployment?.production ?? undefined,
          previousCard: latest ? readWorktreeRecord<ModelCard>(root, latest.card) : undefined,
          governance,
          retraining: readWorktreeRecord<RetrainingPolicy>(root, 'policies/retraining.yaml'),
          now: io.now(),
          patch: flags.patch,
          reason: flags.reason,
          artifact: flags.artifact,
        });
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e;
        io.err(`mlops: cannot register run ${run.id}: ${e.message}\n`);
        throw new NoError();
      }
      await checkArtifactStored(root, io, run, reg.version);
      const v = reg.version;
      const runPath = `registry/runs/${run.experiment}/${run.id}.yaml`;
      const edits = [
        { path: runPath, content: readFileSync(join(root, runPath), 'utf8') },
        ...reg.files,
      ];
      const { oid, branch } = await commitHere(
        root,
        io,
        edits,
        `Register ${name} ${v.version} from run ${run.id}\n\n${v.change.reason}\n\n${metricLine(v)}`,
        { Model: name, Version: v.version, Run: run.id, Change: v.change.level },
        { branch: flags.branch },
      );
      if (flags.json) {
        return json(io, {
          version: v,
          card: reg.version.card,
          commit: oid,
          branch,
          files: edits.map((e) => e.path),
        });
      }
      io.out(
        `registered ${name} ${v.version} (${v.change.level}: ${v.change.reason})\n` +
          `  ${metricLine(v)}\n` +
          edits.map((e) => `  ${e.path}\n`).join('') +
          `  committed on ${branch} as ${oid.slice(0, 7)}\n`,
      );
    });
}

function metricLine(v: ModelVersion): string {
  return Object.entries(v.metrics)
    .map(([k, x]) => `${k} ${formatMetric(x)}`)
    .join(' · ');
}

/**
 * A version must name bytes someone can fetch: the model artifact has to be on the remote
 * its uri names (training pushes it; a run trained elsewhere may not have been).
 */
async function checkArtifactStored(root: string, io: Io, run: Run, v: ModelVersion) {
  const remote = /^mlops:\/\/([^/]+)\//.exec(v.artifact.uri)?.[1];
  if (!remote) return;
  const ws = new DataWorkspace(root, io.env);
  try {
    const { store } = ws.store(remote);
    const key = refKey(pointerRef({ hash: v.artifact.hash, dir: false }));
    const info = await store.stat(key);
    if (!info || info.size !== v.artifact.size) {
      io.err(
        `mlops: cannot register run ${run.id}: its artifact ${v.artifact.hash} is not on remote "${remote}"${info ? ` (size ${info.size}, expected ${v.artifact.size})` : ''}; a version must name bytes others can fetch\n`,
      );
      throw new NoError();
    }
  } finally {
    ws.close();
  }
}
