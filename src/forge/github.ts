/**
 * The `github` forge adapter: the port over GitHub's REST API, through the Octokit of
 * `github-client.ts` (pagination to the last page, 5xx retried, rate limits waited out).
 *
 * Token: a GitHub App installation token or a PAT. The workflow's own `GITHUB_TOKEN` works,
 * but what it creates (a pull request, a dispatch) starts no other workflow, so a promotion PR
 * opened with it gets no validation run.
 *
 * Nothing is read from the environment: the Action passes `GITHUB_TOKEN` or its `token` input,
 * `GITHUB_REPOSITORY` and `GITHUB_API_URL`.
 */
import { ForgeError } from './errors.js';
import {
  createGitHubClient,
  DEFAULT_API,
  type GitHubForgeOptions,
  type Octokit,
} from './github-client.js';
import {
  toForgeCommit,
  toForgeError,
  toIssue,
  toPullRequest,
  toReview,
  type GhIssue,
} from './github-map.js';
import type { CommitStatus, Forge, ForgeCommit, Issue, PullRequest, Review } from './port.js';

export type { GitHubForgeOptions, GitHubTiming } from './github-client.js';

/** GitHub limits a commit status's description to 140 characters (422 beyond). */
const MAX_STATUS_DESCRIPTION = 140;
/** GitHub limits a dispatch's `client_payload` to 10 top-level properties. */
const MAX_PAYLOAD_KEYS = 10;
const PER_PAGE = 100;

/** The port method's input: its last parameter. */
type Input<M extends keyof Forge> = Forge[M] extends (...a: infer A) => unknown
  ? A extends [...unknown[], infer Last]
    ? Last
    : never
  : never;

/**
 * @example
 * const forge = createGitHubForge({
 *   token: inputs.token || env.GITHUB_TOKEN,
 *   repository: env.GITHUB_REPOSITORY ?? '',
 *   baseUrl: env.GITHUB_API_URL,
 *   onWait: (why, s) => core.info(`${why}: waiting ${s} s`),
 * });
 * const pr = await forge.findPullRequest('promote/churn/1.2.0', 'main');
 */
export function createGitHubForge(options: GitHubForgeOptions): GitHubForge {
  const { octokit, owner, repo, baseUrl } = createGitHubClient(options);
  return new GitHubForge(octokit, owner, repo, baseUrl);
}

export class GitHubForge implements Forge {
  readonly kind = 'github' as const;

  constructor(
    private readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    readonly baseUrl: string = DEFAULT_API,
  ) {}

