import {
  hashPath,
  pointerRef,
  refKey,
  type DataWorkspace,
  type PointerFile,
} from '../../data/index.js';

export interface StatusRow {
  name: string;
  file: string;
  hash: string;
  /** `ok`, `modified` (the files differ from the pointer) or `missing`. */
  worktree: string;
  /** `ok` or `missing`. */
  cache: string;
  /** `ok`, `missing`, or `-` when not asked. */
  remote: string;
}

/** Where each dataset stands: its work-tree files, the cache and the remote. */
export async function statusOf(
  ws: DataWorkspace,
  pointers: PointerFile[],
  askRemote: boolean,
): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const p of pointers) {
    const ref = pointerRef(p.pointer);
    let worktree = 'ok';
    try {
      const now = await hashPath(ws.root, p.pointer.path, { algo: ref.algo });
      if (now.pointer.hash !== p.pointer.hash) worktree = 'modified';
    } catch (e) {
      if ((e as { code?: string }).code !== 'NOT_FOUND') throw e;
      worktree = 'missing';
    }
    const cache = (await ws.cache.has(ref)) ? 'ok' : 'missing';
    let remote = '-';
    if (askRemote) {
      const { store } = ws.store(p.remote);
      remote = (await store.stat(refKey(ref))) ? 'ok' : 'missing';
    }
    rows.push({ name: p.name, file: p.file, hash: p.pointer.hash, worktree, cache, remote });
  }
  return rows;
}
