/**
 * What the kill tests check after a kill and after the re-run (test/helpers/kill-harness.ts
 * runs the loop), with the real `git`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The environment of every run: a fixed identity, no user configuration. */
export const KILL_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_AUTHOR_NAME: 'Ada',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Real git in a repository. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: KILL_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Blobs by `rev:path` in one `git cat-file --batch` (null where there is none). */
function blobs(dir: string, specs: string[]): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  if (specs.length === 0) return out;
  const buf = execFileSync('git', ['cat-file', '--batch'], {
    cwd: dir,
    env: KILL_ENV,
    input: specs.join('\n') + '\n',
    maxBuffer: 1 << 28,
  });
  let at = 0;
  for (const spec of specs) {
    const nl = buf.indexOf(10, at);
    const header = buf.toString('utf8', at, nl);
    at = nl + 1;
    const m = / blob ([0-9]+)$/.exec(header);
    if (!m) {
      out.set(spec, null);
      continue;
    }
    const size = Number(m[1]);
    out.set(spec, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

function fileAt(dir: string, path: string): Buffer | null {
  const abs = join(dir, path);
  return existsSync(abs) ? readFileSync(abs) : null;
}

const same = (a: Buffer | null | undefined, b: Buffer | null | undefined) =>
  a === null ? b === null : a !== undefined && b !== undefined && b !== null && a.equals(b);

/** What a kill left, for the checks after the re-run. */
export interface AfterKill {
  moved: boolean;
  /** Paths staged while the branch had not moved, with the blob staged. */
  staged: Map<string, string>;
}

/**
 * The invariants after a kill, wherever it landed: `main` did not move or moved exactly once; every file the command touched (or git sees as
 * changed) holds a whole version of itself (as it was, as the new commit has it, or as the
 * prepared repository had it untracked: never empty or partial); and once the branch has
 * moved, nothing is staged against it (a plain `git commit` would undo it otherwise).
 */
export function checkAfterKill(
  dir: string,
  template: string,
  before: string,
  why: string,
): AfterKill {
  // (`git fsck` after the re-run checks every object, the killed run's included)
  const head = git(dir, 'rev-parse', 'main').trim();
  const moved = head !== before;
  if (moved) {
    expect(git(dir, 'rev-parse', 'main^1').trim(), `${why}: main moved more than once`).toBe(
      before,
    );
  }
  const paths = new Set<string>();
  if (moved) for (const p of lines(git(dir, 'diff', '--name-only', before, head))) paths.add(p);
  const status = git(dir, 'status', '--porcelain', '--untracked-files=all', '-z');
  for (const row of status.split('\0')) if (/^[ MADRCU?!]{2} /.test(row)) paths.add(row.slice(3));
  const specs = [...paths].flatMap((p) => [`${before}:${p}`, `${head}:${p}`]);
  const known = blobs(dir, specs);
  for (const p of paths) {
    const work = fileAt(dir, p);
    const whole =
      same(work, known.get(`${before}:${p}`)) ||
      same(work, known.get(`${head}:${p}`)) ||
      same(work, fileAt(template, p));
    const size = work?.length ?? 'absent';
    expect(whole, `${why}: ${p} is not a whole version of itself (${size} bytes)`).toBe(true);
  }
  const staged = new Map<string, string>();
  const cached = lines(git(dir, 'diff', '--cached', '--name-only', 'main'));
  if (moved) expect(cached, `${why}: staged against the new commit`).toEqual([]);
  else if (cached.length > 0) {
    for (const row of lines(git(dir, 'ls-files', '-s', '--', ...cached))) {
      const [, oid] = row.split(/\s+/);
      staged.set(row.slice(row.indexOf('\t') + 1), oid!);
    }
    for (const p of cached) if (!staged.has(p)) staged.set(p, ''); // staged as deleted
  }
  return { moved, staged };
}

/**
 * The invariants after the re-run: `git status` is clean (nothing staged, modified or left
 * behind in the work tree), the repository is sound (`git fsck` reads every object, those
 * the killed run wrote too), no lock or journal is left, and what
 * the kill had staged was the new commit's content, never something else.
 */
export function checkAfterRerun(dir: string, kill: AfterKill, why: string): void {
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all'), why).toBe('');
  git(dir, 'fsck', '--no-dangling', '--no-progress');
  const gitdir = join(dir, '.git');
  expect(existsSync(join(gitdir, 'index.lock')), `${why}: index.lock left`).toBe(false);
  expect(
    readdirSync(join(gitdir, 'mlops')).filter((n) => n.startsWith('worktree-sync')),
    why,
  ).toEqual([]);
  expect(lockFiles(join(gitdir, 'refs')), `${why}: ref locks left`).toEqual([]);
  if (kill.staged.size === 0) return;
  const final = new Map<string, string>();
  for (const row of lines(git(dir, 'ls-tree', 'main', '--', ...kill.staged.keys()))) {
    final.set(row.slice(row.indexOf('\t') + 1), row.split(/\s+/)[2]!);
  }
  for (const [path, oid] of kill.staged) {
    expect(final.get(path) ?? '', `${why}: ${path} was staged as ${oid}, not the commit's`).toBe(
      oid,
    );
  }
}

function lockFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.lock'));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
