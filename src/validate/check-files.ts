import type { Finding, LoadedRecord } from '../records/index.js';
import { isRecordFile } from '../records/index.js';
import type { RecordIndex } from './record-index.js';
import { consistency, deploymentInvariants } from './rules/consistency.js';
import { featureSchema } from './rules/feature-schema.js';
import { references } from './rules/references.js';
import { finiteNumbers, registeredArtifact } from './rules/registration.js';
import type { RecordRule } from './rules/rule.js';
import { checkWorkflow, isWorkflowPath } from './rules/workflows.js';

export const RECORD_RULES: RecordRule[] = [
  references,
  deploymentInvariants,
  consistency,
  featureSchema,
  registeredArtifact,
  finiteNumbers,
];

/** Per-file checks and the record rules, for the given paths of one tree. */
export async function checkFiles(index: RecordIndex, paths: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const records: LoadedRecord[] = [];
  await Promise.all(
    paths.map(async (path) => {
      if (isWorkflowPath(path)) {
        const bytes = await index.bytes(path);
        if (bytes) findings.push(...checkWorkflow(path, new TextDecoder().decode(bytes)));
        return;
      }
      if (!isRecordFile(path)) return;
      const r = await index.load(path);
      if (!r) return;
      findings.push(...r.findings);
      if (r.ok) records.push(r.record);
    }),
  );
  for (const rec of records) {
    for (const rule of RECORD_RULES) findings.push(...(await rule(rec, index)));
  }
  return findings;
}
