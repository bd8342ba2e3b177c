import { resolveRef, type Repo } from '../repo/index.js';
import { ForgeError } from './errors.js';
import {
  appendDispatch,
  createCommitStatus,
  createIssue,
  findIssue,
  isIssue,
  issueView,
  readDispatches,
  readStatuses,
  updateIssueRecord,
  type StoreContext,
} from './local-records.js';
import { LocalStore, type DispatchRecord, type PullRecord } from './local-store.js';
import {
  assertInHistory,
  branchTip,
  mergePull,
  pullView,
  readPull,
  readPulls,
  updatePull,
} from './local-pulls.js';
import { commitsBetween, localCommit } from './local-commits.js';
import type { CommitStatus, Forge, ForgeCommit, Issue, PullRequest, Review } from './port.js';

export { readStatuses };

export interface LocalForgeOptions {
  /** Who acts: the author of new pull requests and issues, the default reviewer, the merger. */
  login: string;
  /** The clock (review, comment and merge times). */
  now?: () => Date;
  /** Author and committer of merge commits; default `<login> <<login>@users.noreply.local>`. */
  identity?: { name: string; email: string };
}

/**
 * The embedded forge: pull requests are real branches plus records under `<gitdir>/mlops/`
 * (inside `.git`, so nothing shows in the work tree or gets committed), reviews are recorded
 * with the reviewer and the commit reviewed, and merges are real merge commits with GitHub's
 * `Merge pull request #N from <branch>` subject. Pull requests and issues share one number
 * sequence, as on GitHub. Every write holds the store's lock, so processes can share a repo.
 *
 * @example
 * const forge = new LocalForge(await openRepo('.'), { login: 'ana' });
 * const pr = await forge.createPullRequest({ title: 'promote m 1.1.0', body: '', head: 'promote/m/1.1.0', base: 'main' });
 * await forge.submitReview(pr.number, { state: 'APPROVED', body: '', commitId: pr.headSha, user: 'bo' });
 * const { sha } = await forge.mergePullRequest(pr.number, { sha: pr.headSha, title: pr.title, message: '' });
 */
export class LocalForge implements Forge {
  readonly kind = 'local' as const;
  readonly login: string;
  private readonly store: LocalStore;
  private readonly now: () => Date;
  private readonly identity: { name: string; email: string };
  private readonly ctx: StoreContext;

  constructor(
    readonly repo: Repo,
    options: LocalForgeOptions,
  ) {
    this.login = options.login;
    this.now = options.now ?? (() => new Date());
    this.identity = options.identity ?? {
      name: options.login,
      email: `${options.login}@users.noreply.local`,
    };
    this.store = new LocalStore(repo.gitdir);
    this.ctx = { repo, store: this.store, login: this.login, now: this.now };
  }

  async findPullRequest(head: string, base?: string): Promise<PullRequest | null> {
    const r = (await readPulls(this.ctx)).find(
      (p) => p.state === 'open' && p.head === head && (base === undefined || p.base === base),
    );
    return r ? pullView(this.repo, r) : null;
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return pullView(this.repo, await readPull(this.ctx, number));
  }

  async listPullRequests(state: 'open' | 'closed' | 'all' = 'open'): Promise<PullRequest[]> {
    const chosen = (await readPulls(this.ctx)).filter(
      (r) => state === 'all' || (state === 'open') === (r.state === 'open'),
    );
    return Promise.all(chosen.map((r) => pullView(this.repo, r)));
  }

  async createPullRequest(input: {
    title: string;
    body: string;
    head: string;
    base: string;
  }): Promise<PullRequest> {
    if (input.head === input.base) {
      throw new ForgeError('INVALID', `head and base are the same branch (${input.head})`, {
        head: input.head,
      });
    }
    const headSha = await branchTip(this.repo, input.head, 'head');
    await branchTip(this.repo, input.base, 'base');
    if (input.title.trim() === '') throw new ForgeError('INVALID', 'a pull request needs a title');
    return this.store.withLock(async () => {
      const open = await this.findPullRequest(input.head);
      if (open) {
        throw new ForgeError(
          'CONFLICT',
          `a pull request from ${input.head} is already open: #${open.number}`,
          { number: open.number, head: input.head },
        );
      }
      const number = await this.store.next('number');
      const at = this.now().toISOString();
      const record: PullRecord = {
        number,
        title: input.title,
        body: input.body,
        head: input.head,
        base: input.base,
        author: this.login,
        state: 'open',
        labels: [],
        requestedReviewers: [],
        reviews: [],
        comments: [],
        headSha,
        createdAt: at,
        updatedAt: at,
      };
      await this.store.write(`pulls/${number}.json`, record);
      return pullView(this.repo, record);
    });
  }

