import type { Command } from 'commander';
import { commitAuthor, openRepo } from '../../repo/index.js';
import { promote, PromoteError } from '../../promote/index.js';
import { NoError, json, type Io } from '../io.js';
import { openForge } from '../forge.js';
import { branchOption } from '../branch-option.js';

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
    .option('--base <branch>', 'the branch promotions merge into', branchOption('--base'), 'main')
    .option('--from <ref>', 'where the registration is when the base lacks it (default HEAD)')
    .option('--no-merge', 'leave a pull request policy would merge open')
    .option('--as <user>', 'who opens it on the local forge (default: your git user name)')
    .option('--json', 'print the pull request and the decision as JSON')
    .addHelpText(
      'after',
      `
Low risk with every check passing is approved by policy and merged (the decision in the merge
commit). High risk waits for the approvers (mlops pr approve N --as USER); a failing check,
or a change validation refuses, marks the pull request failing and it never merges. A
promotion pull request holds the candidate and the version's registration, nothing else:
anything more is named file by file and needs review (or, for state only the rollout
controller moves, is rejected). Re-running updates the same pull request; re-running for the
version that is already the candidate does nothing.
Exit code 0 when merged, waiting for review or already the candidate, 1 when governance
rejects the version.`,
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
        if (e instanceof PromoteError && e.code === 'ALREADY_CANDIDATE') {
          // nothing to do is no failure: no branch, no pull request, exit 0
          if (flags.json) json(io, { promoted: false, reason: e.message });
          else io.out(`${e.message}\n`);
          return;
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
          reasons: j.result.reasons,
          extraChanges: j.result.extraChanges,
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
            (j.result.decision === 'reject'
              ? j.result.reasons.map((r) => `  - ${r}\n`).join('')
              : '') +
            `  governance: ${j.status.state}: ${j.status.description}\n` +
            (r.merged ? `  merged as ${r.merged.slice(0, 7)}\n` : ''),
        );
      }
      if (j.result.decision === 'reject') setExit(1);
    });
}
