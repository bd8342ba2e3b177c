import type { Command } from 'commander';
import { DataWorkspace } from '../../data/index.js';
import { commitAuthor, currentBranch, openRepo, resolveRef, type Repo } from '../../repo/index.js';
import {
  abortModelRollout,
  deployedModels,
  isRefusal,
  metricsProviderFor,
  PrometheusMetricsProvider,
  readRolloutSnapshot,
  refusedIssue,
  startModelRollout,
  tickRollout,
  type RolloutTarget,
  type TickResult,
} from '../../rollout/index.js';
import { openForge } from '../forge.js';
import { json, type Io } from '../io.js';
import { printTick, tickJson } from './rollout-print.js';
import { branchOption } from '../branch-option.js';

interface Common {
  branch: string;
  json?: boolean;
}
interface TickFlags extends Common {
  metricsDir?: string;
  as?: string;
}

const HELP = `
A rollout walks the candidate through the stages of policies/rollout.yaml (5 % for 6h → 20 %
for 12h → 50 % for 24h → 100 % by default). Every tick reads both arms over the current step's
window from the policy's metrics provider (file: JSONL buckets on the data remote under
metrics/<model>/<rollout id>/; prometheus: PromQL over its HTTP API) and decides: rollback
(error rate > 2×, latency p95 > 1.5×, accuracy drop > 5 % against the baseline, or the A/B
analysis says keep the control), advance at a hold's end, promote at the last gate when
P(candidate better) ≥ 0.95, or continue. A tick that changes the state commits the Deployment
and the traffic configuration (registry/models/<model>/traffic/) with the figures; one that
changes nothing commits nothing. The rollout Action ticks every 15 minutes.

Before every step that moves traffic toward the candidate or moves production (start, advance,
promote), the controller re-verifies the candidate's approval (a promotion pull request merged
into this branch, re-judged with the policy at its base) and that the Deployment is its own
work: since production was last set, production, the rollout block, archived, rejected and the
traffic files changed only through its own legal steps. Otherwise it commits nothing, opens (or
updates) the issue "Rollout refused: <model> <version>" and exits 1. A rollback or an abort
is never held up by this. \`mlops audit\` checks the whole history the same way.`;

export function registerRollout(program: Command, io: Io, setExit: (code: number) => void) {
  const rollout = program
    .command('rollout')
    .description('gradual rollout of approved candidates: start, tick, status, abort')
    .addHelpText('after', HELP);

  rollout
    .command('start')
    .description(
      'start the rollout of the model’s candidate, after verifying the approval of its merged promotion pull request',
    )
    .argument('<model>')
    .option(
      '--branch <branch>',
      'the branch the Deployment is on',
      branchOption('--branch'),
      'main',
    )
    .option('--as <user>', 'who acts on the local forge (default: your git user name)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
A candidate that reached the branch without a satisfying approval, or a Deployment changed
outside the controller, is not rolled out: an issue "Rollout refused: <model> <version>" is
opened (or updated) and the exit code is 1.`,
    )
    .action(async (model: string, flags: Common & { as?: string }) => {
      const { repo, target } = await openTarget(io, flags.branch);
      const forge = await openForge(repo, io, flags.as);
      try {
        const r = await startModelRollout({ ...target, forge }, model);
        if (flags.json) return json(io, r);
        io.out(`${model}: ${r.started ? r.reason : `nothing to start: ${r.reason}`}\n`);
        if (r.approval) io.out(`  approval: ${r.approval.summary}\n`);
        if (r.commit) io.out(`  committed ${r.commit.slice(0, 7)} on ${flags.branch}\n`);
      } catch (e) {
        if (!isRefusal(e)) throw e;
        const issue = await refusedIssue(forge, e);
        if (flags.json) json(io, { model, started: false, reason: e.message, issue });
        else io.err(`mlops: ${e.message}\n  issue #${issue.number}: ${issue.title}\n`);
        setExit(1);
      }
    });

  const tickLike = (name: 'tick' | 'status') =>
    rollout
      .command(name)
      .argument('[models...]', 'the models (default: every model with a rollout in progress)')
      .option(
        '--branch <branch>',
        'the branch the Deployments are on',
        branchOption('--branch'),
        'main',
      )
      .option(
        '--metrics-dir <dir>',
        'read file metrics from <dir>/<model>/<rollout id>/ instead of the data remote',
      )
      .option('--as <user>', 'who acts on the local forge (default: your git user name)')
      .option('--json', 'print the decisions as JSON');

  tickLike('tick')
    .description('decide every running rollout once, and commit the steps that change its state')
    .action(async (models: string[], flags: TickFlags) => {
      await runTicks(io, models, flags, false, setExit);
    });

  tickLike('status')
    .description(
      'show each rollout: step, weight, hold, both arms’ figures and what a tick would decide now (commits nothing)',
    )
    .action(async (models: string[], flags: TickFlags) => {
      await runTicks(io, models, flags, true, setExit);
    });

  rollout
    .command('abort')
    .description(
      'stop a rollout by hand: the candidate is rejected with the reason and its traffic goes back to 0 %',
    )
    .argument('<model>')
    .requiredOption('--reason <text>', 'why; kept in the Deployment’s rejected list and the commit')
    .option(
      '--branch <branch>',
      'the branch the Deployment is on',
      branchOption('--branch'),
      'main',
    )
    .option('--json', 'print the result as JSON')
    .action(async (model: string, flags: Common & { reason: string }) => {
      const { target } = await openTarget(io, flags.branch);
      const r = await abortModelRollout(target, model, flags.reason);
      if (flags.json) return json(io, r);
      io.out(`${model}: ${r.reason}${r.commit ? ` (committed ${r.commit.slice(0, 7)})` : ''}\n`);
    });
}

