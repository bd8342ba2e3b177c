import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import {
  RepoError,
  currentBranch,
  diffRefs,
  listFiles,
  mergeBase,
  readBlob,
  resolveRef,
  type FileChange,
  type Repo,
} from '../repo/index.js';
import { compareAndSwapRef } from '../repo/ref-lock.js';
import { ForgeError } from './errors.js';

export interface MergeInput {
  /** The branch merged into (`main`). */
  base: string;
  /** The commit merged (the head branch's tip, as checked by the caller). */
  headSha: string;
  /** The whole commit message. */
  message: string;
  author: { name: string; email: string; timestamp: number; timezoneOffset: number };
}

const ATTEMPTS = 3;

/**
 * Makes a real merge commit of `headSha` into the branch `base`: two parents (the base tip,
 * then the head), the tree the 3-way merge of both over their merge base (isomorphic-git's
 * `merge`, never a fast-forward), and the branch moved only if it is still at the tip the
 * merge was made from (retried from the new tip when another writer moved it meanwhile).
 * When `base` is checked out, the files the merge changes are written to the work tree and
 * the index, after checking, before anything moves, that none of them has uncommitted
 * changes.
 *
 * @returns the merge commit
 * @throws ForgeError `CONFLICT` (conflicting paths, no common history, nothing to merge, a
 *   dirty work tree, a base that kept moving), `NOT_FOUND` (no base branch).
 */
export async function mergeIntoBase(repo: Repo, input: MergeInput): Promise<string> {
  const ref = `refs/heads/${input.base}`;
  for (let attempt = 1; ; attempt++) {
    const baseTip = await resolveRef(repo, ref).catch((e: unknown) => {
      throw new ForgeError(
        'NOT_FOUND',
        `base branch "${input.base}" does not exist`,
        {
          base: input.base,
        },
        { cause: e },
      );
    });
    const oid = await mergeCommit(repo, baseTip, input);
    const checkedOut = repo.dir !== repo.gitdir && (await currentBranch(repo)) === input.base;
    const changes = checkedOut ? await diffRefs(repo, baseTip, oid, []) : [];
    if (checkedOut) await assertClean(repo, baseTip, changes);
    try {
      await compareAndSwapRef(repo, ref, baseTip, oid, {
        who: `${input.author.name} <${input.author.email}> ${input.author.timestamp} +0000`,
        message: `merge ${input.headSha}: Merge made by the 'ort' strategy.`,
      });
    } catch (e) {
      if (e instanceof RepoError && e.code === 'BRANCH_MOVED' && attempt < ATTEMPTS) continue;
      if (e instanceof RepoError && (e.code === 'BRANCH_MOVED' || e.code === 'BRANCH_LOCKED')) {
        throw new ForgeError('CONFLICT', `${input.base} kept moving: ${e.message}`, e.data, {
          cause: e,
        });
      }
      throw e;
    }
    if (checkedOut) await updateWorkTree(repo, oid, changes);
    return oid;
  }
}

/** Writes the merge commit (objects only, no ref moves) or explains why there is none. */
async function mergeCommit(repo: Repo, baseTip: string, input: MergeInput): Promise<string> {
  const common = await mergeBase(repo, baseTip, input.headSha);
  if (common === null) {
    throw new ForgeError('CONFLICT', `${input.base} and ${input.headSha} share no history`, {
      base: input.base,
    });
  }
  if (common === input.headSha) {
    throw new ForgeError(
      'CONFLICT',
      `nothing to merge: ${input.headSha.slice(0, 7)} is already in ${input.base}`,
      { base: input.base, head: input.headSha },
    );
  }
  try {
    const result = await git.merge({
      fs: repo.fs,
      dir: repo.dir,
      gitdir: repo.gitdir,
      cache: repo.cache,
      ours: baseTip,
      theirs: input.headSha,
      fastForward: false,
      abortOnConflict: true,
      noUpdateBranch: true,
      message: input.message,
      author: input.author,
      committer: input.author,
    });
    if (!result.oid || !result.mergeCommit) {
      throw new ForgeError('CONFLICT', `no merge commit was made for ${input.headSha}`, {});
    }
    return result.oid;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'MergeConflictError') {
      const paths = (e as { data: { filepaths: string[] } }).data.filepaths;
      throw new ForgeError(
        'CONFLICT',
        `merge conflict in ${paths.join(', ')}: ${input.base} and the head change the same lines`,
        { paths },
        { cause: e },
      );
    }
    if (code === 'UnmergedPathsError') {
      throw new ForgeError(
        'CONFLICT',
        'the index has unresolved merge conflicts: resolve or abort them first',
        {},
        { cause: e },
      );
    }
    if (code === 'MergeNotSupportedError') {
      throw new ForgeError(
        'CONFLICT',
        `${input.base} and the head do not merge automatically (a file/directory clash, or several merge bases)`,
        {},
        { cause: e },
      );
    }
    throw e;
  }
}

/** Refuses when a file the merge changes has uncommitted changes (index or work tree). */
async function assertClean(repo: Repo, baseTip: string, changes: FileChange[]): Promise<void> {
  if (changes.length === 0) return;
  const rows = await git.statusMatrix({
    fs: repo.fs,
    dir: repo.dir,
    gitdir: repo.gitdir,
    cache: repo.cache,
    ref: baseTip,
    filepaths: changes.map((c) => c.path),
  });
  const wanted = new Set(changes.map((c) => c.path));
  const dirty = rows
    .filter(
      ([path, head, work, stage]) => wanted.has(path) && !(head === 1 && work === 1 && stage === 1),
    )
    .map(([path]) => path);
  if (dirty.length > 0) {
    throw new ForgeError(
      'CONFLICT',
      `uncommitted changes in the work tree would be overwritten by the merge: ${dirty.join(', ')} (commit or stash them)`,
      { paths: dirty },
    );
  }
}

/** Writes the files the merge changed and stages them, so `git status` stays clean. */
async function updateWorkTree(repo: Repo, oid: string, changes: FileChange[]): Promise<void> {
  const fs = repo.fs.promises;
  const base = { fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache };
  const removed = changes.filter((c) => c.headOid === undefined).map((c) => c.path);
  const present = changes.filter((c) => c.headOid !== undefined).map((c) => c.path);
  for (const path of removed) {
    const abs = join(repo.dir, path);
    await fs.unlink(abs).catch(() => undefined);
    for (let at = dirname(abs); at.startsWith(repo.dir) && at !== repo.dir; at = dirname(at)) {
      const gone = await fs.rmdir(at).then(
        () => true,
        () => false,
      );
      if (!gone) break;
    }
    await git.remove({ ...base, filepath: path });
  }
  if (present.length === 0) return;
  for (const file of await listFiles(repo, oid, present)) {
    const abs = join(repo.dir, file.path);
    await fs.mkdir(dirname(abs), { recursive: true });
    const bytes = await readBlob(repo, file.oid);
    await fs.rm(abs, { force: true });
    if (file.mode === '120000') await fs.symlink(Buffer.from(bytes).toString('utf8'), abs);
    else await fs.writeFile(abs, bytes, { mode: file.mode === '100755' ? 0o755 : 0o644 });
  }
  await git.add({ ...base, filepath: present });
}
