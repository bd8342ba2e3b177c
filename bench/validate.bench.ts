/**
 * Validation speed on generated registries of 400 and 1,000 models × 10 versions, each
 * version with its Run and ModelCard (12,811 and 32,011 records). Run through the built
 * CLI, as a user would, so process start-up is included.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { figure, printFigures, type Figure } from './figure.js';
import { gitReadRecords, wall } from './processes.js';
import { registryRepo } from './gen-registry.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'mlops.js');

export function run(runs = 5): Promise<Figure[]> {
  // ≈12,000 records with every version's card and run: 400 models × 10 versions
  const small = registryRepo(400, 10);
  const smallFull = wall('node', [CLI, 'validate', '--ref', 'main'], small.dir, runs);
  const { dir, records } = registryRepo(1000, 10);
  // the peer: reading the same blobs with git itself, no parsing, no checks
  const gitRead = gitReadRecords(dir, runs);
  const full = wall('node', [CLI, 'validate', '--ref', 'main'], dir, runs);
  const change = wall('node', [CLI, 'validate', '--base', 'main', '--ref', 'change'], dir, runs);
  const start = wall('node', [CLI, '--version'], dir, runs);
  return Promise.resolve([
    figure(
      `validate, full: ${small.records} records (400 models × 10 versions)`,
      smallFull,
      'the 2,000 ms target',
      2000,
      '<= 2000 ms',
    ),
    figure(
      `validate, full: ${records} records (1,000 models × 10 versions)`,
      full,
      'git ls-tree + cat-file --batch (read only)',
      gitRead,
    ),
    figure(
      'validate --base: a 7-file change against main',
      change,
      'node start-up (mlops --version)',
      start,
      '<= 300 ms',
    ),
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printFigures(await run());
