/**
 * The forge port: what the lifecycle needs of GitHub (pull requests, reviews, labels,
 * statuses, issues, dispatches), behind one small interface with two adapters: `github`
 * (Octokit) and `local` (branches and records under `.git/mlops/`, real merge commits), the
 * embedded default that makes the whole flow work offline.
 */

export type PullState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  /** The branch the change is on (`promote/execution-agent/1.1.0`). */
  head: string;
  /** The branch it merges into (`main`). */
  base: string;
  /** The commit the head branch is at. */
  headSha: string;
  /** Who opened it (a login). */
  author: string;
  state: PullState;
  labels: string[];
  /** Users and teams (`org/team`) asked to review. */
  requestedReviewers: string[];
  /** The merge commit, once merged. */
  mergeCommit?: string;
  /** Where a person sees it (GitHub's html_url; the local forge's `local:#N`). */
  url: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

export interface Review {
  id: number;
  /** The reviewer's login. */
  user: string;
  state: ReviewState;
  /** The commit the review was given on: an approval counts only for the PR's latest commit. */
  commitId: string;
  submittedAt: string;
  body: string;
}

/**
 * A commit as the forge vouches for it: who it is by (forge logins, not the names written in
 * the commit) and whether the forge verified its signature.
 */
export interface ForgeCommit {
  sha: string;
  /** The forge login of the author; null when the forge maps it to no account. */
  author: string | null;
  /** The forge login of the committer; null when the forge maps it to no account. */
  committer: string | null;
  /**
   * GitHub: whether GitHub verified the commit's signature. null: the forge cannot verify
   * anything (the local forge reads the author and committer as written in the commit).
   */
  verified: boolean | null;
}

export type StatusState = 'success' | 'failure' | 'pending' | 'error';

export interface CommitStatus {
  context: string;
  state: StatusState;
  description: string;
  targetUrl?: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  url: string;
}

export interface Forge {
  readonly kind: 'github' | 'local';
  /** The open pull request from `head` (into `base` when given), or null. */
  findPullRequest(head: string, base?: string): Promise<PullRequest | null>;
  getPullRequest(number: number): Promise<PullRequest>;
  /** Pull requests, newest first (every page). */
  listPullRequests(state?: 'open' | 'closed' | 'all'): Promise<PullRequest[]>;
  createPullRequest(input: {
    title: string;
    body: string;
    head: string;
    base: string;
  }): Promise<PullRequest>;
  updatePullRequest(number: number, input: { title?: string; body?: string }): Promise<PullRequest>;
  /** Adds labels (existing ones stay) and removes `remove`. */
  setLabels(number: number, add: string[], remove?: string[]): Promise<void>;
  /** Asks users and teams (`org/team`) to review. */
  requestReviewers(number: number, reviewers: string[]): Promise<void>;
  /** Every review, oldest first (every page). */
  listReviews(number: number): Promise<Review[]>;
  /**
   * Reviews as `user` (the local forge; GitHub reviews as the token's owner and ignores it).
   * `commitId` is the commit reviewed.
   */
  submitReview(
    number: number,
    input: {
      state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
      body: string;
      commitId: string;
      user?: string;
    },
  ): Promise<Review>;
  /**
   * Merges with a merge commit, only if the head is still at `sha`; the message is the
   * commit's body under GitHub's `Merge pull request #N from <branch>` subject.
   */
  mergePullRequest(
    number: number,
    input: { sha: string; title: string; message: string },
  ): Promise<{ sha: string }>;
  createCommitStatus(sha: string, status: CommitStatus): Promise<void>;
  /**
   * The commits of a pull request (those its head has and its base had not), oldest first,
   * with who the forge says they are by and whether it verified their signatures.
   */
  pullRequestCommits(number: number): Promise<ForgeCommit[]>;
  /** One commit, as the forge vouches for it (NOT_FOUND when the forge has no such commit). */
  getCommit(sha: string): Promise<ForgeCommit>;
  comment(number: number, body: string): Promise<void>;
  /** The open issue with exactly this title, or null. */
  findIssue(title: string): Promise<Issue | null>;
  createIssue(input: { title: string; body: string; labels?: string[] }): Promise<Issue>;
  updateIssue(number: number, input: { body?: string; state?: 'open' | 'closed' }): Promise<Issue>;
  /** A `repository_dispatch` event (`retrain` with its payload). */
  dispatch(eventType: string, payload: Record<string, unknown>): Promise<void>;
  /**
   * The logins in a team (`org/team`, or a bare slug in the repository's org), or null when
   * the handle is not a team (then it is a user). The local forge has no teams.
   */
  teamMembers(handle: string): Promise<string[] | null>;
}

/** Who a forge acts as, for the local adapter and messages. */
export interface ForgeIdentity {
  login: string;
}
