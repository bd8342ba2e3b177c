import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { KINDS, type KindName } from './catalog.js';
import { CHECK_KEYWORD, runFieldCheck, type FieldCheckName } from './field-checks.js';
import { finding, type Finding } from './finding.js';
import type { RecordFile } from './parse.js';

// ajv-formats is CommonJS: under Node's ESM interop its plugin is `.default`.
const addFormats = formats.default;

let ajv: Ajv2020 | undefined;
const compiled = new Map<KindName, ValidateFunction>();

/** Compiled once per process, on first use (never at import time). */
function validatorFor(kind: KindName): ValidateFunction {
  let v = compiled.get(kind);
  if (!v) {
    if (!ajv) {
      // Our schemas are tested, not user input: skip checking them against the
      // meta-schema and optimizing the generated code, which cost more start-up
      // time than they save on a run.
      ajv = new Ajv2020({
        allErrors: true,
        verbose: true,
        strict: false,
        discriminator: true,
        meta: false,
        validateSchema: false,
        code: { optimize: false },
      });
      addFormats(ajv, ['date', 'date-time']);
      ajv.addKeyword({
        keyword: CHECK_KEYWORD,
        schemaType: 'string',
        errors: true,
        validate: fieldCheck,
      });
    }
    v = ajv.compile(KINDS[kind]);
    compiled.set(kind, v);
  }
  return v;
}

/** The `x-mlops-check` keyword: a check a pattern cannot express (src/records/field-checks.ts). */
function fieldCheck(
  this: unknown,
  name: FieldCheckName,
  data: unknown,
  _parent?: unknown,
  cxt?: { instancePath: string },
): boolean {
  const problem = runFieldCheck(name, data);
  if (!problem) return true;
  const below = problem.at.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`);
  fieldCheck.errors = [
    {
      keyword: CHECK_KEYWORD,
      instancePath: `${cxt?.instancePath ?? ''}${below.join('')}`,
      schemaPath: '',
      params: { check: name },
      message: problem.message,
    },
  ];
  return false;
}
fieldCheck.errors = [] as ErrorObject[];

/**
 * Compiles the validators of `kinds` now (a few ms each, once per process), so a later check
 * does not pay for it: a command calls this while it waits on something else, such as a
 * training command running in another process.
 * @example
 * setImmediate(() => precompileSchemas(['Run']));
 */
export function precompileSchemas(kinds: readonly KindName[]): void {
  for (const k of kinds) validatorFor(k);
}

/**
 * Check a record against its kind's schema; every error points at the key or
 * value it is about.
 */
export function checkSchema(file: RecordFile, kind: KindName): Finding[] {
  const validate = validatorFor(kind);
  if (validate(file.value)) return [];
  return explain(file, pruneErrors(validate.errors ?? []));
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * ajv reports every branch of a union; keep one error per place, preferring
 * the union's own summary over the noise of its branches.
 */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const union = unions.find((u) => u !== e && e.schemaPath.startsWith(u.schemaPath + '/'));
    if (union) {
      // a nullable value that is not null: report its one real branch, not the union
      const only = nonNullBranch(union);
      if (only === undefined || !e.schemaPath.startsWith(`${union.schemaPath}/${only}/`)) continue;
    } else if (e.keyword === 'anyOf' && nonNullBranch(e) !== undefined) continue;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

/** For `T | null` with a non-null value, the index of T's branch. */
function nonNullBranch(e: ErrorObject): number | undefined {
  const branches = ((e.parentSchema as TSchema | undefined)?.anyOf ?? []) as TSchema[];
  const nonNull = branches.flatMap((b, i) => (b.type === 'null' ? [] : [i]));
  return branches.length === 2 && nonNull.length === 1 && e.data !== null ? nonNull[0] : undefined;
}

function explain(file: RecordFile, errors: ErrorObject[]): Finding[] {
  return errors.map((e) => {
    const at = pointerToPath(e.instancePath);
    const name = at.length ? at.join('.') : 'record';
    const schema = e.parentSchema as (TSchema & { description?: string }) | undefined;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys((schema?.properties as object | undefined) ?? {});
        return finding(
          file.path,
          file.locate([...at, key], 'key'),
          'schema/unknown-key',
          `unknown key "${key}" in ${name}` +
            (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''),
        );
      }
      case 'required': {
        const key = (e.params as { missingProperty: string }).missingProperty;
        return finding(
          file.path,
          file.locate(at, 'key'),
          'schema/required',
          `missing required key "${key}" in ${name}`,
        );
      }
      case 'anyOf':
      case 'oneOf': {
        const options = (schema?.anyOf ?? schema?.oneOf ?? []) as { const?: unknown }[];
        const consts = options.map((o) => o.const).filter((c) => c !== undefined);
        const message =
          consts.length === options.length && consts.length
            ? `${name} must be one of ${consts.map((c) => JSON.stringify(c)).join(', ')}; got ${JSON.stringify(e.data)}`
            : `${name} does not match any allowed form`;
        return finding(file.path, file.locate(at), 'schema/enum', message);
      }
      case 'discriminator': {
        const p = e.params as { tag: string; tagValue: unknown };
        const options = (
          (schema?.oneOf ?? []) as { properties?: Record<string, { const?: unknown }> }[]
        )
          .map((o) => JSON.stringify(o.properties?.[p.tag]?.const))
          .join(', ');
        return finding(
          file.path,
          file.locate([...at, p.tag]),
          'schema/enum',
          `${name}.${p.tag} must be one of ${options}; got ${JSON.stringify(p.tagValue)}`,
        );
      }
      case 'const':
        return finding(
          file.path,
          file.locate(at),
          'schema/const',
          `${name} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}; got ${JSON.stringify(e.data)}`,
        );
      case 'type':
        return finding(
          file.path,
          file.locate(at),
          'schema/type',
          `${name} must be ${(e.params as { type: string }).type}; got ${describe(e.data)}`,
        );
      case CHECK_KEYWORD:
        return finding(
          file.path,
          file.locate(at),
          `schema/${(e.params as { check: FieldCheckName }).check}`,
          `${name} ${e.message ?? 'is invalid'}`,
        );
      case 'pattern':
      case 'format':
        return finding(
          file.path,
          file.locate(at),
          `schema/${e.keyword}`,
          `${name} must be ${schema?.description ?? e.message}; got ${JSON.stringify(e.data)}`,
        );
      default:
        return finding(
          file.path,
          file.locate(at),
          `schema/${e.keyword}`,
          `${name} ${e.message ?? 'is invalid'}; got ${JSON.stringify(e.data)}`,
        );
    }
  });
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
