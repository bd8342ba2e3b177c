/**
 * The chain of custody's cost.
 *
 * 1. `mlops audit` of one model on a generated 10,000-commit registry (bench/gen-custody.ts:
 *    gen-repo.ts's shape, with valid Deployments and the controller's own steps, so the audit
 *    follows real chains) against native `git log --first-parent` of the same paths in the same
 *    run. Ours opens the repository afresh each run (cold caches), as one `mlops audit` does.
 *    `history()` alone on the same paths is printed too: the walk is most of the audit.
 * 2. What the controller's re-verification adds to a tick on the demo repository (`mlops demo`,
 *    cached): the tick that advances the demo's 1.2.0 rollout from 5 % to 20 %, decided and
 *    committed on main reset to the start step before each run, with the real verifier
 *    (approval through the local forge, then custody) against the same tick without it.
 *
 * Medians of 5 runs after a warm-up. Run alone: `npx tsx bench/audit.bench.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditBranch } from '../src/audit/index.js';
import { main } from '../src/cli/main.js';
import { DataWorkspace } from '../src/data/index.js';
import { LocalForge } from '../src/forge/index.js';
import { history, openRepo } from '../src/repo/index.js';
import {
  deploymentPath,
  metricsProviderFor,
  tickRollout,
  type StepVerifier,
} from '../src/rollout/index.js';
import { figure, median, printFigures, time, type Figure } from './figure.js';
import { genCustodyRepo } from './gen-custody.js';
import { WORK, gitEnv, modelName } from './gen-repo.js';

const COMMITS = 10_000;
const MODELS = 100;
const RUNS = 5;

export async function run(): Promise<Figure[]> {
  return [...(await auditFigures()), ...(await tickFigures())];
}

async function auditFigures(): Promise<Figure[]> {
  const dir = genCustodyRepo(COMMITS, MODELS);
  const model = modelName(42);
  const paths = [
    deploymentPath(model),
    `registry/models/${model}/traffic/`,
    `registry/models/${model}/versions/`,
  ];
  const gitArgs = [
    'log',
    '--first-parent',
    '--format=%H%x00%an%x00%at%x00%B',
    'main',
    '--',
    ...paths.map((p) => p.replace(/\/$/, '')),
  ];
  let chains = 0;
  const ours = await time(async () => {
    const repo = await openRepo(dir);
    const a = await auditBranch(repo, new LocalForge(repo, { login: 'bench' }), {
      branch: 'main',
      model,
    });
    chains = a.models[0]!.chains.length;
  }, RUNS);
  let shown = 0;
  const walk = await time(async () => {
    const repo = await openRepo(dir);
    shown = (await history(repo, { ref: 'main', paths, firstParent: true })).length;
  }, RUNS);
  let gitShown = 0;
  const peer = await time(() => {
    const r = spawnSync('git', gitArgs, { cwd: dir, env: gitEnv, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(r.stderr.toString());
    gitShown = (r.stdout.toString().match(/^[0-9a-f]{40}\0/gm) ?? []).length;
  }, RUNS);
  if (shown !== gitShown) throw new Error(`history found ${shown} commits, git log ${gitShown}`);
  const peerName = `git ${gitArgs.join(' ')}`;
  return [
    figure(
      `mlops audit ${model} (${COMMITS} commits, ${shown} of them ${model}'s, ${chains} chains)`,
      ours,
      peerName,
      peer,
      'ratio <= 2',
    ),
    figure(`history() --first-parent of the same paths (the audit's walk)`, walk, peerName, peer),
  ];
}

/** The demo's repository, made once with `mlops demo` and kept under bench/.work/. */
async function demoRepo(): Promise<string> {
  const dir = join(WORK, 'demo-custody-v1');
  if (existsSync(join(dir, '.git'))) return dir;
  mkdirSync(WORK, { recursive: true });
  const code = await main(['demo', '--dir', dir], {
    out: () => {},
    err: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date('2026-11-26T08:00:00Z'),
    isTTY: false,
  });
  if (code !== 0) throw new Error(`mlops demo failed (exit ${code})`);
  return dir;
}

async function tickFigures(): Promise<Figure[]> {
  const dir = await demoRepo();
  const model = 'execution-agent';
  const git = (...a: string[]) =>
    execFileSync('git', a, { cwd: dir, env: gitEnv, encoding: 'utf8' }).trim();
  const tip = git('rev-parse', 'main');
  // the start of 1.2.0's rollout, and when the demo's tick advanced it
  const steps = await history(await openRepo(dir), {
    ref: 'main',
    paths: [deploymentPath(model)],
    firstParent: true,
  });
  const of = (decision: string) =>
    steps.findLast(
      (e) => e.trailers.Decision?.[0] === decision && e.trailers.Version?.[0] === '1.2.0',
    );
  const start = of('start');
  const advance = of('advance');
  if (!start || !advance) throw new Error('the demo has no rollout of 1.2.0 to tick');
  const now = new Date(advance.author.timestamp * 1000);
  const skip: StepVerifier = () => Promise.resolve({ approval: 'not verified (bench)' });

  const tick = async (verify: boolean): Promise<number> => {
    git('update-ref', 'refs/heads/main', start.oid);
    const repo = await openRepo(dir);
    const ws = new DataWorkspace(dir, process.env);
    try {
      const t = performance.now();
      const r = await tickRollout(
        {
          repo,
          branch: 'main',
          now,
          author: { name: 'bench', email: 'bench@example.com', timestamp: now.getTime() / 1000 },
          forge: new LocalForge(repo, { login: 'bench' }),
          ...(verify ? {} : { verifyStep: skip }),
          metrics: (snap, state) =>
            metricsProviderFor(snap.policy, model, state.id, { store: (x) => ws.store(x) }),
        },
        model,
      );
      const ms = performance.now() - t;
      if (r.decision.action !== 'advance' || !r.commit)
        throw new Error(`the tick decided ${r.decision.action}: ${r.decision.reason}`);
      return ms;
    } finally {
      ws.close();
    }
  };
  try {
    await tick(true);
    await tick(false);
    const withV: number[] = [];
    const without: number[] = [];
    // interleaved, so a slow moment of the machine lands on both
    for (let i = 0; i < RUNS; i++) {
      withV.push(await tick(true));
      without.push(await tick(false));
    }
    const w = median(withV);
    const wo = median(without);
    return [
      figure(
        `rollout tick on the demo repository with re-verification (adds ${Math.round(w - wo)} ms; goal <= 100 ms)`,
        w,
        'the same tick without it',
        wo,
      ),
    ];
  } finally {
    git('update-ref', 'refs/heads/main', tip);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
