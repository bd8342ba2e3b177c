import { CodedError } from '../errors/coded-error.js';
import { Handle } from '../records/kinds/common.js';

export type InitErrorCode =
  'BAD_OPTION' | 'NOT_A_WORKTREE' | 'PATH_CONFLICT' | 'OUTSIDE_REPO' | 'WRITE_FAILED';

/**
 * Everything `mlops init` refuses. Each is an environment or usage problem (exit 2), except
 * `OUTSIDE_REPO`: a link in the repository that would take a write out of it (exit 1).
 */
export class InitError extends CodedError<InitErrorCode> {
  override readonly name = 'InitError';
}

/** The repository the workflows' `uses: ./actions/<name>` point to by default. */
export const DEFAULT_ACTIONS_REPO = 'gitops-mlops/gitops-mlops';

/**
 * Where the user's workflows take the actions from: a repository at a ref
 * (`owner/repo/actions/<name>@ref`), or copies vendored into the user's repository.
 */
export type ActionsSource = { repo: string; ref: string } | 'vendor';

/** The approvers' pattern: the GovernancePolicy schema's (a GitHub user or org/team). */
const HANDLE = new RegExp(Handle.pattern!);
const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const REPO = '[A-Za-z0-9._-]{1,100}';
const ACTIONS = new RegExp(`^(${OWNER}/${REPO})(?:@(.+))?$`);

/**
 * `--approvers a,@org/team`: the handles, without their `@`, as the policy lists them.
 * @throws InitError `BAD_OPTION` for an empty list, a malformed or a repeated handle.
 * @example
 * parseApprovers('alice, @acme/ml-team'); // ['alice', 'acme/ml-team']
 */
export function parseApprovers(text: string): string[] {
  const handles = text
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  if (!handles.length) {
    throw new InitError('BAD_OPTION', '--approvers needs at least one GitHub user or org/team');
  }
  const out: string[] = [];
  for (const h of handles) {
    if (!HANDLE.test(h)) {
      throw new InitError(
        'BAD_OPTION',
        `--approvers: ${JSON.stringify(h)} is not a GitHub user or org/team handle (e.g. alice or acme/ml-leads)`,
      );
    }
    const bare = h.replace(/^@/, '');
    if (out.some((o) => o.toLowerCase() === bare.toLowerCase())) {
      throw new InitError('BAD_OPTION', `--approvers: ${JSON.stringify(bare)} is listed twice`);
    }
    out.push(bare);
  }
  return out;
}

/**
 * `--actions owner/repo@ref` or `--actions vendor`; a missing `@ref` is `defaultRef`.
 * @throws InitError `BAD_OPTION` for anything else.
 * @example
 * parseActions('acme/mlops@v2', 'v0.1.0'); // { repo: 'acme/mlops', ref: 'v2' }
 */
export function parseActions(text: string, defaultRef: string): ActionsSource {
  if (text === 'vendor') return 'vendor';
  const m = ACTIONS.exec(text);
  const ref = m?.[2] ?? defaultRef;
  if (!m || m[1]!.split('/')[1]!.replace(/\./g, '') === '' || !isRefName(ref)) {
    throw new InitError(
      'BAD_OPTION',
      `--actions must be owner/repo@ref (a tag, branch or commit of a repository holding actions/<name>) or vendor; got ${JSON.stringify(text)}`,
    );
  }
  return { repo: m[1]!, ref };
}

/** A git ref or commit as a workflow's `uses: …@ref` can name it (git check-ref-format, simplified). */
function isRefName(ref: string): boolean {
  return (
    /^[A-Za-z0-9._/+-]{1,255}$/.test(ref) && !/^[-/.]|[/.]$|\.\.|\/\/|\/\.|\.lock(\/|$)/.test(ref)
  );
}
