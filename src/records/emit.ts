import { KIND_NAMES, KINDS, type KindName } from './catalog.js';

/** The folder (relative to the repository root) that holds the emitted JSON Schemas. */
export const SCHEMA_DIR = 'schemas';

export function schemaFileName(kind: KindName): string {
  return `${kind}.schema.json`;
}

/**
 * The JSON Schema files for every kind, as text, keyed by file name. Editors
 * pick them up through each record's `# yaml-language-server: $schema=` line.
 */
export function emitSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of KIND_NAMES) {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://gitops-mlops.dev/schemas/${schemaFileName(kind)}`,
      ...KINDS[kind],
    };
    out.set(schemaFileName(kind), JSON.stringify(schema, null, 2) + '\n');
  }
  return out;
}
