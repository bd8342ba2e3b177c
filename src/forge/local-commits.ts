/**
 * Who the local forge says a commit is by. The local forge has no accounts and no keys: it
 * reads the author and committer exactly as written in the commit, so anyone can write any
 * name. It maps them to logins the way the local forge names its users (a login `ana` is
 * `ana <ana@users.noreply.local>`), and verifies no signature (`verified: null`).
 */
import { history, mergeBase, resolveRef, type Repo, type Signature } from '../repo/index.js';
import { ForgeError } from './errors.js';
import type { ForgeCommit } from './port.js';

const NOREPLY = /^([^@\s]+)@users\.noreply\.local$/i;

/**
 * The local forge's login for a git identity: the user of a `<login>@users.noreply.local`
 * address, else the name lowercased with spaces as hyphens (as `--as` and `pr` pick the
 * login from `git config user.name`); null when there is neither.
 * @example
 * localLogin({ name: 'Ana Ruiz', email: 'ana@users.noreply.local', timestamp: 0, timezoneOffset: 0 }) // 'ana'
 * localLogin({ name: 'Ana Ruiz', email: 'ana@example.com', timestamp: 0, timezoneOffset: 0 }) // 'ana-ruiz'
 */
export function localLogin(sig: Pick<Signature, 'name' | 'email'>): string | null {
  const m = NOREPLY.exec(sig.email.trim());
  if (m) return m[1]!.toLowerCase();
  const name = sig.name.trim().toLowerCase().replace(/\s+/g, '-');
  return name === '' ? null : name;
}

/** One commit as the local forge sees it; NOT_FOUND when the repository has no such commit. */
export async function localCommit(repo: Repo, sha: string): Promise<ForgeCommit> {
  const oid = /^[0-9a-f]{40}$/.test(sha) ? await resolveRef(repo, sha).catch(() => null) : null;
  const [entry] = oid ? await history(repo, { ref: oid, paths: [], limit: 1 }) : [];
  if (!entry || entry.oid !== sha)
    throw new ForgeError('NOT_FOUND', `no commit ${sha} in this repository`, { sha });
  return {
    sha,
    author: localLogin(entry.author),
    committer: localLogin(entry.committer),
    verified: null,
  };
}

/**
 * The commits `head` has that `base` has not (`git rev-list base..head`), oldest first: the
 * walk from the head stops at every commit the base already contains, so it costs the pull
 * request's own commits, not the repository's history.
 */
export async function commitsBetween(
  repo: Repo,
  base: string,
  head: string,
): Promise<ForgeCommit[]> {
  const seen = new Set<string>();
  const out: { commit: ForgeCommit; time: number }[] = [];
  const queue = [head];
  while (queue.length) {
    const oid = queue.pop()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    if ((await mergeBase(repo, oid, base)) === oid) continue; // the base has it
    const [entry] = await history(repo, { ref: oid, paths: [], limit: 1 });
    if (!entry) continue;
    out.push({
      commit: {
        sha: oid,
        author: localLogin(entry.author),
        committer: localLogin(entry.committer),
        verified: null,
      },
      time: entry.committer.timestamp,
    });
    queue.push(...entry.parents);
  }
  return out.sort((a, b) => a.time - b.time).map((c) => c.commit);
}
