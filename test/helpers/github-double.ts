/**
 * A stand-in for the parts of GitHub's REST API the forge uses: an HTTP server on 127.0.0.1
 * with a stateful repository (branches whose heads a test can move, pull requests, reviews,
 * labels, statuses, issues, comments, dispatches, teams), refereed by GitHub's published
 * OpenAPI description. Every request must be an operation of the description, with path and
 * query parameters and JSON body matching its schemas; every response the double sends must
 * match the schema documented for its status. A mismatch is answered 500 with the reason and
 * recorded in `violations`, which a test asserts empty, so a wrong path, method, parameter or
 * body fails the test. Collections are paged as GitHub pages them (`per_page`, `page`, `Link`).
 *
 * @example
 * const gh = await startGitHubDouble({ tokens: { t0: 'mlops-bot' } });
 * gh.setBranch('main');
 * gh.failNext('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', 502);
 * // … a forge with baseUrl: gh.url, token: 't0', repository: 'acme/models' …
 * expect(gh.violations).toEqual([]);
 * await gh.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubOpenApi, type OpenApi } from './github-double-openapi.js';
import { commitRoutes } from './github-double-routes-commits.js';
import { issueRoutes } from './github-double-routes-issues.js';
import { pullRoutes, type Reply } from './github-double-routes.js';
import { Shapes } from './github-double-shapes.js';
import {
  DoubleState,
  type DoubleCommitInfo,
  type DoublePull,
  type ReviewState,
} from './github-double-state.js';

export interface GitHubDoubleOptions {
  owner?: string;
  repo?: string;
  /** Token → the login it authenticates as; default `{ 'test-token': 'mlops-bot' }`. */
  tokens?: Record<string, string>;
}

export interface Fault {
  method: string;
  /** A path (`/repos/acme/models/pulls/1`), an operation's template, or a RegExp on the path. */
  path: string | RegExp;
  status: number;
  times: number;
  headers: Record<string, string>;
  message?: string;
}

export interface LoggedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  operationId?: string;
  status: number;
}

function faultMessage(f: Fault): string {
  if (f.message) return f.message;
  if (f.headers['x-ratelimit-remaining'] === '0')
    return 'API rate limit exceeded for installation ID 1.';
  if (f.status === 403 || f.status === 429) {
    return 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  }
  return f.status >= 500 ? 'Server Error' : 'Error';
}

export class GitHubDouble {
  readonly violations: string[] = [];
  readonly requests: LoggedRequest[] = [];
  readonly state: DoubleState;
  readonly #faults: Fault[] = [];
  readonly #tokens: Record<string, string>;
  #shapes!: Shapes;
  url = '';

  readonly #server = http.createServer();

