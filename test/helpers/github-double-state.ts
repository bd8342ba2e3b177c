/**
 * The GitHub test double's state (a repository with branches, pull requests and issues sharing
 * one number sequence, reviews, labels, statuses, comments, dispatches, teams).
 */
import { randomBytes } from 'node:crypto';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface DoublePull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  author: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** False makes a merge answer 405 "not mergeable" (conflicts). */
  mergeable: boolean;
  mergeCommitSha: string | null;
  /** The head and base commits once closed (an open PR follows its branches). */
  closedHeadSha?: string;
  closedBaseSha?: string;
  labels: string[];
  reviewers: string[];
  teams: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface DoubleIssue {
  number: number;
  title: string;
  body: string | null;
  author: string;
  state: 'open' | 'closed';
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface DoubleReview {
  id: number;
  pull: number;
  user: string;
  state: ReviewState;
  commitId: string;
  body: string;
  submittedAt: string | null;
}

export interface DoubleStatus {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

export interface DoubleMerge {
  pull: number;
  sha: string;
  title: string;
  message: string;
  parents: [string, string];
}

/** Who GitHub says a commit is by (logins, or null for an address of no account) and its signature check. */
export interface DoubleCommitInfo {
  author: string | null;
  committer: string | null;
  verified: boolean;
  /** GitHub's verification reason: `valid`, `unsigned`, `unknown_key`, … */
  reason: string;
  message: string;
}

export class DoubleState {
  readonly branches = new Map<string, string>();
  readonly commits = new Set<string>();
  readonly pulls = new Map<number, DoublePull>();
  readonly issues = new Map<number, DoubleIssue>();
  readonly reviews: DoubleReview[] = [];
  readonly statuses: DoubleStatus[] = [];
  readonly comments: {
    id: number;
    issue: number;
    body: string;
    user: string;
    createdAt: string;
  }[] = [];
  readonly dispatches: { eventType: string; clientPayload: unknown }[] = [];
  readonly merges: DoubleMerge[] = [];
  /** Team slug → member logins, in the repository owner's organization. */
  readonly teams = new Map<string, string[]>();
  readonly labelIds = new Map<string, number>();
  /** Commit sha → who it is by and its signature (commits not here are unsigned, by no account). */
  readonly commitInfo = new Map<string, DoubleCommitInfo>();
  /** Pull request number → its commits, oldest first (default: its head commit alone). */
  readonly pullCommits = new Map<number, string[]>();
  #number = 0;
  #id = 1000;
  #tick = 0;

  constructor(
    readonly owner: string,
    readonly repo: string,
  ) {}

  /** Opens a pull request as GitHub records a new one, and keeps it. */
  openPull(input: {
    title: string;
    body: string | null;
    head: string;
    base: string;
    author: string;
  }): DoublePull {
    const now = this.now();
    const pr: DoublePull = {
      ...input,
      number: this.nextNumber(),
      state: 'open',
      merged: false,
      mergeable: true,
      mergeCommitSha: null,
      labels: [],
      reviewers: [],
      teams: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
    };
    this.pulls.set(pr.number, pr);
    return pr;
  }

  nextNumber(): number {
    return ++this.#number;
  }

  nextId(): number {
    return ++this.#id;
  }

  /** A clock that moves one second per event, so "newest first" is well defined. */
  now(): string {
    return new Date(Date.UTC(2026, 0, 1) + ++this.#tick * 1000).toISOString().replace('.000', '');
  }

  newSha(): string {
    const sha = randomBytes(20).toString('hex');
    this.commits.add(sha);
    return sha;
  }

  headSha(pr: DoublePull): string {
    return pr.closedHeadSha ?? this.branches.get(pr.head) ?? '0'.repeat(40);
  }

  baseSha(pr: DoublePull): string {
    return pr.closedBaseSha ?? this.branches.get(pr.base) ?? '0'.repeat(40);
  }

  labelId(name: string): number {
    let id = this.labelIds.get(name);
    if (id === undefined) this.labelIds.set(name, (id = this.nextId()));
    return id;
  }
}
