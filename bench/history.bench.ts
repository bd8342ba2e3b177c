/**
 * History speed on a generated registry of 10,000 commits over 100 models (a third of the
 * changes arriving as merged branches): our `history()` against `git log -- <paths>` with a
 * format that makes git read the same fields we return. Ours opens the repository afresh each
 * run (cold caches), as one `mlops history` does; both are medians of 7 runs after a warm-up.
 *
 * Run alone: `npx tsx bench/history.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { history, openRepo } from '../src/repo/index.js';
import { figure, printFigures, time } from './figure.js';
import type { Figure } from './figure.js';
import { genRepo, gitEnv, modelName } from './gen-repo.js';

const COMMITS = 10_000;
const MODELS = 100;

export async function run(): Promise<Figure[]> {
  const dir = genRepo(COMMITS, MODELS);
  const model = modelName(42);
  const figures: Figure[] = [];
  const cases: [string, string[]][] = [
    [`registry/models/${model}`, [`registry/models/${model}/`]],
    // What `mlops history MODEL` asks for.
    [
      `mlops history ${model} paths`,
      [`registry/models/${model}/`, `model-cards/${model}/`, `registry/runs/${model}/`],
    ],
  ];
  for (const [name, paths] of cases) {
    const gitArgs = [
      'log',
      '--format=%H%x00%an%x00%at%x00%B',
      'main',
      '--',
      ...paths.map((p) => p.replace(/\/$/, '')),
    ];
    let count = 0;
    const ours = await time(async () => {
      const repo = await openRepo(dir);
      count = (await history(repo, { ref: 'main', paths })).length;
    });
    let gitCount = 0;
    const peer = await time(() => {
      const r = spawnSync('git', gitArgs, { cwd: dir, env: gitEnv, maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(r.stderr.toString());
      gitCount = (r.stdout.toString().match(/^[0-9a-f]{40}\0/gm) ?? []).length;
    });
    if (count !== gitCount) throw new Error(`history found ${count} commits, git log ${gitCount}`);
    figures.push(
      figure(
        `history ${name} (${COMMITS} commits, ${count} shown)`,
        ours,
        `git ${gitArgs.join(' ')}`,
        peer,
        'ratio <= 3',
      ),
    );
  }
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
