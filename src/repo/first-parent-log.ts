import { dbOf } from './db.js';
import type { HistoryEntry } from './history.js';
import { subjectOf } from './history.js';
import type { Repo } from './open.js';
import { compilePrefixes } from './paths.js';
import { resolveRef } from './refs.js';
import { parseTrailers } from './trailers.js';
import { diffTrees } from './tree-diff.js';

/**
 * The commits of `ref`'s first-parent line that changed the paths against their first parent,
 * newest first, read one at a time: the walk stops as soon as `until` says so (that entry
 * included), so a question about the recent past never reads the whole history. The entries
 * are those `history(repo, { ref, paths, firstParent: true })` returns.
 * @example
 * for await (const e of firstParentLog(repo, { ref: 'main', paths: ['registry/models/m1/deployment.yaml'] })) {
 *   if (e.trailers.Decision?.[0] === 'promote') break;
 * }
 */
export async function* firstParentLog(
  repo: Repo,
  o: { ref: string; paths: string[] },
): AsyncGenerator<HistoryEntry> {
  const db = dbOf(repo);
  const node = compilePrefixes(o.paths);
  for (let oid: string | undefined = await resolveRef(repo, o.ref); oid;) {
    const { tree, parents } = db.header(oid);
    const first = parents[0];
    const changes = diffTrees(db, first === undefined ? null : db.header(first).tree, tree, node);
    if (changes.length) {
      const c = db.commit(oid);
      yield {
        oid,
        parents: c.parents,
        author: c.author,
        committer: c.committer,
        message: c.message,
        subject: subjectOf(c.message),
        trailers: parseTrailers(c.message),
        changes,
      };
    }
    oid = first;
  }
}
