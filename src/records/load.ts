import { identityOfPath, isKindName, type KindName } from './catalog.js';
import { finding, type Finding } from './finding.js';
import { parseRecordFile, type RecordFile } from './parse.js';
import { checkSchema } from './schema-check.js';

/** A record that parsed and passed its schema and path identity. */
export interface LoadedRecord<T = Record<string, unknown>> extends RecordFile {
  kind: KindName;
  value: T & Record<string, unknown>;
}

export type LoadResult =
  | { ok: true; record: LoadedRecord; findings: Finding[] }
  | { ok: false; findings: Finding[]; file?: RecordFile };

/**
 * Parse, schema-check and identity-check one record file. A file that is not
 * at a record path is reported, not guessed at.
 * @example
 * const r = loadRecord('policies/drift.yaml', bytes);
 * if (!r.ok) r.findings.forEach((f) => console.log(formatFinding(f)));
 */
export function loadRecord(path: string, bytes: Uint8Array): LoadResult {
  const identity = identityOfPath(path);
  const parsed = parseRecordFile(path, bytes);
  if (!parsed.ok) return { ok: false, findings: parsed.findings };
  const file = parsed.file;
  if (!identity) {
    return {
      ok: false,
      file,
      findings: [
        finding(
          path,
          { line: 1, col: 1 },
          'path/unknown',
          'not a record path; see the layout in the README (registry/, model-cards/, data/, policies/)',
        ),
      ],
    };
  }
  const kind = file.value.kind;
  if (!isKindName(kind) || !identity.kinds.includes(kind)) {
    const pos = file.value.kind === undefined ? { line: 1, col: 1 } : file.locate(['kind']);
    return {
      ok: false,
      file,
      findings: [
        finding(
          path,
          pos,
          'path/kind',
          `a file at this path must be ${identity.kinds.join(' or ')}; got kind ${JSON.stringify(kind ?? null)}`,
        ),
      ],
    };
  }
  const findings = checkSchema(file, kind);
  for (const [field, expected] of Object.entries(identity.fields)) {
    const actual = file.value[field];
    if (actual !== undefined && actual !== expected) {
      findings.push(
        finding(
          path,
          file.locate([field]),
          'path/identity',
          `${field} is ${JSON.stringify(actual)} but the path says ${JSON.stringify(expected)}`,
        ),
      );
    }
  }
  if (findings.length) return { ok: false, findings, file };
  return { ok: true, record: { ...file, kind, value: file.value }, findings };
}
