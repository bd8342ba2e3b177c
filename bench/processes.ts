/**
 * Timing whole processes, as a user runs them, and the peer most registry figures share: git
 * itself reading the records of a ref, with no parsing and no checks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { median } from './figure.js';

/** The folders of a registry's records. */
export const RECORD_ROOTS = ['registry', 'model-cards', 'data', 'policies'];

/** Median wall time of `runs` runs of a command, after one that warms the page cache. */
export function wall(
  cmd: string,
  args: string[],
  cwd: string,
  runs: number,
  input?: string,
): number {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd, input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
    if (i > 0) times.push(performance.now() - t);
  }
  return median(times);
}

/**
 * Median wall time of git listing the records at `ref` (`git ls-tree -r`) and reading every
 * one of them (`git cat-file --batch`): the floor of any tool that reads the registry from git.
 */
export function gitReadRecords(dir: string, runs: number, ref = 'main'): number {
  const listing = execFileSync('git', ['ls-tree', '-r', ref, '--', ...RECORD_ROOTS], {
    cwd: dir,
    maxBuffer: 1 << 30,
  })
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/)[2])
    .join('\n');
  return wall(
    'sh',
    [
      '-c',
      `git ls-tree -r ${ref} -- ${RECORD_ROOTS.join(' ')} >/dev/null && git cat-file --batch >/dev/null`,
    ],
    dir,
    runs,
    listing + '\n',
  );
}
