/**
 * Throw-away git repositories for tests, made with the real `git` (one `git fast-import`
 * stream, so a few hundred commits take milliseconds) in a fresh temporary directory that is
 * removed after the test file.
 *
 * @example
 * const r = makeRepo({
 *   commits: [
 *     { files: { 'registry/models/m1/model.yaml': 'name: m1\n' }, message: 'add m1' },
 *     { branch: 'side', files: { 'data/a.yaml': 'a\n' } },
 *     { branch: 'main', merge: 'side', message: 'merge side' },
 *   ],
 *   layout: 'packed',
 * });
 * r.git('log', '--format=%H'); // the real git, in r.dir
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface CommitSpec {
  /** Files to write (content) or delete (null), on top of the first parent's files. */
  files?: Record<string, string | null>;
  message?: string;
  author?: { name: string; email: string };
  /** Author and committer date. Default: 2024-01-01T00:00:00Z plus one minute per commit. */
  date?: Date | string | number;
  /** The branch to commit on; default: the previous commit's branch, at first `main`. */
  branch?: string;
  /** Where a new branch starts: a commit index or a branch; default: the current commit. */
  from?: number | string;
  /** Branches or commit indexes merged in as further parents. Their changes since the merge
   * base are taken where the first parent did not change the file; `files` resolves the rest. */
  merge?: string | number | (string | number)[];
  /** A lightweight tag on this commit. */
  tag?: string;
}

export interface RepoSpec {
  commits: CommitSpec[];
  /** Extra branches made at the end: name → commit index or branch. */
  branches?: Record<string, number | string>;
  /** The branch checked out at the end (work tree and index written); default `main`. */
  checkout?: string;
  /** How objects are stored: loose files, one pack (OFS deltas), or one pack of REF deltas. */
  layout?: 'loose' | 'packed' | 'packed-ref-delta';
}

