import { loadRecord, type Deployment } from '../records/index.js';
import { diffRefs, readBlob, type Repo } from '../repo/index.js';

const DEPLOYMENT = /^registry\/models\/([a-z0-9][a-z0-9_-]*)\/deployment\.yaml$/;

/**
 * The promotions a change makes: every Deployment whose `candidate` it sets to a version,
 * whatever branch it is on (a hand-edited Deployment is judged like `mlops promote`'s).
 * @example
 * await promotionsIn(repo, baseSha, headSha); // [{ model: 'execution-agent', version: '1.1.0' }]
 */
export async function promotionsIn(
  repo: Repo,
  base: string,
  head: string,
): Promise<{ model: string; version: string }[]> {
  const out: { model: string; version: string }[] = [];
  for (const c of await diffRefs(repo, base, head, ['registry/models/'])) {
    const model = DEPLOYMENT.exec(c.path)?.[1];
    if (!model || !c.headOid) continue;
    const after = await candidateOf(repo, c.path, c.headOid);
    const before = c.baseOid ? await candidateOf(repo, c.path, c.baseOid) : null;
    if (after && after !== before) out.push({ model, version: after });
  }
  return out;
}

async function candidateOf(repo: Repo, path: string, oid: string): Promise<string | null> {
  const r = loadRecord(path, await readBlob(repo, oid));
  return r.ok ? ((r.record.value as unknown as Deployment).candidate ?? null) : null;
}
