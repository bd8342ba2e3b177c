import type { Command } from 'commander';
import { buildDashboard } from '../../dashboard/index.js';
import { formatFinding } from '../../records/index.js';
import { openRepo } from '../../repo/index.js';
import { openForge } from '../forge.js';
import { UsageError, json, wholeNumber, type Io } from '../io.js';

export function registerDashboard(program: Command, io: Io) {
  program
    .command('dashboard')
    .description(
      'build the registry dashboard, a static site from the repository alone: models, stages, metric charts across versions, model cards, rollout timelines, drift and the audit trail',
    )
    .option(
      '--out <dir>',
      'write the site here (default: site/ at the top of the repository); a previous dashboard there is replaced whole, anything else is refused',
    )
    .option('--ref <ref>', 'show the registry at this ref', 'HEAD')
    .option(
      '--repo-url <url>',
      "the repository's web address, for links to commits and pull requests (default: the Actions run's repository, or origin when it is on GitHub; else the links stay in the site)",
    )
    .option('-n, --limit <n>', 'commits of the audit trail at most', wholeNumber('--limit'), 1000)
    .option(
      '--confirm',
      'ask the forge (the local one, or GitHub with MLOPS_FORGE=github) which pull requests it confirms; without it the site is built from git alone and marks every pull request "from the commit message (not confirmed)"',
    )
    .option(
      '--branch <branch>',
      'with --confirm: the branch pull requests must have merged into',
      'main',
    )
    .option('--json', 'print what was written as JSON')
    .action(
      async (opts: {
        out?: string;
        ref: string;
        repoUrl?: string;
        limit: number;
        json?: boolean;
        confirm?: boolean;
        branch: string;
      }) => {
        if (opts.out === '') throw new UsageError('--out must name a folder');
        if (opts.repoUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(opts.repoUrl))
          throw new UsageError(`--repo-url must be an http(s) address; got "${opts.repoUrl}"`);
        const started = performance.now();
        const r = await buildDashboard({
          dir: io.cwd,
          ...(opts.out !== undefined ? { out: opts.out } : {}),
          ref: opts.ref,
          limit: opts.limit,
          env: io.env,
          ...(opts.repoUrl !== undefined ? { repoUrl: opts.repoUrl } : {}),
          ...(opts.confirm
            ? { forge: await openForge(await openRepo(io.cwd), io), branch: opts.branch }
            : {}),
        });
        if (opts.json) return json(io, r);
        for (const f of r.skipped)
          io.err(`mlops: warning: left out of the dashboard: ${formatFinding(f)}\n`);
        const ms = Math.round(performance.now() - started);
        io.out(
          `dashboard of ${r.models.length} model${r.models.length === 1 ? '' : 's'} at ${r.commit.slice(0, 7)}: ${r.pages} pages in ${ms} ms\n` +
            `open ${r.index}\n`,
        );
      },
    );
}
