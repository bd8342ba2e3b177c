import type { Command } from 'commander';
import { commitAuthor, openRepo } from '../../repo/index.js';
import { promote, PromoteError } from '../../promote/index.js';
import { NoError, json, type Io } from '../io.js';
import { openForge } from '../forge.js';

interface PromoteFlags {
  base: string;
  from?: string;
  merge: boolean;
  as?: string;
  json?: boolean;
}

export function registerPromote(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('promote')
    .description(
      'open (or update) the promotion pull request of a registered version: branch promote/<model>/<version> with the candidate set, governance judged by the base’s policy, merged at once when policy allows it',
    )
    .argument('<model>')
    .argument('<version>')
    .option('--base <branch>', 'the branch promotions merge into', 'main')
    .option('--from <ref>', 'where the registration is when the base lacks it (default HEAD)')
    .option('--no-merge', 'leave a pull request policy would merge open')
    .option('--as <user>', 'who opens it on the local forge (default: your git user name)')
    .option('--json', 'print the pull request and the decision as JSON')
    .addHelpText(
      'after',
      `
Low risk with every check passing is approved by policy and merged (the decision in the merge
commit). High risk waits for the approvers (mlops pr approve N --as USER); a failing check
marks the pull request failing and it never merges. Re-running updates the same pull request.
Exit code 0 when merged or waiting for review, 1 when governance rejects the version.`,
    )
    .action(async (model: string, version: string, flags: PromoteFlags) => {
      const repo = await openRepo(io.cwd);
      const forge = await openForge(repo, io, flags.as);
      let r;
      try {
        r = await promote({
          repo,
          forge,
          model,
          version,
          base: flags.base,
          from: flags.from,
          author: await commitAuthor(io.cwd, io.env, io.now()),
          merge: flags.merge,
        });
      } catch (e) {
        if (e instanceof PromoteError && e.code === 'NOT_REGISTERED') {
          io.err(`mlops: ${e.message}\n`);
          throw new NoError();
        }
        throw e;
      }
      const j = r.judgement;
      if (flags.json) {
        json(io, {
          pr: r.pr,
          created: r.created,
          branch: r.branch,
          head: r.head,
          decision: j.result.decision,
          risk: j.result.risk,
          checks: j.result.checks,
          status: j.status,
          approval: j.approval,
          merged: r.merged ?? null,
        });
      } else {
        io.out(
          `${r.created ? 'opened' : 'updated'} #${r.pr.number} ${r.pr.title} (${r.branch} → ${r.pr.base})\n` +
            `  ${j.result.decision}, risk ${j.result.risk.level}${j.result.risk.reasons.length ? `: ${j.result.risk.reasons.join('; ')}` : ''}\n` +
            `  governance: ${j.status.state}: ${j.status.description}\n` +
            (r.merged ? `  merged as ${r.merged.slice(0, 7)}\n` : ''),
        );
      }
      if (j.result.decision === 'reject') setExit(1);
    });
}
