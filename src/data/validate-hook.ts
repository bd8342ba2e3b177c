import { finding, type Dataset, type Finding, type LoadedRecord } from '../records/index.js';
import { checkDataset, resultFindings } from './check.js';
import { DataError } from './errors.js';
import type { Env } from './store/s3-config.js';
import { DataWorkspace } from './workspace.js';

/**
 * The data checks `mlops validate --base` runs on the pointers a change added
 * or modified: each one's expectations over the data it names, pulled from its
 * remote when the cache lacks it. A failed expectation is a finding on its
 * line in the pointer; data that cannot be had is a finding on `hash`.
 * @example
 * await validateRepository({ dir, base, checkDatasets: datasetChecker(dir, process.env) });
 */
export function datasetChecker(
  root: string,
  env: Env,
): (pointers: LoadedRecord[]) => Promise<Finding[]> {
  return async (pointers) => {
    const ws = new DataWorkspace(root, env);
    const out: Finding[] = [];
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
    return out;
  };
}
