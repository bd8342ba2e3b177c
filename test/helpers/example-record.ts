import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFinding, loadRecord } from '../../src/records/index.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * A record of the example registry shipped at the repository root, loaded and checked as the
 * tool loads records; an invalid one fails the test with its findings.
 * @example
 * const model = exampleRecord<Model>('registry/models/execution-agent/model.yaml');
 */
export function exampleRecord<T>(path: string): T {
  const loaded = loadRecord(path, readFileSync(join(root, path)));
  if (!loaded.ok) throw new Error(loaded.findings.map(formatFinding).join('\n'));
  return loaded.record.value as unknown as T;
}
