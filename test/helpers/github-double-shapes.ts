/**
 * The JSON the GitHub test double answers with: each body starts as a minimal valid instance of
 * the schema GitHub documents for the operation and status (every required field there, `null`
 * wherever null is allowed), and the double's real fields are merged over it.
 */
import type { OpenApi, Operation } from './github-double-openapi.js';
import type {
  DoubleCommitInfo,
  DoubleIssue,
  DoublePull,
  DoubleReview,
  DoubleState,
} from './github-double-state.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: objects key by key, anything else replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** A minimal instance of the schema `op` answers `status` with (an array's item). */
export function sampleFor(api: OpenApi, op: Operation, status: number): unknown {
  const schema = api.responseSchema(op, status);
  if (!schema) return undefined;
  const resolved = api.resolve(schema);
  return resolved['type'] === 'array' ? sample(api, resolved['items']) : sample(api, schema);
}

/** A minimal valid instance: required properties only, `null` wherever null is allowed. */
export function sample(api: OpenApi, schema: unknown, depth = 0): unknown {
  if (depth > 20 || !schema || typeof schema !== 'object') return null;
  const s = api.resolve(schema as Json);
  const anyOf = (s['anyOf'] ?? s['oneOf']) as Json[] | undefined;
  if (anyOf) {
    return anyOf.some((b) => b['type'] === 'null') ? null : sample(api, anyOf[0], depth + 1);
  }
  if (Array.isArray(s['allOf'])) {
    return Object.assign({}, ...s['allOf'].map((b) => sample(api, b, depth + 1)));
  }
  if (Array.isArray(s['enum'])) return s['enum'][0] as unknown;
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : [s['type']];
  const type = types.includes('null') ? 'null' : (types[0] ?? (s['properties'] ? 'object' : null));
  switch (type) {
    case 'object': {
      const props = (s['properties'] ?? {}) as Json;
      const required = (s['required'] ?? []) as string[];
      return Object.fromEntries(required.map((k) => [k, sample(api, props[k] ?? {}, depth + 1)]));
    }
    case 'array':
      return Array.from({ length: Number(s['minItems'] ?? 0) }, () =>
        sample(api, s['items'], depth + 1),
      );
    case 'string':
      return sampleString(s);
    case 'integer':
    case 'number':
      return Math.max(Number(s['minimum'] ?? 1), 1);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function sampleString(s: Json): string {
  switch (s['format']) {
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'uri':
      return 'https://github.example/placeholder';
    case 'email':
      return 'placeholder@github.example';
    default:
      return 'x'.repeat(Math.max(Number(s['minLength'] ?? 1), 1));
  }
}

/** Builds response bodies: the schema's minimal instance with the double's fields over it. */
export class Shapes {
  constructor(
    readonly api: OpenApi,
    readonly state: DoubleState,
    /** `http://127.0.0.1:PORT`: API URLs and, for html_url, the "web" side. */
    readonly origin: string,
  ) {}

  #of(name: string, over: Json): Json {
    return deepMerge(sample(this.api, { $ref: `#/components/schemas/${name}` }), over) as Json;
  }

  /** The response body for `op` and `status`: its item schema's instance, then `over`. */
  body(op: Operation, status: number, over: Json): Json {
    return deepMerge(sampleFor(this.api, op, status), over) as Json;
  }

  get repoUrl(): string {
    return `${this.origin}/repos/${this.state.owner}/${this.state.repo}`;
  }

  user(login: string): Json {
    return this.#of('simple-user', {
      login,
      id: idOf(login),
      node_id: `U_${login}`,
      url: `${this.origin}/users/${login}`,
      html_url: `${this.origin}/${login}`,
      type: 'User',
    });
  }

  label(name: string): Json {
    const id = this.state.labelId(name);
    return this.#of('label', {
      id,
      node_id: `LA_${id}`,
      url: `${this.repoUrl}/labels/${encodeURIComponent(name)}`,
      name,
      // a pull request's labels (pull-request-simple) need a string here; a label's allows null
      description: '',
      color: 'ededed',
      default: false,
    });
  }

  team(slug: string): Json {
    return this.#of('team', {
      id: idOf(slug),
      node_id: `T_${slug}`,
      name: slug,
      slug,
      url: `${this.origin}/orgs/${this.state.owner}/teams/${slug}`,
      html_url: `${this.origin}/orgs/${this.state.owner}/teams/${slug}`,
      permission: 'pull',
    });
  }

  #ref(branch: string, sha: string): Json {
    const { owner, repo } = this.state;
    return {
      label: `${owner}:${branch}`,
      ref: branch,
      sha,
      user: this.user(owner),
      repo: {
        name: repo,
        full_name: `${owner}/${repo}`,
        owner: this.user(owner),
        url: this.repoUrl,
      },
    };
  }

  pull(op: Operation, status: number, pr: DoublePull): Json {
    const { owner, repo } = this.state;
    return this.body(op, status, {
      url: `${this.repoUrl}/pulls/${pr.number}`,
      id: 10_000 + pr.number,
      node_id: `PR_${pr.number}`,
      html_url: `${this.origin}/${owner}/${repo}/pull/${pr.number}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user: this.user(pr.author),
      labels: pr.labels.map((l) => this.label(l)),
      requested_reviewers: pr.reviewers.map((u) => this.user(u)),
      requested_teams: pr.teams.map((t) => this.team(t)),
      head: this.#ref(pr.head, this.state.headSha(pr)),
      base: this.#ref(pr.base, this.state.baseSha(pr)),
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.closedAt,
      merged_at: pr.mergedAt,
      merge_commit_sha: pr.mergeCommitSha,
      author_association: 'MEMBER',
      draft: false,
      ...(op.operationId === 'pulls/list' || op.operationId === 'pulls/request-reviewers'
        ? {}
        : {
            merged: pr.merged,
            mergeable: pr.state === 'open' ? pr.mergeable : null,
            mergeable_state: pr.mergeable ? 'clean' : 'dirty',
          }),
    });
  }

  issue(op: Operation, status: number, item: DoubleIssue | DoublePull): Json {
    const { owner, repo } = this.state;
    const isPull = 'head' in item;
    const kind = isPull ? 'pull' : 'issues';
    return this.body(op, status, {
      url: `${this.repoUrl}/issues/${item.number}`,
      repository_url: this.repoUrl,
      id: 20_000 + item.number,
      node_id: `I_${item.number}`,
      html_url: `${this.origin}/${owner}/${repo}/${kind}/${item.number}`,
      number: item.number,
      state: item.state,
      title: item.title,
      body: item.body,
      user: this.user(item.author),
      labels: item.labels.map((l) => this.label(l)),
      comments: this.state.comments.filter((c) => c.issue === item.number).length,
      created_at: item.createdAt,
      updated_at: item.updatedAt,
      closed_at: item.closedAt,
      locked: false,
      ...(isPull
        ? {
            pull_request: {
              url: `${this.repoUrl}/pulls/${item.number}`,
              html_url: `${this.origin}/${owner}/${repo}/pull/${item.number}`,
              diff_url: `${this.origin}/${owner}/${repo}/pull/${item.number}.diff`,
              patch_url: `${this.origin}/${owner}/${repo}/pull/${item.number}.patch`,
              merged_at: item.mergedAt,
            },
          }
        : {}),
    });
  }

  /** A commit (`commit` schema), its author and committer as GitHub maps them to accounts. */
  commit(op: Operation, status: number, sha: string, info: DoubleCommitInfo): Json {
    const { owner, repo } = this.state;
    const person = (login: string | null) => ({
      name: login ?? 'someone',
      email: login ? `${login}@users.noreply.github.com` : 'someone@example.com',
      date: '2026-01-01T00:00:00Z',
    });
    return this.body(op, status, {
      url: `${this.repoUrl}/commits/${sha}`,
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      html_url: `${this.origin}/${owner}/${repo}/commit/${sha}`,
      comments_url: `${this.repoUrl}/commits/${sha}/comments`,
      commit: {
        url: `${this.repoUrl}/git/commits/${sha}`,
        author: person(info.author),
        committer: person(info.committer),
        message: info.message,
        comment_count: 0,
        tree: { sha: '0'.repeat(40), url: `${this.repoUrl}/git/trees/${'0'.repeat(40)}` },
        verification: {
          verified: info.verified,
          reason: info.reason,
          payload: null,
          signature: null,
          verified_at: info.verified ? '2026-01-01T00:00:00Z' : null,
        },
      },
      author: info.author ? this.user(info.author) : null,
      committer: info.committer ? this.user(info.committer) : null,
      parents: [],
    });
  }

  review(op: Operation, status: number, r: DoubleReview): Json {
    const { owner, repo } = this.state;
    return this.body(op, status, {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: this.user(r.user),
      body: r.body,
      state: r.state,
      commit_id: r.commitId,
      html_url: `${this.origin}/${owner}/${repo}/pull/${r.pull}#pullrequestreview-${r.id}`,
      pull_request_url: `${this.repoUrl}/pulls/${r.pull}`,
      author_association: 'MEMBER',
      ...(r.submittedAt ? { submitted_at: r.submittedAt } : {}),
    });
  }
}

/** A stable positive id for a login or slug. */
function idOf(name: string): number {
  let h = 7;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_007;
  return h + 1;
}
