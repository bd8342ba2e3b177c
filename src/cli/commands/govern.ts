import type { Command } from 'commander';
import {
  evaluateGovernance,
  governanceInputsAt,
  governanceMarkdown,
  governanceText,
  readRegistration,
} from '../../governance/index.js';
import { openForge } from '../forge.js';
import { WORKTREE, openRepo } from '../../repo/index.js';
import { UsageError, json, type Io } from '../io.js';

export function registerGovern(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('govern')
    .description(
      'judge a promotion by the governance policy of the base: checks, risk, decision and who must review (exit 1 when rejected)',
    )
    .argument('<model>', 'model name')
    .argument('<version>', 'the version to promote')
    .option(
      '--base <ref>',
      'the branch the promotion lands on: its policy and production judge',
      'main',
    )
    .option('--ref <ref>', 'the change: the commit or branch holding the promotion', 'HEAD')
    .option('--worktree', 'judge the work tree (with uncommitted edits) instead of --ref')
    .option('--json', 'print JSON')
    .option('--markdown', 'print what a pull request shows')
    .action(
      async (
        model: string,
        version: string,
        opts: { base: string; ref: string; worktree?: boolean; json?: boolean; markdown?: boolean },
      ) => {
        if (opts.json && opts.markdown)
          throw new UsageError('--json and --markdown cannot be used together');
        const repo = await openRepo(io.cwd);
        const head = opts.worktree ? WORKTREE : opts.ref;
        const input = await governanceInputsAt(repo, { base: opts.base, head, model, version });
        // who registered the version, as the forge vouches (the local forge: as written)
        if (input.registered)
          input.registration = await readRegistration(repo, await openForge(repo, io), {
            head: head === WORKTREE ? WORKTREE : (input.at?.head ?? head),
            model,
            version,
          });
        const result = evaluateGovernance(input);
        if (opts.json) json(io, result);
        else if (opts.markdown) io.out(governanceMarkdown(result));
        else io.out(governanceText(result));
        setExit(result.decision === 'reject' ? 1 : 0);
      },
    );
}
