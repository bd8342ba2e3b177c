import git from 'isomorphic-git';
import { dbOf } from './db.js';
import { RepoError } from './errors.js';
import type { Repo } from './open.js';

const FULL_OID = /^[0-9a-f]{40}$/;
const SHORT_OID = /^[0-9a-f]{4,39}$/;
const REV = /^([^~^]+)((?:[~^][0-9]*)*)$/;

/**
 * Resolves a revision to a commit oid: a branch, tag (annotated tags are peeled), remote
 * ref, `HEAD` (or `@`), full or unambiguous short oid, followed by any chain of `~N` (N-th
 * first-parent ancestor) and `^N` (N-th parent; `^0` the commit itself) suffixes. Names are
 * tried in git's order: `<name>`, `refs/<name>`, `refs/tags/`, `refs/heads/`, `refs/remotes/`.
 *
 * @throws RepoError `BAD_REF` naming what did not resolve.
 * @example
 * await resolveRef(repo, 'main');      // 'e83c5163316f89bfbde7d9ab23ca2e25604af290'
 * await resolveRef(repo, 'HEAD~2');    // the grandparent along first parents
 * await resolveRef(repo, 'v1.0^2');    // the second parent of the tagged merge
 */
export async function resolveRef(repo: Repo, ref: string): Promise<string> {
  const m = REV.exec(ref);
  if (!m) throw badRef(ref, 'is not a revision');
  const [, name = '', suffixes = ''] = m;
  const db = dbOf(repo);
  let oid = await resolveName(repo, name, ref);
  const peeled = db.peel(oid);
  if (peeled.type !== 'commit') throw badRef(ref, `names a ${peeled.type}, not a commit`);
  oid = peeled.oid;
  let done = name;
  for (const [, op, digits] of suffixes.matchAll(/([~^])([0-9]*)/g)) {
    const n = digits === '' ? 1 : Number(digits);
    if (op === '~') {
      for (let i = 0; i < n; i++) {
        const parent = db.header(oid).parents[0];
        if (!parent) throw badRef(ref, `goes past the root: ${done}~${i} has no parent`);
        oid = parent;
      }
    } else if (n > 0) {
      const parents = db.header(oid).parents;
      const parent = parents[n - 1];
      if (!parent) throw badRef(ref, `${done} has ${parents.length} parent(s), not ${n}`);
      oid = parent;
    }
    done += `${op}${digits}`;
  }
  return oid;
}

/**
 * The newest commit on the first-parent chain of `ref` whose committer time is at or before
 * `date` (what `git rev-list -1 --first-parent --before=<date> <ref>` prints), or `null` when
 * the chain starts after it.
 *
 * @example
 * const monday = await resolveDate(repo, 'main', new Date('2025-06-02T00:00:00Z'));
 * if (monday) await listFiles(repo, monday, ['registry/']);
 */
export async function resolveDate(repo: Repo, ref: string, date: Date): Promise<string | null> {
  const limit = date.getTime();
  if (Number.isNaN(limit)) throw new RepoError('BAD_REF', `invalid date for ${ref}`, { ref });
  const db = dbOf(repo);
  let oid: string | undefined = await resolveRef(repo, ref);
  while (oid) {
    const h = db.header(oid);
    if (h.time * 1000 <= limit) return oid;
    oid = h.parents[0];
  }
  return null;
}

async function resolveName(repo: Repo, name: string, ref: string): Promise<string> {
  const db = dbOf(repo);
  if (FULL_OID.test(name)) {
    if (!db.store.has(name)) throw badRef(ref, 'names no object in this repository');
    return name;
  }
  try {
    return await git.resolveRef({
      fs: repo.fs,
      dir: repo.dir,
      gitdir: repo.gitdir,
      ref: name === '@' ? 'HEAD' : name,
    });
  } catch (e) {
    if ((e as { code?: string }).code !== 'NotFoundError') {
      throw new RepoError('BAD_REF', `cannot resolve ${ref}`, { ref }, { cause: e });
    }
  }
  if (SHORT_OID.test(name)) {
    const found = db.store.findPrefix(name, 2);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw badRef(ref, `is ambiguous (${found.join(', ')}, ...)`);
  }
  throw badRef(ref, 'is not a branch, tag, or commit');
}

function badRef(ref: string, why: string): RepoError {
  return new RepoError('BAD_REF', `revision "${ref}" ${why}`, { ref });
}
