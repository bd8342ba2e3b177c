import git from 'isomorphic-git';
import {
  RepoError,
  atomicGitFs,
  currentBranch,
  finishInterruptedSync,
  mergeBase,
  moveCheckedOutBranch,
  resolveRef,
  type Repo,
} from '../repo/index.js';
import { compareAndSwapRef } from '../repo/ref-lock.js';
import {
  byPath,
  changesBetween,
  matches,
  readIndex,
  readWorkFile,
  workIs,
} from '../repo/worktree-sync.js';
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
 * changes (`moveCheckedOutBranch`: a kill midway is finished by the next command). Objects
 * are written whole, never truncated by a kill.
 *
 * @returns the merge commit
 * @throws ForgeError `CONFLICT` (conflicting paths, no common history, nothing to merge, a
 *   dirty work tree, a base that kept moving), `NOT_FOUND` (no base branch).
 */
export async function mergeIntoBase(repo: Repo, input: MergeInput): Promise<string> {
  const ref = `refs/heads/${input.base}`;
  // a merge killed while it updated the checkout left its sync for us to finish
  await finishInterruptedSync(repo);
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
    if (checkedOut) await assertClean(repo, baseTip, oid);
    const reflog = {
      who: `${input.author.name} <${input.author.email}> ${input.author.timestamp} +0000`,
      message: `merge ${input.headSha}: Merge made by the 'ort' strategy.`,
    };
    try {
      if (checkedOut) await moveCheckedOutBranch(repo, ref, baseTip, oid, reflog);
      else await compareAndSwapRef(repo, ref, baseTip, oid, reflog);
    } catch (e) {
      if (e instanceof RepoError && e.code === 'BRANCH_MOVED' && attempt < ATTEMPTS) continue;
      if (e instanceof RepoError && (e.code === 'BRANCH_MOVED' || e.code === 'BRANCH_LOCKED')) {
        throw new ForgeError('CONFLICT', `${input.base} kept moving: ${e.message}`, e.data, {
          cause: e,
        });
      }
      throw e;
    }
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
      fs: atomicGitFs(repo),
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

/**
 * Refuses when a file the merge changes has uncommitted changes: its index entry or its work
 * file is not the base tip's. Read only: nothing here rewrites the index (isomorphic-git's
 * status would refresh it in place, which a kill could leave truncated).
 */
async function assertClean(repo: Repo, baseTip: string, oid: string): Promise<void> {
  const changes = changesBetween(repo, baseTip, oid);
  if (changes.length === 0) return;
  const entries = byPath(await readIndex(repo));
  const dirty: string[] = [];
  for (const c of changes) {
    const clean =
      matches(entries.get(c.path), c.from) && workIs(await readWorkFile(repo, c.path), c.from);
    if (!clean) dirty.push(c.path);
  }
  if (dirty.length > 0) {
    throw new ForgeError(
      'CONFLICT',
      `uncommitted changes in the work tree would be overwritten by the merge: ${dirty.join(', ')} (commit or stash them)`,
      { paths: dirty },
    );
  }
}