export interface TestRepo {
  dir: string;
  /** The commits' oids, in the order of `spec.commits`. */
  oids: string[];
  /** Runs the real git in `dir` and returns its stdout. */
  git: (...args: string[]) => string;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The environment git runs in: no user or system configuration, fixed identity. */
export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** Runs the real git in `dir`; stdout as text, or as bytes with `encoding: 'buffer'`. */
export function runGit(dir: string, args: string[], input?: string | Buffer): string;
export function runGit(
  dir: string,
  args: string[],
  input: string | Buffer | undefined,
  encoding: 'buffer',
): Buffer;
export function runGit(
  dir: string,
  args: string[],
  input?: string | Buffer,
  encoding: 'utf8' | 'buffer' = 'utf8',
): string | Buffer {
  return execFileSync('git', args, {
    cwd: dir,
    env: gitEnv,
    input,
    encoding,
    maxBuffer: 256 << 20,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Makes a temporary directory removed after the test file. */
export function tempDir(prefix = 'mlops-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function makeRepo(spec: RepoSpec): TestRepo {
  const dir = tempDir('mlops-repo-');
  const git = (...args: string[]) => runGit(dir, args);
  git('init', '-q', '-b', 'main');
  git('config', 'gc.auto', '0');

  const snapshots: Map<string, string>[] = [];
  const parentsOf: number[][] = [];
  const tips = new Map<string, number>();
  let current = 'main';
  let stream = '';
  const at = (ref: number | string): number => {
    const i = typeof ref === 'number' ? ref : tips.get(ref);
    if (i === undefined || i < 0 || i >= snapshots.length) throw new Error(`no commit ${ref}`);
    return i;
  };

  spec.commits.forEach((c, i) => {
    const branch = c.branch ?? current;
    const start = tips.has(branch)
      ? tips.get(branch)!
      : c.from !== undefined
        ? at(c.from)
        : tips.get(current);
    current = branch;
    const merges = (c.merge === undefined ? [] : [c.merge].flat()).map(at);
    const parents = start === undefined ? merges : [start, ...merges];
    const files = new Map<string, string>(start === undefined ? [] : snapshots[start]);
    for (const m of merges)
      mergeInto(
        files,
        snapshots[m]!,
        snapshots[mergeBase(parentsOf, start!, m)] ?? new Map<string, string>(),
      );
    for (const [path, content] of Object.entries(c.files ?? {})) {
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
    snapshots.push(files);
    parentsOf.push(parents);
    tips.set(branch, i);

    const who = c.author ?? { name: 'Test', email: 'test@example.com' };
    const when = `${toSeconds(c.date, i)} +0000`;
    const message = c.message ?? `commit ${i}`;
    stream += `commit refs/heads/${branch}\nmark :${i + 1}\n`;
    stream += `author ${who.name} <${who.email}> ${when}\ncommitter ${who.name} <${who.email}> ${when}\n`;
    stream += data(message.endsWith('\n') ? message : `${message}\n`);
    if (parents.length > 0) stream += `from :${parents[0]! + 1}\n`;
    for (const p of parents.slice(1)) stream += `merge :${p + 1}\n`;
    stream += 'deleteall\n';
    for (const [path, content] of files) stream += `M 100644 inline ${path}\n${data(content)}`;
    stream += '\n';
    if (c.tag) stream += `reset refs/tags/${c.tag}\nfrom :${i + 1}\n\n`;
  });
  for (const [name, ref] of Object.entries(spec.branches ?? {})) {
    stream += `reset refs/heads/${name}\nfrom :${at(ref) + 1}\n\n`;
  }
  stream += 'done\n';
  const marksFile = join(dir, '.git', 'test-marks');
  runGit(dir, ['fast-import', '--quiet', '--done', `--export-marks=${marksFile}`], stream);
  const marks = new Map(
    readFileSync(marksFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)] as const),
  );
  rmSync(marksFile);
  const oids = spec.commits.map((_, i) => marks.get(i + 1)!);

  git('symbolic-ref', 'HEAD', `refs/heads/${spec.checkout ?? 'main'}`);
  git('reset', '-q', '--hard');
  relayout(dir, spec.layout ?? 'loose');
  return { dir, oids, git };
}

/** fast-import's `data <bytes>` block. */
function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function toSeconds(date: CommitSpec['date'], i: number): number {
  if (date === undefined) return 1704067200 + i * 60;
  if (typeof date === 'number') return date;
  return Math.floor(new Date(date).getTime() / 1000);
}

/** The newest (highest-index) common ancestor of two commits. */
function mergeBase(parentsOf: number[][], a: number, b: number): number {
  const ancestors = (start: number) => {
    const seen = new Set<number>();
    const todo = [start];
    while (todo.length > 0) {
      const c = todo.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      todo.push(...parentsOf[c]!);
    }
    return seen;
  };
  const ofA = ancestors(a);
  return Math.max(-1, ...[...ancestors(b)].filter((c) => ofA.has(c)));
}

/** A three-way merge of file maps: their change wins where ours left the file as in base. */
function mergeInto(
  ours: Map<string, string>,
  theirs: Map<string, string>,
  base: Map<string, string>,
) {
  for (const path of new Set([...theirs.keys(), ...base.keys()])) {
    const t = theirs.get(path);
    if (t === base.get(path) || ours.get(path) !== base.get(path)) continue;
    if (t === undefined) ours.delete(path);
    else ours.set(path, t);
  }
}

function relayout(dir: string, layout: RepoSpec['layout']): void {
  const git = (...args: string[]) => runGit(dir, args);
  const packDir = join(dir, '.git', 'objects', 'pack');
  if (layout === 'loose') {
    for (const name of readdirSync(packDir).filter((n) => n.endsWith('.pack'))) {
      const moved = join(dir, '.git', name);
      renameSync(join(packDir, name), moved);
      rmSync(join(packDir, name.replace(/\.pack$/, '.idx')));
      runGit(dir, ['unpack-objects', '-q'], readFileSync(moved));
      rmSync(moved);
    }
    return;
  }
  const ofs = layout === 'packed' ? 'true' : 'false';
  git(
    '-c',
    `repack.useDeltaBaseOffset=${ofs}`,
    'repack',
    '-q',
    '-a',
    '-d',
    '-f',
    '--depth=50',
    '--window=50',
  );
  git('prune-packed');
  git('pack-refs', '--all');
}