  async updatePullRequest(
    number: number,
    input: { title?: string; body?: string },
  ): Promise<PullRequest> {
    return pullView(
      this.repo,
      await updatePull(this.ctx, number, (r) => {
        if (input.title !== undefined) r.title = input.title;
        if (input.body !== undefined) r.body = input.body;
      }),
    );
  }

  async setLabels(number: number, add: string[], remove: string[] = []): Promise<void> {
    const apply = (r: { labels: string[] }) => {
      const labels = r.labels.filter((l) => !remove.includes(l));
      for (const l of add) if (!labels.includes(l) && !remove.includes(l)) labels.push(l);
      r.labels = labels;
    };
    if (await isIssue(this.ctx, number)) await updateIssueRecord(this.ctx, number, apply);
    else await updatePull(this.ctx, number, apply);
  }

  async requestReviewers(number: number, reviewers: string[]): Promise<void> {
    await updatePull(this.ctx, number, (r) => {
      const login = (who: string) => who.replace(/^@/, '').toLowerCase();
      if (reviewers.some((who) => login(who) === login(r.author))) {
        // GitHub answers 422 here too
        throw new ForgeError(
          'INVALID',
          `review cannot be requested from the pull request's author (${r.author})`,
          { number, author: r.author },
        );
      }
      for (const who of reviewers) {
        if (!r.requestedReviewers.includes(who)) r.requestedReviewers.push(who);
      }
    });
  }

  async listReviews(number: number): Promise<Review[]> {
    return (await readPull(this.ctx, number)).reviews.map((r) => ({ ...r }));
  }

  async submitReview(
    number: number,
    input: {
      state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
      body: string;
      commitId: string;
      user?: string;
    },
  ): Promise<Review> {
    const current = await readPull(this.ctx, number);
    await assertInHistory(this.repo, input.commitId, current.head);
    let review: Review | undefined;
    await updatePull(this.ctx, number, async (r) => {
      if (r.state !== 'open') {
        throw new ForgeError('INVALID', `pull request #${number} is ${r.state}`, { number });
      }
      review = {
        id: await this.store.next('review'),
        user: input.user ?? this.login,
        state: input.state,
        commitId: input.commitId,
        submittedAt: this.now().toISOString(),
        body: input.body,
      };
      r.reviews.push(review);
    });
    return { ...review! };
  }

  mergePullRequest(
    number: number,
    input: { sha: string; title: string; message: string },
  ): Promise<{ sha: string }> {
    return mergePull(this.ctx, this.identity, number, input);
  }

  createCommitStatus(sha: string, status: CommitStatus): Promise<void> {
    return createCommitStatus(this.ctx, sha, status);
  }

  /**
   * The pull request's commits, read from git: the local forge verifies no signature and
   * takes the author and committer as written (see `localLogin`). A merged pull request's
   * commits are measured from its merge commit's first parent, as GitHub keeps them.
   */
  async pullRequestCommits(number: number): Promise<ForgeCommit[]> {
    const pr = await this.getPullRequest(number);
    const base = pr.mergeCommit
      ? await resolveRef(this.repo, `${pr.mergeCommit}^1`)
      : await resolveRef(this.repo, `refs/heads/${pr.base}`).catch(() => null);
    return base ? commitsBetween(this.repo, base, pr.headSha) : [];
  }

  getCommit(sha: string): Promise<ForgeCommit> {
    return localCommit(this.repo, sha);
  }

  /** The latest status of each context on a commit, by context. */
  statuses(sha: string): Promise<CommitStatus[]> {
    return readStatuses(this.repo, sha);
  }

  async comment(number: number, body: string): Promise<void> {
    const add = async (r: { comments: PullRecord['comments'] }) => {
      r.comments.push({
        id: await this.store.next('comment'),
        user: this.login,
        body,
        createdAt: this.now().toISOString(),
      });
    };
    if (await isIssue(this.ctx, number)) await updateIssueRecord(this.ctx, number, add);
    else await updatePull(this.ctx, number, add);
  }

  findIssue(title: string): Promise<Issue | null> {
    return findIssue(this.ctx, title);
  }

  createIssue(input: { title: string; body: string; labels?: string[] }): Promise<Issue> {
    return createIssue(this.ctx, input);
  }

  async updateIssue(
    number: number,
    input: { body?: string; state?: 'open' | 'closed' },
  ): Promise<Issue> {
    return issueView(
      await updateIssueRecord(this.ctx, number, (r) => {
        if (input.body !== undefined) r.body = input.body;
        if (input.state !== undefined) r.state = input.state;
      }),
    );
  }

  dispatch(eventType: string, payload: Record<string, unknown>): Promise<void> {
    return appendDispatch(this.ctx, eventType, payload);
  }

  /** Every `repository_dispatch` sent, oldest first. */
  dispatches(): Promise<DispatchRecord[]> {
    return readDispatches(this.store);
  }

  teamMembers(_handle: string): Promise<string[] | null> {
    return Promise.resolve(null);
  }
}
