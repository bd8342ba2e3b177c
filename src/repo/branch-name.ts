import { branchRef } from './ref-lock.js';

/**
 * Why a name cannot be a branch a command works on, or null when it can: git's
 * `check-ref-format --branch` rules ({@link branchRef}), and names that git would take but that
 * name something else: `HEAD` and the other `*_HEAD` pseudo-refs, any `refs/…` other than
 * `refs/heads/…` (a tag, a remote-tracking branch), and a commit id (7 to 64 hex digits).
 * `refs/heads/x` is the branch `x`.
 * @example
 * branchNameProblem('main') // null
 * branchNameProblem('HEAD') // '"HEAD" names the checked-out commit, not a branch'
 * branchNameProblem('refs/tags/v1') // '"refs/tags/v1" is a ref outside refs/heads/, not a branch'
 */
export function branchNameProblem(name: string): string | null {
  const short = name.startsWith('refs/heads/') ? name.slice('refs/heads/'.length) : name;
  if (/^[A-Z_]*HEAD$/.test(short)) {
    return `"${name}" names the checked-out commit or a pseudo-ref, not a branch`;
  }
  if (short.startsWith('refs/')) return `"${name}" is a ref outside refs/heads/, not a branch`;
  if (/^[0-9a-f]{7,64}$/.test(short)) return `"${name}" looks like a commit id, not a branch`;
  try {
    branchRef(short);
  } catch {
    return `"${name}" is not a valid branch name (git check-ref-format --branch)`;
  }
  return null;
}
