import { finding, type Dataset, type Finding, type LoadedRecord } from '../records/index.js';
import { checkWorkspace, type StorageContext } from './base-storage.js';
import { checkDataset, resultFindings } from './check.js';
import { DataError } from './errors.js';
import type { Env } from './store/s3-config.js';

/**
 * The data checks `mlops validate --base` runs on the pointers a change added
 * or modified: each one's expectations over the data it names, pulled from its
 * remote when the cache lacks it. A failed expectation is a finding on its
 * line in the pointer; data that cannot be had is a finding on `hash`.
 *
 * Validation passes the storage context: the remotes are the base's (a change
 * cannot point the check at a server of its choosing), and a change that edits
 * `data/remotes.yaml` is checked without credentials. Called without one, the
 * work tree's remotes are used.
 * @example
 * await validateRepository({ dir, base, checkDatasets: datasetChecker(dir, process.env) });
 */
export function datasetChecker(
  root: string,
  env: Env,
): (pointers: LoadedRecord[], context?: StorageContext) => Promise<Finding[]> {
  return async (pointers, context) => {
    const ws = checkWorkspace(root, env, context);
    const out: Finding[] = [];
    try {
      for (const p of pointers) {
        const d = p.value as unknown as Dataset;
        if (!d.expectations?.length) continue;
        try {
          out.push(...resultFindings(p.path, (at) => p.locate(at), await checkDataset(ws, d)));
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          out.push(finding(p.path, p.locate(['hash']), 'data/unavailable', e.message));
        }
      }
    } finally {
      ws.close();
    }
    return out;
  };
}
