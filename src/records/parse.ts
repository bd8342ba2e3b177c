import { load, YAMLException } from 'js-yaml';
import { isScalar, parseDocument, visit, type Node } from 'yaml';
import { finding, type Finding } from './finding.js';
import { PositionIndex, type FieldPath, type Position } from './position.js';
import { decodeUtf8 } from './utf8.js';
import { YAML_CORE_SCHEMA } from './yaml-core.js';

/** Records are small; anything bigger is a mistake or an attack. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Aliases are allowed for convenience, not for expansion bombs. */
export const MAX_ALIAS_COUNT = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const FORBIDDEN_WORD = /__proto__|constructor|prototype/;

/** A record file read from bytes: its text, its plain value and positions on demand. */
export interface RecordFile {
  path: string;
  text: string;
  value: Record<string, unknown>;
  locate(path: FieldPath, which?: 'key' | 'value'): Position;
}

export type ParseResult = { ok: true; file: RecordFile } | { ok: false; findings: Finding[] };

/**
 * Parse a record file's bytes safely: size cap, strict UTF-8, no duplicate
 * keys, a cap on alias expansion, no prototype keys, a mapping at the top.
 * @example
 * const r = parseRecordFile('data/x.yaml', new TextEncoder().encode('kind: Dataset\n'));
 * if (r.ok) r.file.value.kind; // 'Dataset'
 */
export function parseRecordFile(path: string, bytes: Uint8Array): ParseResult {
  const fail = (pos: Position, rule: string, message: string): ParseResult => ({
    ok: false,
    findings: [finding(path, pos, rule, message)],
  });
  const start = { line: 1, col: 1 };
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    return fail(
      start,
      'yaml/too-large',
      `file is ${bytes.byteLength} bytes; records are at most ${MAX_RECORD_BYTES} bytes (1 MiB)`,
    );
  }
  const decoded = decodeUtf8(bytes);
  if ('badOffset' in decoded) {
    const prefix = new TextDecoder().decode(bytes.subarray(0, decoded.badOffset));
    const positions = new PositionIndex(prefix);
    return fail(
      positions.at(prefix.length),
      'yaml/encoding',
      `invalid UTF-8 at byte ${decoded.badOffset}`,
    );
  }
  const text = decoded.text.replace(/^\uFEFF/, '');
  const positions = new PositionIndex(text);
  const parsed = needsDocumentParse(text) ? parseDocumentPath(path, text) : parseFast(path, text);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(start, 'yaml/not-a-mapping', 'a record must be a YAML mapping of keys to values');
  }
  // the walk runs only when such a word, or an escape that could spell one, occurs
  const suspicious = FORBIDDEN_WORD.test(text) || text.includes('\\');
  const bad = suspicious ? findForbiddenKey(value, []) : null;
  if (bad) {
    return fail(
      positions.locate(bad, 'key'),
      'yaml/forbidden-key',
      `key "${String(bad[bad.length - 1])}" is not allowed (prototype pollution)`,
    );
  }
  return {
    ok: true,
    file: {
      path,
      text,
      value: value as Record<string, unknown>,
      locate: (p, which) => positions.locate(p, which),
    },
  };
}

export type Parsed = { ok: true; value: unknown } | { ok: false; findings: Finding[] };

/**
 * js-yaml is ~7× faster than a full document parse; it is used when no alias and no key that
 * is a list or mapping can occur. Both paths resolve scalars by the YAML 1.2 core schema, the
 * same way (src/records/yaml-core.ts; test/inputs-yaml-parity.test.ts compares them).
 */
export function parseFast(path: string, text: string): Parsed {
  try {
    return { ok: true, value: load(text, { schema: YAML_CORE_SCHEMA, json: false }) };
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    const mark = e.mark as { line: number; column: number } | undefined;
    const pos = { line: (mark?.line ?? 0) + 1, col: (mark?.column ?? 0) + 1 };
    const reason = e.reason || e.message;
    const rule = /duplicated mapping key/.test(reason) ? 'yaml/duplicate-key' : 'yaml/syntax';
    const message = rule === 'yaml/duplicate-key' ? 'duplicate key in a mapping' : reason;
    return { ok: false, findings: [finding(path, pos, rule, message)] };
  }
}

/** A key as the plain value names it: js-yaml turns every key into its text (`~` into "null"). */
function keyText(node: unknown): unknown {
  if (!isScalar(node)) return node;
  const v = node.value;
  if (v === null) return 'null';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

/**
 * Anchors and aliases go through `yaml`, which caps how far aliases may expand; so do keys that
 * are lists or mappings, which it refuses (js-yaml would make `[a, b]` the key "a,b").
 */
export function parseDocumentPath(path: string, text: string): Parsed {
  const positions = new PositionIndex(text);
  const at = (node: { range?: [number, number, number] | null } | null | undefined) =>
    positions.at(node?.range?.[0] ?? 0);
  const doc = parseDocument(text, {
    schema: 'core',
    // a tag outside the core schema (!!binary, !!timestamp, !foo) is refused, as js-yaml does
    resolveKnownTags: false,
    uniqueKeys: (a, b) => keyText(a) === keyText(b),
    merge: false,
    prettyErrors: false,
  });
  const err = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (err) {
    const rule = err.code === 'DUPLICATE_KEY' ? 'yaml/duplicate-key' : 'yaml/syntax';
    const message =
      rule === 'yaml/duplicate-key'
        ? 'duplicate key in a mapping'
        : err.code === 'TAG_RESOLVE_FAILED'
          ? `${err.message.split(' at line')[0]}: records use YAML 1.2 core tags only, and a tagged value must fit its tag`
          : err.message;
    return { ok: false, findings: [finding(path, positions.at(err.pos[0]), rule, message)] };
  }
  let complex: Node | null = null;
  visit(doc, {
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        complex = pair.key as Node;
        return visit.BREAK;
      }
      // js-yaml names a null key (`~:`, `null:`) "null"; `yaml` would name it ""
      if (isScalar(pair.key) && pair.key.value === null) pair.key.value = 'null';
      return undefined;
    },
  });
  if (complex) {
    return {
      ok: false,
      findings: [
        finding(
          path,
          at(complex),
          'yaml/complex-key',
          'a key must be a plain value, not a list or a mapping',
        ),
      ],
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    const alias = /[*][A-Za-z0-9_-]/.exec(text);
    return {
      ok: false,
      findings: [
        finding(
          path,
          positions.at(alias?.index ?? 0),
          'yaml/alias-limit',
          `aliases expand too far (more than ${MAX_ALIAS_COUNT} nodes): ${(e as Error).message.split('.')[0]}`,
        ),
      ],
    };
  }
}

/**
 * Whether the text may use an anchor or alias, or a key that is a list or a mapping (an
 * explicit `? ` key, or `]`/`}` before a `:`). Conservative: a false positive only costs the
 * slower parser.
 */
function needsDocumentParse(text: string): boolean {
  return (
    ((text.includes('&') || text.includes('*')) && /(^|[\s[{,:-])[&*][^\s,\]}]/m.test(text)) ||
    (text.includes('?') && /(^|[\s[{,])\?(\s|$)/m.test(text)) ||
    /[\]}]\s*:(\s|$)/.test(text)
  );
}

function findForbiddenKey(v: unknown, at: (string | number)[]): (string | number)[] | null {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = findForbiddenKey(v[i], [...at, i]);
      if (r) return r;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) return [...at, k];
      const r = findForbiddenKey((v as Record<string, unknown>)[k], [...at, k]);
      if (r) return r;
    }
  }
  return null;
}
