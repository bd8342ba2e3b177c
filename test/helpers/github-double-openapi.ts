/**
 * GitHub's published OpenAPI description (`@octokit/openapi`, api.github.com), loaded once per
 * process, as the GitHub test double's referee: which operation a method and path are, whether
 * the path and query parameters and the JSON body match that operation's schemas, and whether
 * a response matches the schema GitHub documents for its status code.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a `null` type (or an `anyOf` with
 * `null` where there is no `type`), siblings of `$ref` are dropped (OpenAPI ignores them), and
 * annotations (`example`, `discriminator`, `x-*`) are removed before ajv sees a schema.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  template: string;
  operationId: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; schema?: Json };
  responses: Record<string, Json | undefined>;
  match: RegExp;
  pathNames: string[];
  /** How many literal segments the template has: the most specific template wins. */
  literals: number;
}

const ANNOTATIONS = new Set(['nullable', 'example', 'examples', 'discriminator', 'deprecated']);
const REF_PREFIX = 'gh#/components/';
const NOOP_FORMATS = ['int32', 'int64', 'uri-template', 'timestamp', 'binary', 'byte', 'password'];

/** OpenAPI 3.0 schema → JSON Schema (draft-07) as ajv reads it; `$ref`s point into `gh`. */
function toJsonSchema(s: unknown, refPrefix = '#/components/'): unknown {
  if (Array.isArray(s)) return s.map((x) => toJsonSchema(x, refPrefix));
  if (!s || typeof s !== 'object') return s;
  const schema = s as Json;
  if (typeof schema['$ref'] === 'string') {
    return { $ref: schema['$ref'].replace('#/components/', refPrefix) };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k) || k.startsWith('x-')) continue;
    if (k === 'properties' || k === 'patternProperties') {
      out[k] = Object.fromEntries(
        Object.entries(v as Json).map(([p, ps]) => [p, toJsonSchema(ps, refPrefix)]),
      );
    } else if (k === 'enum' || k === 'required' || k === 'default' || k === 'const') {
      out[k] = v;
    } else {
      out[k] = toJsonSchema(v, refPrefix);
    }
  }
  if (schema['nullable'] !== true) return out;
  if (typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    const values = out['enum'] as unknown[] | undefined;
    if (values && !values.includes(null)) out['enum'] = [...values, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function templateRegExp(template: string): { match: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((seg) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { match: new RegExp(`^${source}$`), names };
}

export class OpenApi {
  readonly #components: Json;
  readonly #ops: Operation[] = [];
  readonly #schemas: Record<string, unknown>;
  readonly #ajv: Ajv;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(doc: Json) {
    this.#components = doc['components'] as Json;
    this.#schemas = toJsonSchema(this.#components['schemas']) as Record<string, unknown>;
    this.#ajv = new Ajv({
      strict: false,
      allErrors: true,
      logger: false,
      validateSchema: false,
      code: { optimize: false },
    });
    formats.default(this.#ajv);
    for (const f of NOOP_FORMATS) this.#ajv.addFormat(f, true);
    this.#ajv.addSchema({ components: { schemas: this.#schemas } }, 'gh');
    for (const [template, item] of Object.entries(doc['paths'] as Record<string, Json>)) {
      const shared = (item['parameters'] as Json[] | undefined) ?? [];
      const { match, names } = templateRegExp(template);
      const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
      for (const method of ['get', 'put', 'post', 'patch', 'delete', 'head']) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const parameters = [...shared, ...((op['parameters'] as Json[] | undefined) ?? [])].map(
          (p) => this.#deref(p) as unknown as Parameter,
        );
        const body = op['requestBody'] ? this.#deref(op['requestBody'] as Json) : undefined;
        const content = body?.['content'] as Record<string, Json> | undefined;
        this.#ops.push({
          method: method.toUpperCase(),
          template,
          operationId: op['operationId'] as string,
          parameters,
          requestBody: body && {
            required: body['required'] === true,
            schema: content?.['application/json']?.['schema'] as Json | undefined,
          },
          responses: op['responses'] as Record<string, Json>,
          match,
          pathNames: names,
          literals,
        });
      }
    }
    this.#ops.sort((a, b) => b.literals - a.literals);
  }

  /** Follows a `#/components/...` reference (parameters, request bodies, responses). */
  #deref(value: Json): Json {
    let v = value;
    while (typeof v['$ref'] === 'string') {
      const parts = v['$ref'].replace('#/components/', '').split('/');
      v = parts.reduce<Json>((o, p) => o[p] as Json, this.#components);
    }
    return v;
  }

  /** The operation a method and path are, with the decoded path parameters; null when none. */
  find(method: string, pathname: string): { op: Operation; params: Record<string, string> } | null {
    for (const op of this.#ops) {
      if (op.method !== method.toUpperCase()) continue;
      const m = op.match.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      op.pathNames.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { op, params };
    }
    return null;
  }

  #validator(key: string, schema: unknown): ValidateFunction {
    let v = this.#validators.get(key);
    if (!v) {
      v = this.#ajv.compile(toJsonSchema(schema, REF_PREFIX) as Json);
      this.#validators.set(key, v);
    }
    return v;
  }

  #check(key: string, schema: unknown, data: unknown, where: string): string[] {
    const v = this.#validator(key, schema);
    return v(data) ? [] : [`${where} ${describe(v.errors)}`];
  }

  /** What is wrong with a request for `op` (empty when it matches the description). */
  checkRequest(
    op: Operation,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
  ): string[] {
    const problems: string[] = [];
    const id = op.operationId;
    for (const p of op.parameters.filter((x) => x.in === 'path' || x.in === 'query')) {
      const raw = p.in === 'path' ? params[p.name] : (query.get(p.name) ?? undefined);
      if (raw === undefined) {
        if (p.required) problems.push(`${id}: missing required ${p.in} parameter ${p.name}`);
        continue;
      }
      const value = coerce(raw, p.schema);
      problems.push(
        ...this.#check(
          `${id}:${p.in}:${p.name}`,
          p.schema ?? {},
          value,
          `${id}: ${p.in} parameter ${p.name}=${raw}`,
        ),
      );
    }
    for (const name of new Set(query.keys())) {
      if (!op.parameters.some((p) => p.in === 'query' && p.name === name)) {
        problems.push(`${id}: unknown query parameter ${name}`);
      }
    }
    if (op.requestBody?.schema) {
      if (body === undefined) {
        if (op.requestBody.required) problems.push(`${id}: missing the required JSON body`);
      } else {
        problems.push(...this.#check(`${id}:body`, op.requestBody.schema, body, `${id}: body`));
        problems.push(...this.#unknownFields(id, op.requestBody.schema, body));
      }
    } else if (body !== undefined) {
      problems.push(`${id}: a body was sent, but the operation takes none`);
    }
    return problems;
  }

  /**
   * Top-level body fields the schema does not name. GitHub ignores them, so a misspelt field
   * (`commitId` for `commit_id`) would do nothing there without a word: here it is a violation.
   */
  #unknownFields(id: string, schema: Json, body: unknown): string[] {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
    const known = new Set<string>();
    const visit = (raw: Json): boolean => {
      const s = this.resolve(toJsonSchema(raw) as Json);
      if (s['additionalProperties'] !== undefined && s['additionalProperties'] !== false)
        return false;
      Object.keys(s['properties'] ?? {}).forEach((k) => known.add(k));
      const branches = [s['allOf'], s['oneOf'], s['anyOf']].flat().filter(Boolean) as Json[];
      return branches.every(visit);
    };
    if (!visit(schema)) return [];
    const unknown = Object.keys(body).filter((k) => !known.has(k));
    return unknown.map((k) => `${id}: body field ${k} is not in the operation's schema`);
  }

  /**
   * What is wrong with a response. A status the operation does not document is accepted
   * only for an error (≥ 400), and then must be GitHub's `basic-error`.
   */
  checkResponse(op: Operation, status: number, body: unknown): string[] {
    const id = op.operationId;
    const documented = op.responses[String(status)];
    if (!documented) {
      if (status < 400) return [`${id}: status ${status} is not a documented response`];
      return this.#check(
        'basic-error',
        { $ref: '#/components/schemas/basic-error' },
        body,
        `${id}: ${status} body`,
      );
    }
    const content = this.#deref(documented)['content'] as Record<string, Json> | undefined;
    const schema = content?.['application/json']?.['schema'];
    if (!schema && status >= 400 && body !== undefined) {
      // Documented without a body (`422` on some operations): GitHub still sends basic-error.
      return this.#check(
        'basic-error',
        { $ref: '#/components/schemas/basic-error' },
        body,
        `${id}: ${status} body`,
      );
    }
    if (!schema)
      return body === undefined ? [] : [`${id}: ${status} documents no body, one was sent`];
    if (body === undefined) return [`${id}: ${status} documents a JSON body, none was sent`];
    return this.#check(`${id}:${status}`, schema, body, `${id}: ${status} body`);
  }

  /** The JSON schema documented for `op`'s `status` answer; its `$ref`s are `#/components/…`. */
  responseSchema(op: Operation, status: number): Json | undefined {
    const documented = op.responses[String(status)];
    const content = documented && (this.#deref(documented)['content'] as Record<string, Json>);
    return toJsonSchema(content?.['application/json']?.['schema']) as Json | undefined;
  }

  /** A schema with its `$ref`s followed (`#/components/schemas/NAME`). */
  resolve(schema: Json): Json {
    let s = schema;
    while (typeof s['$ref'] === 'string') {
      s = this.#schemas[s['$ref'].replace(/^.*#\/components\/schemas\//, '')] as Json;
    }
    return s;
  }
}

function coerce(raw: string, schema: Json | undefined): unknown {
  const type = schema?.['type'];
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (type === 'array') return raw.split(',');
  return raw;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath ? `${e.instancePath} ` : ''}${e.message ?? ''} ${JSON.stringify(e.params)}`,
    )
    .join('; ');
}

let cached: OpenApi | undefined;

/** The api.github.com description, parsed and prepared once per process (~0.4 s). */
export function githubOpenApi(): OpenApi {
  if (!cached) {
    const file = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.json',
    );
    cached = new OpenApi(JSON.parse(readFileSync(file, 'utf8')) as Json);
  }
  return cached;
}
