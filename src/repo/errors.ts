import { CodedError } from '../errors/coded-error.js';

/** Stable codes for everything `repo/` can refuse or fail at. */
export type RepoErrorCode =
  | 'NOT_A_REPO'
  | 'BAD_REF'
  | 'BAD_PATH'
  | 'BAD_TRAILER'
  | 'BAD_MESSAGE'
  | 'BRANCH_MOVED'
  | 'BRANCH_LOCKED'
  | 'NOT_CHECKED_OUT'
  | 'NO_WORKTREE'
  | 'MISSING_OBJECT'
  | 'CORRUPT_OBJECT'
  | 'INVALID_RECORD'
  | 'INDEX_LOCKED'
  | 'UNSUPPORTED_INDEX'
  | 'SYNC_IN_PROGRESS';

/**
 * The one error class of `repo/`: a stable `code`, structured `data` and the underlying
 * `cause` where there is one, as isomorphic-git's errors do.
 *
 * @example
 * try {
 *   await commitEdits(repo, opts);
 * } catch (e) {
 *   if (e instanceof RepoError && e.code === 'BRANCH_MOVED') retryFrom(e.data.actual);
 * }
 */
export class RepoError extends CodedError<RepoErrorCode> {
  override readonly name = 'RepoError';
}

/** True for a Node file-system error with the given `code` (e.g. `ENOENT`). */
export function isFsError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
