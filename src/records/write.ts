import type { TSchema } from '@sinclair/typebox';
import { parseDocument, stringify } from 'yaml';
import { KINDS, isKindName, pathOfRecord } from './catalog.js';
import { schemaFileName, SCHEMA_DIR } from './emit.js';
import type { FieldPath } from './position.js';

/** The editor hint on a record's first line, relative to the record's own path. */
export function schemaHeader(path: string, kind: string): string {
  const up = '../'.repeat(path.split('/').length - 1);
  return `# yaml-language-server: $schema=${up}${SCHEMA_DIR}/${schemaFileName(kind as never)}`;
}

/**
 * A record as canonical YAML: keys in schema order (maps of names sorted), a
 * schema header first, so the same record always gives the same bytes.
 * @example
 * stringifyRecord({ kind: 'RetrainingPolicy', schema_version: 1, ... })
 * // '# yaml-language-server: $schema=../schemas/RetrainingPolicy.schema.json\nkind: ...'
 */
export function stringifyRecord(value: { kind: string } & Record<string, unknown>): string {
  if (!isKindName(value.kind)) throw new Error(`unknown record kind ${value.kind}`);
  const ordered = orderBySchema(value, KINDS[value.kind]);
  const body = stringify(ordered, {
    // YAML 1.1 quoting: strings a 1.1 reader (PyYAML) would take for timestamps or booleans
    // (`2026-11-26T07:35:00Z`, `yes`) are quoted, so every reader sees the same record
    version: '1.1',
    lineWidth: 0,
    aliasDuplicateObjects: false,
    flowCollectionPadding: false,
  });
  return `${schemaHeader(pathOfRecord(value), value.kind)}\n${body}`;
}

function orderBySchema(v: unknown, schema: TSchema | undefined): unknown {
  if (Array.isArray(v)) return v.map((x) => orderBySchema(x, itemSchema(schema)));
  if (v === null || typeof v !== 'object') return v;
  const obj = v as Record<string, unknown>;
  const variant = pickVariant(schema, obj);
  const props = (variant?.properties ?? {}) as Record<string, TSchema>;
  const known = Object.keys(props).filter((k) => obj[k] !== undefined);
  const rest = Object.keys(obj)
    .filter((k) => !(k in props) && obj[k] !== undefined)
    .sort();
  const extra = variant?.additionalProperties as TSchema | undefined;
  const patternValue = variant?.patternProperties
    ? (Object.values(variant.patternProperties as Record<string, TSchema>)[0] as TSchema)
    : undefined;
  const out: Record<string, unknown> = {};
  for (const k of known) out[k] = orderBySchema(obj[k], props[k]);
  for (const k of rest)
    out[k] = orderBySchema(obj[k], patternValue ?? (typeof extra === 'object' ? extra : undefined));
  return out;
}

function itemSchema(schema: TSchema | undefined): TSchema | undefined {
  return schema?.items as TSchema | undefined;
}

/** For unions, the branch whose `const` fields match the value. */
function pickVariant(
  schema: TSchema | undefined,
  obj: Record<string, unknown>,
): TSchema | undefined {
  const branches = (schema?.oneOf ?? schema?.anyOf) as TSchema[] | undefined;
  if (!branches) return schema;
  return (
    branches.find((b) => {
      const props = (b.properties ?? {}) as Record<string, { const?: unknown }>;
      return Object.entries(props).every(([k, p]) => p.const === undefined || p.const === obj[k]);
    }) ?? branches.find((b) => b.type === 'object')
  );
}

/** One change to an existing record file: set a field, or delete it with `value: undefined`. */
export interface FieldEdit {
  path: FieldPath;
  value: unknown;
}

/**
 * Apply field edits to a YAML text keeping its comments, order and style, so a
 * reviewer's diff shows only the lines that changed.
 * @example
 * editRecordText('production: 1.0.0 # live\n', [{ path: ['production'], value: '1.1.0' }])
 * // 'production: 1.1.0 # live\n'
 */
export function editRecordText(text: string, edits: FieldEdit[]): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`cannot edit invalid YAML: ${doc.errors[0]!.message}`);
  for (const e of edits) {
    if (e.value === undefined) doc.deleteIn(e.path);
    else if (doc.hasIn(e.path)) {
      const node = doc.getIn(e.path, true);
      // keep a scalar node (and its comment) in place: change only its value
      if (node && typeof node === 'object' && 'value' in node && isPlain(e.value)) {
        node.value = e.value;
      } else doc.setIn(e.path, doc.createNode(e.value));
    } else doc.setIn(e.path, doc.createNode(e.value));
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function isPlain(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}
