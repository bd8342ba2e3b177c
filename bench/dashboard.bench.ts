/**
 * Dashboard build time on the generated registry of 400 models × 10 versions (12,811 records,
 * every version with its Run and ModelCard): `mlops dashboard` through the built CLI, as a
 * user or the Pages workflow runs it, start-up included, writing 4,402 pages. Two floors as
 * peers: git itself reading the same records (`git ls-tree` + `git cat-file --batch`, no
 * parsing, no rendering), which any tool reading the registry from git pays, and `cp -r` of
 * the built site, which writing the same files pays (on a slow disk, most of the time).
 *
 * Run alone: `npx tsx bench/dashboard.bench.ts`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectSite, renderSite, siteLinks } from '../src/dashboard/index.js';
import { openRepo } from '../src/repo/index.js';
import { figure, printFigures, time, type Figure } from './figure.js';
import { gitReadRecords, wall } from './processes.js';
import { WORK, registryRepo } from './gen-registry.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'mlops.js');
export async function run(runs = 5): Promise<Figure[]> {
  const { dir, records } = registryRepo(400, 10);
  const out = mkdtempSync(join(WORK, 'dashboard-'));
  try {
    const site = join(out, 'site');
    const ours = wall('node', [CLI, 'dashboard', '--ref', 'main', '--out', site], dir, runs);
    const pages = readdirSync(join(site, 'models'), { recursive: true }).filter((p) =>
      String(p).endsWith('.html'),
    ).length;
    const peer = gitReadRecords(dir, runs);
    // what is not writing: the records and history read, and every page rendered, in memory
    const inMemory = await time(async () => {
      const repo = await openRepo(dir);
      renderSite(await collectSite(repo, { ref: 'main' }), siteLinks());
    }, runs);
    // the output's floor: the same pages written again by cp, into a fresh folder each run
    const copy = wall(
      'sh',
      ['-c', `rm -rf "${out}/copy" && cp -r "${site}" "${out}/copy"`],
      dir,
      runs,
    );
    return [
      figure(
        `dashboard of ${records} records: writing its ${pages + 2} pages`,
        ours,
        'cp -r of the built site (the same files written by cp)',
        copy,
      ),
      figure(
        `dashboard of ${records} records in memory: read and render, no writing (in-process)`,
        inMemory,
        'git ls-tree + cat-file --batch of the same records (read only)',
        peer,
      ),
      figure(
        `dashboard of ${records} records (400 models × 10 versions): ${pages + 2} pages, via the CLI`,
        ours,
        'git ls-tree + cat-file --batch of the same records (read only)',
        peer,
      ),
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printFigures(await run());
