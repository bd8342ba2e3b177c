import type { Command } from 'commander';
import { formatFinding } from '../../records/index.js';
import { artifactChecker, datasetChecker } from '../../data/index.js';
import { openRepo } from '../../repo/index.js';
import { validateRepository } from '../../validate/index.js';
import { UsageError, json, parseJobs, type Io } from '../io.js';

export function registerValidate(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('validate')
    .description(
      "check records and workflows: schema, paths, references, invariants, and against --base: immutability, what only the rollout controller may change, stale promotions, and the data behind the change (through the base's remotes)",
    )
    .option('--base <ref>', 'compare with this ref (a PR base); only what changed is re-checked')
    .option('--ref <ref>', 'validate this commit instead of the work tree')
    .option('--full', 'with --base, re-check every record, not only the changed ones')
    .option(
      '--no-data',
      "with --base, skip the data checks: changed datasets' expectations and the stored artifacts of new versions",
    )
    .option('--format <format>', 'text, json or github (workflow annotations)', 'text')
    .option('--json', 'same as --format json')
    .option(
      '-j, --jobs <n>',
      'threads for the check (default: one per core, at most 4, from 20,000 files)',
      parseJobs,
    )
    .action(
      async (opts: {
        base?: string;
        ref?: string;
        full?: boolean;
        format: string;
        json?: boolean;
        jobs?: number;
        data: boolean;
      }) => {
        const format = opts.json ? 'json' : opts.format;
        if (!['text', 'json', 'github'].includes(format)) {
          throw new UsageError(
            `--format must be text, json or github; got ${JSON.stringify(format)}`,
          );
        }
        const started = performance.now();
        const report = await validateRepository({
          dir: io.cwd,
          base: opts.base,
          ref: opts.ref,
          full: opts.full,
          jobs: opts.jobs,
          // the data checks reach storage through the base's remotes, with the credentials of
          // io.env unless the change edits data/remotes.yaml
          ...(opts.base && opts.data ? await dataChecks(io) : {}),
        });
        const errors = report.findings.filter((f) => f.severity === 'error');
        if (format === 'json') json(io, { ok: errors.length === 0, ...report });
        else if (format === 'github') {
          for (const f of report.findings) {
            const level = f.severity === 'error' ? 'error' : 'warning';
            io.out(
              `::${level} file=${f.path},line=${f.line},col=${f.col},title=${f.rule}::${escapeAnnotation(f.message)}\n`,
            );
          }
        } else {
          for (const f of report.findings) io.err(formatFinding(f) + '\n');
          const ms = Math.round(performance.now() - started);
          const against = report.base ? ` against ${report.base.slice(0, 7)}` : '';
          io.err(
            `${report.checkedFiles} files checked${against} in ${ms} ms: ` +
              (errors.length ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : 'ok') +
              '\n',
          );
        }
        setExit(errors.length ? 1 : 0);
      },
    );
}

async function dataChecks(io: Io) {
  const root = (await openRepo(io.cwd)).dir;
  return {
    checkDatasets: datasetChecker(root, io.env),
    checkArtifacts: artifactChecker(root, io.env),
  };
}

function escapeAnnotation(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
