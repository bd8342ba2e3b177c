import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataError,
  checkoutPointer,
  hashPath,
  pointerRef,
  pull,
  type DataWorkspace,
  type PointerFile,
  type TransferOptions,
} from '../data/index.js';
import { TrackingError } from './errors.js';

/** An input dataset, present in the work tree with exactly the bytes its pointer names. */
export interface ResolvedInput {
  name: string;
  /** Absolute path in the work tree. */
  path: string;
  hash: string;
  /** `MLOPS_DATA_TEST_EXECUTIONS` for `test-executions`. */
  envName: string;
  /** How it got there: already there, checked out from the cache, or pulled. */
  source: 'worktree' | 'cache' | 'remote';
}

/** The environment variable a dataset's path is passed in. */
export function dataEnvName(dataset: string): string {
  return `MLOPS_DATA_${dataset.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Puts each input dataset in the work tree as its committed pointer names it: left alone
 * when it already is, else checked out from the cache, pulling it from its remote first if
 * the cache lacks it. A work-tree file that differs from its pointer is never overwritten
 * (it may be someone's unsaved work) and never trained on (the Run could not name it).
 * @example
 * const inputs = await prepareInputs(ws, ['test-executions']);
 * env[inputs[0].envName] = inputs[0].path;
 * @throws TrackingError `NO_INPUT` naming the dataset and what to do.
 */
export async function prepareInputs(
  ws: DataWorkspace,
  names: readonly string[],
  opts: TransferOptions = {},
): Promise<ResolvedInput[]> {
  const out: ResolvedInput[] = [];
  for (const name of names) {
    const p = pointerOf(ws, name);
    out.push({
      name,
      path: join(ws.root, p.pointer.path),
      hash: p.pointer.hash,
      envName: dataEnvName(name),
      source: await materialize(ws, p, opts),
    });
  }
  return out;
}

function pointerOf(ws: DataWorkspace, name: string): PointerFile {
  try {
    return ws.select([name])[0]!;
  } catch (e) {
    if (e instanceof DataError) throw new TrackingError('NO_INPUT', e.message, {}, { cause: e });
    throw e;
  }
}

async function materialize(
  ws: DataWorkspace,
  p: PointerFile,
  opts: TransferOptions,
): Promise<ResolvedInput['source']> {
  const ref = pointerRef(p.pointer);
  const abs = join(ws.root, p.pointer.path);
  if (existsSync(abs)) {
    const now = await hashPath(ws.root, p.pointer.path, { algo: ref.algo });
    if (now.pointer.hash === p.pointer.hash) return 'worktree';
    throw new TrackingError(
      'NO_INPUT',
      `${p.pointer.path} differs from ${p.file} (${now.pointer.hash} here, ${p.pointer.hash} committed): record it with \`mlops data add ${p.pointer.path}\` to train on it, or restore it with \`mlops data pull ${p.name}\``,
    );
  }
  let source: ResolvedInput['source'] = 'cache';
  if (!(await ws.cache.has(ref))) {
    source = 'remote';
    const { name: remote, store } = ws.store(p.remote);
    const sized = p.pointer.dir ? ref : { ...ref, size: p.pointer.size };
    const report = await pull(ws.cache, store, [sized], opts);
    if (report.failed.length) {
      const why = report.failed[0]!.message;
      throw new TrackingError(
        'NO_INPUT',
        `${p.name}: ${p.pointer.hash} is not in the cache and could not be pulled from remote "${remote}": ${why}`,
      );
    }
  }
  await checkoutPointer(ws.cache, p.pointer);
  return source;
}
