import { branchNameProblem } from '../repo/branch-name.js';
import { UsageError } from './io.js';

/**
 * A parser for an option that names a branch (`--branch`, `--base`): anything that is not a
 * branch name (`HEAD`, `refs/tags/x`, a commit id, what git's check-ref-format refuses) is a
 * usage error (exit 2) naming the option; `refs/heads/x` is read as `x`.
 * @example
 * program.option('--branch <branch>', 'the branch', branchOption('--branch'), 'main')
 */
export function branchOption(flag: string): (v: string) => string {
  return (v) => {
    const problem = branchNameProblem(v);
    if (problem) throw new UsageError(`${flag} must name a branch: ${problem}`);
    return v.startsWith('refs/heads/') ? v.slice('refs/heads/'.length) : v;
  };
}