  constructor(
    readonly api: OpenApi,
    options: GitHubDoubleOptions,
  ) {
    this.state = new DoubleState(options.owner ?? 'acme', options.repo ?? 'models');
    this.#tokens = options.tokens ?? { 'test-token': 'mlops-bot' };
    this.#server.on('request', (req, res) => void this.#serve(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    this.#shapes = new Shapes(this.api, this.state, this.url);
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The next `times` matching requests are answered `status` (with `headers`), unhandled. */
  failNext(
    method: string,
    path: string | RegExp,
    status: number,
    times = 1,
    headers: Record<string, string> = {},
    message?: string,
  ): void {
    this.#faults.push({ method: method.toUpperCase(), path, status, times, headers, message });
  }

  /** Creates or moves a branch to `sha` (default: a new commit); returns the sha. */
  setBranch(name: string, sha?: string): string {
    const to = sha ?? this.state.newSha();
    this.state.commits.add(to);
    this.state.branches.set(name, to);
    return to;
  }

  branch(name: string): string | undefined {
    return this.state.branches.get(name);
  }

  /**
   * Says who GitHub maps a commit's author and committer to and whether it verified its
   * signature (`reason` defaults to `valid` when verified, else `unsigned`).
   */
  seedCommit(
    sha: string,
    info: Partial<DoubleCommitInfo> & Pick<DoubleCommitInfo, 'author'>,
  ): void {
    this.state.commits.add(sha);
    const verified = info.verified ?? false;
    this.state.commitInfo.set(sha, {
      committer: info.author,
      verified,
      reason: verified ? 'valid' : 'unsigned',
      message: 'change',
      ...info,
    });
  }

  /** The commits `GET …/pulls/{n}/commits` lists for a pull request, oldest first. */
  setPullCommits(pull: number, shas: string[]): void {
    for (const sha of shas) this.state.commits.add(sha);
    this.state.pullCommits.set(pull, [...shas]);
  }

  addTeam(slug: string, members: string[]): void {
    this.state.teams.set(slug, members);
  }

  /** A pull request opened by someone else (`author`), as if made on github.com. */
  seedPull(input: {
    head: string;
    base: string;
    title: string;
    author: string;
    body?: string;
  }): DoublePull {
    if (!this.state.branches.has(input.head)) this.setBranch(input.head);
    return this.state.openPull({ ...input, body: input.body ?? null });
  }

  /** An issue opened by `author` on github.com. */
  seedIssue(input: { title: string; author?: string; body?: string; labels?: string[] }): number {
    const now = this.state.now();
    const number = this.state.nextNumber();
    this.state.issues.set(number, {
      number,
      title: input.title,
      body: input.body ?? null,
      author: input.author ?? 'someone',
      state: 'open',
      labels: input.labels ?? [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    });
    return number;
  }

  pull(number: number): DoublePull | undefined {
    return this.state.pulls.get(number);
  }

  /** Records a review as if `user` gave it on github.com. */
  addReview(
    pull: number,
    review: { user: string; state: ReviewState; commitId: string; body?: string },
  ): void {
    this.state.commits.add(review.commitId);
    this.state.reviews.push({
      id: this.state.nextId(),
      pull,
      body: '',
      ...review,
      submittedAt: review.state === 'PENDING' ? null : this.state.now(),
    });
  }

  async #serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.url);
    const log: LoggedRequest = { method, url: url.pathname + url.search, status: 0 };
    this.requests.push(log);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
      });
      res.end(text);
    };
    const violate = (problems: string[]) => {
      const reason = `${method} ${log.url}: ${problems.join('; ')}`;
      this.violations.push(reason);
      send(500, { message: `github-double: ${reason}` });
    };

    const found = this.api.find(method, url.pathname);
    if (!found)
      return violate([`no operation ${method} ${url.pathname} in GitHub's OpenAPI description`]);
    const { op, params } = found;
    log.operationId = op.operationId;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return violate([`${op.operationId}: the body is not JSON`]);
    }
    const problems = this.api.checkRequest(op, params, url.searchParams, body);
    if (problems.length > 0) return violate(problems);

    const fault = this.#faults.find(
      (f) =>
        f.times > 0 &&
        f.method === method &&
        (f.path instanceof RegExp
          ? f.path.test(url.pathname)
          : f.path === url.pathname || f.path === op.template),
    );
    if (fault) {
      fault.times--;
      return send(
        fault.status,
        { message: faultMessage(fault), documentation_url: 'https://docs.github.com/rest' },
        fault.headers,
      );
    }

    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '');
    const login = auth ? this.#tokens[auth[1]!] : undefined;
    let reply: Reply;
    if (!login) {
      reply = {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    } else if (
      (params['owner'] !== undefined &&
        (params['owner'] !== this.state.owner || params['repo'] !== this.state.repo)) ||
      (params['org'] !== undefined && params['org'] !== this.state.owner)
    ) {
      reply = {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
      };
    } else {
      const route =
        pullRoutes[op.operationId] ?? issueRoutes[op.operationId] ?? commitRoutes[op.operationId];
      if (!route)
        return violate([`${op.operationId} is GitHub's, but the double does not model it`]);
      reply = route({
        op,
        params,
        query: url.searchParams,
        body: body as Record<string, unknown>,
        login,
        state: this.state,
        shapes: this.#shapes,
      });
    }

    const headers: Record<string, string> = {};
    let out = reply.body;
    if (reply.list) {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      out = reply.list.slice((page - 1) * perPage, page * perPage);
      const link = this.#link(url, page, Math.max(1, Math.ceil(reply.list.length / perPage)));
      if (link) headers['link'] = link;
    }
    const bad = this.api.checkResponse(op, reply.status, out);
    if (bad.length > 0) return violate(bad.map((b) => `the double's response: ${b}`));
    send(reply.status, out, headers);
  }

  /** GitHub's `Link` header: next and last, then prev and first past page 1. */
  #link(url: URL, page: number, last: number): string {
    const at = (n: number) => {
      const u = new URL(url);
      u.searchParams.set('page', String(n));
      return `<${u.href}>`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(`${at(page - 1)}; rel="prev"`);
    if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (page > 1) parts.push(`${at(1)}; rel="first"`);
    return parts.join(', ');
  }
}

/** Starts a double on a free port on 127.0.0.1 (the OpenAPI description is parsed once per process). */
export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  return new GitHubDouble(githubOpenApi(), options).listen();
}
