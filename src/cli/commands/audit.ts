import type { Command } from 'commander';
import { auditBranch, formatAudit } from '../../audit/index.js';
import { listBranches, openRepo } from '../../repo/index.js';
import { openForge } from '../forge.js';
import { UsageError, json, type Io } from '../io.js';

const HELP = `
Replays the branch's first-parent history and checks, for every version that reached
production (and the candidate in flight), its chain of custody, link by link:

  registration   the commit that added its ModelVersion
  promotion-pr   the merge commit of its promotion pull request, confirmed by the forge:
                 the pull request exists, was merged into this branch, and this commit is
                 its merge (a commit message alone proves nothing)
  approval       the pull request re-judged with the governance policy at the merge's base
  rollout        the rollout controller's steps: one rollout id, each a legal transition
  promotion      production set by the controller's promote step

Any other change of production, rollout, archived, rejected or the traffic files is a broken
link too. The first broken link of each chain is named with its commit (short sha, subject,
author) and why. A production present in the registry's first commit (its import) is the
trust anchor. Exit code 0 when every chain verifies, 1 when one is broken. The forge is the
local one unless MLOPS_FORGE=github (then MLOPS_TOKEN or GITHUB_TOKEN and GITHUB_REPOSITORY).`;

export function registerAudit(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('audit')
    .description(
      "prove each production version's chain of custody from git and the forge: registration → promotion PR → approval → rollout → promotion",
    )
    .argument('[model]', 'only this model (default: every model with a Deployment)')
    .option(
      '--ref <branch>',
      'the branch to replay (and that promotions must have merged into)',
      'main',
    )
    .option('--as <user>', 'who reads the local forge (default: your git user name)')
    .option('--json', 'print the audit as JSON')
    .addHelpText('after', HELP)
    .action(
      async (model: string | undefined, flags: { ref: string; as?: string; json?: boolean }) => {
        const repo = await openRepo(io.cwd);
        // a promotion is bound to the branch it merged into: the audit replays a branch, by name
        if (!(await listBranches(repo)).includes(flags.ref))
          throw new UsageError(`--ref must name a local branch; "${flags.ref}" is none`);
        const forge = await openForge(repo, io, flags.as);
        const a = await auditBranch(repo, forge, {
          branch: flags.ref,
          ...(model !== undefined ? { model } : {}),
        });
        if (flags.json) json(io, a);
        else io.out(formatAudit(a));
        if (!a.ok) setExit(1);
      },
    );
}