async function openTarget(io: Io, branch: string): Promise<{ repo: Repo; target: RolloutTarget }> {
  const repo = await openRepo(io.cwd);
  const now = io.now();
  return {
    repo,
    target: {
      repo,
      branch,
      now,
      author: await commitAuthor(io.cwd, io.env, now),
      updateWorkTree: (await currentBranch(repo)) === branch,
    },
  };
}

async function runTicks(
  io: Io,
  named: string[],
  flags: TickFlags,
  dryRun: boolean,
  setExit: (code: number) => void,
) {
  const { repo, target } = await openTarget(io, flags.branch);
  const forge = await openForge(repo, io, flags.as);
  const ws = new DataWorkspace(io.cwd, io.env);
  io.defer?.(() => ws.close());
  const models = named.length ? named : await runningRollouts(repo, flags.branch);
  const results: object[] = [];
  for (const model of models) {
    let r: TickResult;
    try {
      r = await tickRollout(
        {
          ...target,
          forge,
          dryRun,
          metrics: (snap, state) =>
            metricsProviderFor(snap.policy, model, state.id, {
              store: (remote) => ws.store(remote),
              ...(flags.metricsDir !== undefined ? { dir: flags.metricsDir } : {}),
              prometheus: (m, config) =>
                new PrometheusMetricsProvider({
                  model: m,
                  url: config.url,
                  queries: config.queries,
                }),
            }),
        },
        model,
      );
    } catch (e) {
      // a refused step commits nothing; the other models still tick
      if (!isRefusal(e)) throw e;
      const issue = await refusedIssue(forge, e);
      if (flags.json) results.push({ model, action: 'refused', reason: e.message, issue });
      else io.err(`mlops: ${e.message}\n  issue #${issue.number}: ${issue.title}\n`);
      setExit(1);
      continue;
    }
    results.push(tickJson(r));
    if (!flags.json)
      printTick(io, r, dryRun, await readRolloutSnapshot(repo, r.commit ?? r.readAt, model));
  }
  if (flags.json) return json(io, results);
  if (!models.length) io.out('no rollout in progress\n');
}

/** The models whose Deployment has a rollout block at the branch tip. */
async function runningRollouts(repo: Repo, branch: string): Promise<string[]> {
  const head = await resolveRef(repo, branch);
  const out: string[] = [];
  for (const m of await deployedModels(repo, head)) {
    const snap = await readRolloutSnapshot(repo, head, m);
    if (snap.deployment.rollout) out.push(m);
  }
  return out;
}
