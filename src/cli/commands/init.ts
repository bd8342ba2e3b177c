import { resolve } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../demo/example.js';
import {
  DEFAULT_ACTIONS_REPO,
  IGNORED,
  InitError,
  initRepository,
  parseActions,
  parseApprovers,
  type InitResult,
} from '../../init/index.js';
import { NoError, UsageError, json, type Io } from '../io.js';
import { VERSION } from '../version.js';

const HELP = `
What it writes, at the top of the git work tree (never over an existing file):
  policies/{governance,rollout,drift,retraining}.yaml  the shipped default policies
  data/remotes.yaml         a local data remote (.mlops/remote), and an S3/MinIO one to uncomment
  schemas/*.json            JSON Schemas of the records, for editor completion
  registry/{models,runs,features}/, model-cards/   empty, each kept with a .gitkeep
  .github/workflows/*.yml   validate, train, rollout, drift, retrain and dashboard workflows
  .github/CODEOWNERS        the approvers own policies/, .github/, actions/ and data/remotes.yaml
  .gitignore                created, or only the missing lines (${IGNORED.join(', ')}) appended

The workflows' local actions (uses: ./actions/<name>, or ./.mlops-base/actions/<name> where a
job that holds secrets runs them from its checkout of the pull request's base) are rewritten to
${DEFAULT_ACTIONS_REPO}/actions/<name>@v${VERSION}; --actions owner/repo@ref takes them from
another repository (a fork, a mirror), and --actions vendor copies the bundled actions into
actions/<name>/ instead (for GitHub Enterprise Server without access to github.com).

Nothing is committed: review the files, then commit them. Running it again creates nothing.
`;

export function registerInit(program: Command, io: Io, _setExit: (code: number) => void) {
  program
    .command('init')
    .description(
      'scaffold gitops-mlops into an existing git repository: policies, workflows, schemas and record folders',
    )
    .option('--dir <dir>', 'a folder of the repository (default: the current one)')
    .option(
      '--approvers <handles>',
      'comma-separated GitHub users or org/teams who approve high-risk changes (default: ml-leads,qa-leads)',
    )
    .option(
      '--actions <source>',
      `owner/repo@ref to take the actions from, or vendor to copy them (default: ${DEFAULT_ACTIONS_REPO}@v${VERSION})`,
    )
    .option('--dry-run', 'list what would be created, write nothing')
    .option('--json', 'print { root, created, kept, appended }')
    .addHelpText('after', HELP)
    .action(
      async (opts: {
        dir?: string;
        approvers?: string;
        actions?: string;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const ref = `v${VERSION}`;
        let result: InitResult;
        try {
          // every option is checked before anything is written
          const approvers =
            opts.approvers === undefined ? undefined : parseApprovers(opts.approvers);
          const actions =
            opts.actions === undefined
              ? { repo: DEFAULT_ACTIONS_REPO, ref }
              : parseActions(opts.actions, ref);
          result = await initRepository({
            dir: resolve(io.cwd, opts.dir ?? '.'),
            packageRoot: packageRoot(),
            approvers,
            actions,
            dryRun: opts.dryRun,
          });
        } catch (e) {
          // a link out of the repository is bad input, refused (exit 1), not a usage problem
          if (e instanceof InitError && e.code === 'OUTSIDE_REPO') {
            io.err(`mlops: ${e.message}\n`);
            throw new NoError(e.message);
          }
          if (e instanceof InitError) throw new UsageError(e.message);
          throw e;
        }
        if (opts.json) {
          json(io, {
            root: result.root,
            created: result.created,
            kept: result.kept.map((k) => k.path),
            appended: result.appended.map((a) => a.path),
          });
          return;
        }
        printResult(io, result, opts.dryRun === true);
      },
    );
}

function printResult(io: Io, r: InitResult, dryRun: boolean): void {
  for (const k of r.kept) io.out(`kept ${k.path} (${k.because})\n`);
  for (const c of r.created) io.out(`${dryRun ? 'would create' : 'created'} ${c}\n`);
  for (const a of r.appended) {
    io.out(
      `${dryRun ? 'would append to' : 'appended to'} ${a.path}: ${a.lines.join(', ')} (the one edit of an existing file)\n`,
    );
  }
  if (!r.created.length && !r.appended.length) {
    io.out(`nothing to do: gitops-mlops is already set up here (${r.kept.length} files kept)\n`);
    return;
  }
  if (dryRun) {
    io.out(
      `dry run: ${r.created.length} files would be created in ${r.root}; nothing was written\n`,
    );
    return;
  }
  io.out(`
${r.created.length} file${r.created.length === 1 ? '' : 's'} created${r.appended.map((a) => `, ${a.path} appended to`).join('')} in ${r.root}; nothing was committed.

Next steps:
  1. git add -A && git commit -m "Adopt gitops-mlops"
  2. mlops validate
  3. On GitHub (README, section "Adopt it"):
     - add the secret MLOPS_TOKEN: a GitHub App installation token or a fine-grained PAT with
       Contents read and write (pushes made with GITHUB_TOKEN start no other workflow);
     - register your GPU machines as self-hosted runners with the labels: self-hosted, gpu;
     - protect the main branch: require the \`validate\` and \`mlops/governance\` checks, and
       require review from code owners (.github/CODEOWNERS names the approvers).
`);
}