  /** Runs one call, turning GitHub's failure into a ForgeError that says what was being done. */
  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toForgeError(err, what, this.baseUrl);
    }
  }

  /** As `#call`, but a 404 (NOT_FOUND) is null. */
  async #orNull<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await this.#call(what, fn);
    } catch (err) {
      if (err instanceof ForgeError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  get #repo() {
    return { owner: this.owner, repo: this.repo };
  }

  async findPullRequest(head: string, base?: string): Promise<PullRequest | null> {
    const pulls = await this.#call(`find the pull request from ${head}`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.list, {
        ...this.#repo,
        state: 'open',
        head: `${this.owner}:${head}`,
        ...(base ? { base } : {}),
        per_page: PER_PAGE,
      }),
    );
    const pr = pulls.find((p) => p.head.ref === head && (!base || p.base.ref === base));
    return pr ? toPullRequest(pr, this.owner) : null;
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    const { data } = await this.#call(`get pull request #${number}`, () =>
      this.octokit.rest.pulls.get({ ...this.#repo, pull_number: number }),
    );
    return toPullRequest(data, this.owner);
  }

  async listPullRequests(state: 'open' | 'closed' | 'all' = 'open'): Promise<PullRequest[]> {
    const pulls = await this.#call(`list ${state} pull requests`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.list, {
        ...this.#repo,
        state,
        sort: 'created',
        direction: 'desc',
        per_page: PER_PAGE,
      }),
    );
    return pulls.map((p) => toPullRequest(p, this.owner));
  }

  async createPullRequest(input: Input<'createPullRequest'>): Promise<PullRequest> {
    const { data } = await this.#call(
      `open a pull request from ${input.head} into ${input.base}`,
      () => this.octokit.rest.pulls.create({ ...this.#repo, ...input }),
    );
    return toPullRequest(data, this.owner);
  }

  async updatePullRequest(number: number, input: Input<'updatePullRequest'>): Promise<PullRequest> {
    const { data } = await this.#call(`update pull request #${number}`, () =>
      this.octokit.rest.pulls.update({ ...this.#repo, pull_number: number, ...input }),
    );
    return toPullRequest(data, this.owner);
  }

  async setLabels(number: number, add: string[], remove: string[] = []): Promise<void> {
    if (add.length > 0) {
      await this.#call(`label #${number} ${add.join(', ')}`, () =>
        this.octokit.rest.issues.addLabels({ ...this.#repo, issue_number: number, labels: add }),
      );
    }
    for (const name of remove.filter((l) => !add.includes(l))) {
      // A 404 is a label the pull request does not have: nothing to remove.
      await this.#orNull(`remove label ${name} from #${number}`, () =>
        this.octokit.rest.issues.removeLabel({ ...this.#repo, issue_number: number, name }),
      );
    }
  }

  async requestReviewers(number: number, handles: string[]): Promise<void> {
    const users = [...new Set(handles.filter((h) => !h.includes('/')))];
    const teams = [
      ...new Set(handles.filter((h) => h.includes('/')).map((h) => h.slice(h.indexOf('/') + 1))),
    ];
    if (users.length === 0 && teams.length === 0) return;
    await this.#call(`request reviews on #${number} from ${handles.join(', ')}`, () =>
      this.octokit.rest.pulls.requestReviewers({
        ...this.#repo,
        pull_number: number,
        ...(users.length > 0 ? { reviewers: users } : {}),
        ...(teams.length > 0 ? { team_reviewers: teams } : {}),
      }),
    );
  }

  async listReviews(number: number): Promise<Review[]> {
    const reviews = await this.#call(`list the reviews of #${number}`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        ...this.#repo,
        pull_number: number,
        per_page: PER_PAGE,
      }),
    );
    return reviews.map(toReview).filter((r): r is Review => r !== null);
  }

  /** `GET …/pulls/{n}/commits` (GitHub lists at most 250), oldest first. */
  async pullRequestCommits(number: number): Promise<ForgeCommit[]> {
    const commits = await this.#call(`list the commits of #${number}`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.listCommits, {
        ...this.#repo,
        pull_number: number,
        per_page: PER_PAGE,
      }),
    );
    return commits.map(toForgeCommit);
  }

  /** `GET …/commits/{sha}`: the logins GitHub maps the commit to, and its signature check. */
  async getCommit(sha: string): Promise<ForgeCommit> {
    const { data } = await this.#call(`get commit ${sha.slice(0, 7)}`, () =>
      this.octokit.rest.repos.getCommit({ ...this.#repo, ref: sha, per_page: 1 }),
    );
    return toForgeCommit(data);
  }

  async submitReview(number: number, input: Input<'submitReview'>): Promise<Review> {
    const event = (
      { APPROVED: 'APPROVE', CHANGES_REQUESTED: 'REQUEST_CHANGES', COMMENTED: 'COMMENT' } as const
    )[input.state];
    const { data } = await this.#call(`review #${number} (${event})`, () =>
      this.octokit.rest.pulls.createReview({
        ...this.#repo,
        pull_number: number,
        event,
        commit_id: input.commitId,
        ...(input.body ? { body: input.body } : {}),
      }),
    );
    const review = toReview(data);
    if (review) return review;
    throw new ForgeError('INVALID', `review #${number}: GitHub kept it pending`, { number });
  }

  async mergePullRequest(
    number: number,
    input: Input<'mergePullRequest'>,
  ): Promise<{ sha: string }> {
    const pr = await this.getPullRequest(number);
    const what = `merge #${number} at ${input.sha.slice(0, 12)}`;
    const { data } = await this.#call(what, () =>
      this.octokit.rest.pulls.merge({
        ...this.#repo,
        pull_number: number,
        merge_method: 'merge',
        sha: input.sha,
        commit_title: `Merge pull request #${number} from ${pr.head}`,
        commit_message: [input.title, input.message].filter(Boolean).join('\n\n'),
      }),
    );
    if (data.merged) return { sha: data.sha };
    throw new ForgeError('CONFLICT', `${what}: not merged: ${data.message}`, { number });
  }

  async createCommitStatus(sha: string, status: CommitStatus): Promise<void> {
    const d = status.description;
    const description =
      d.length > MAX_STATUS_DESCRIPTION ? `${d.slice(0, MAX_STATUS_DESCRIPTION - 1)}…` : d;
    await this.#call(`set status ${status.context} on ${sha.slice(0, 12)}`, () =>
      this.octokit.rest.repos.createCommitStatus({
        ...this.#repo,
        sha,
        state: status.state,
        context: status.context,
        description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }),
    );
  }

  async comment(number: number, body: string): Promise<void> {
    await this.#call(`comment on #${number}`, () =>
      this.octokit.rest.issues.createComment({ ...this.#repo, issue_number: number, body }),
    );
  }

  async findIssue(title: string): Promise<Issue | null> {
    let found: GhIssue | undefined;
    await this.#call(`find the issue "${title}"`, () =>
      this.octokit.paginate(
        this.octokit.rest.issues.listForRepo,
        { ...this.#repo, state: 'open', per_page: PER_PAGE },
        (response, done) => {
          // The issues list has pull requests too: they carry `pull_request`.
          found = response.data.find((i) => !i.pull_request && i.title === title);
          if (found) done();
          return [];
        },
      ),
    );
    return found ? toIssue(found) : null;
  }

  async createIssue(input: Input<'createIssue'>): Promise<Issue> {
    const { data } = await this.#call(`open the issue "${input.title}"`, () =>
      this.octokit.rest.issues.create({ ...this.#repo, ...input }),
    );
    return toIssue(data);
  }

  async updateIssue(number: number, input: Input<'updateIssue'>): Promise<Issue> {
    const { data } = await this.#call(`update issue #${number}`, () =>
      this.octokit.rest.issues.update({ ...this.#repo, issue_number: number, ...input }),
    );
    return toIssue(data);
  }

  async dispatch(eventType: string, payload: Record<string, unknown>): Promise<void> {
    const keys = Object.keys(payload).length;
    if (keys > MAX_PAYLOAD_KEYS) {
      const message = `dispatch ${eventType}: the payload has ${keys} top-level keys; GitHub takes ${MAX_PAYLOAD_KEYS}`;
      throw new ForgeError('INVALID', message, { eventType, keys });
    }
    await this.#call(`dispatch ${eventType}`, () =>
      this.octokit.rest.repos.createDispatchEvent({
        ...this.#repo,
        event_type: eventType,
        client_payload: payload,
      }),
    );
  }

  async teamMembers(handle: string): Promise<string[] | null> {
    const slash = handle.indexOf('/');
    const org = slash >= 0 ? handle.slice(0, slash) : this.owner;
    const team_slug = slash >= 0 ? handle.slice(slash + 1) : handle;
    // GitHub answers 404 for a team that does not exist, or one the token may not see (an App
    // needs the organization's Members: read permission).
    const members = await this.#orNull(`list the members of team ${org}/${team_slug}`, () =>
      this.octokit.paginate(this.octokit.rest.teams.listMembersInOrg, {
        org,
        team_slug,
        per_page: PER_PAGE,
      }),
    );
    return members && members.map((u) => u.login);
  }
}
