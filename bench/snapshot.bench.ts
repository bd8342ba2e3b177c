/**
 * Snapshot speed: every record file at an old commit of the generated 10,000-commit registry,
 * listed and read (`listFiles` + `readBlob`, a fresh repository handle per run) against
 * `git ls-tree -r` piped into `git cat-file --batch` for the same files. Medians of 7 runs.
 *
 * Run alone: `npx tsx bench/snapshot.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listFiles, openRepo, readBlob } from '../src/repo/index.js';
import { figure, printFigures, time } from './figure.js';
import type { Figure } from './figure.js';
import { genRepo, gitEnv } from './gen-repo.js';

const PREFIXES = ['registry/', 'data/', 'policies/', 'model-cards/', '.github/workflows/'];

export async function run(): Promise<Figure[]> {
  const dir = genRepo(10_000, 100);
  const figures: Figure[] = [];
  for (const at of ['main~5000', 'main']) {
    let files = 0;
    let bytes = 0;
    const ours = await time(async () => {
      const repo = await openRepo(dir);
      const list = await listFiles(repo, at, PREFIXES);
      bytes = 0;
      for (const f of list) bytes += (await readBlob(repo, f.oid)).length;
      files = list.length;
    });
    const script = `git ls-tree -r --format='%(objectname)' ${at} -- ${PREFIXES.join(' ')} | git cat-file --batch`;
    let gitBytes = 0;
    const peer = await time(() => {
      const r = spawnSync('sh', ['-c', script], { cwd: dir, env: gitEnv, maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(r.stderr.toString());
      gitBytes = r.stdout.length;
    });
    if (gitBytes <= bytes) throw new Error(`git read ${gitBytes} bytes, we read ${bytes}`);
    figures.push(
      figure(
        `snapshot at ${at}: ${files} record files, ${(bytes / 1024).toFixed(0)} KiB`,
        ours,
        script,
        peer,
        'ratio <= 3',
      ),
    );
  }
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
