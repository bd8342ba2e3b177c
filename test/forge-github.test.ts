/**
 * The `github` forge adapter against a local double of GitHub's REST API that checks every
 * request and every response against GitHub's published OpenAPI description: a wrong path,
 * method, parameter or body is a recorded violation, and each test ends with none.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, type ForgeErrorCode } from '../src/forge/errors.js';
import { createGitHubForge, type GitHubForgeOptions } from '../src/forge/github.js';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.js';

const HEAD = 'promote/churn/1.2.0';
let gh: GitHubDouble;
let waits: [string, number][];

function forge(options: Partial<GitHubForgeOptions> = {}) {
  return createGitHubForge({
    token: 'bot-token',
    repository: 'acme/models',
    baseUrl: gh.url,
    onWait: (why, seconds) => waits.push([why, seconds]),
    timing: { retryBaseMs: 2, rateLimitSecondMs: 5, paceWrites: false },
    ...options,
  });
}

/** Expects `p` to fail with a ForgeError of `code` whose message has `text`. */
async function rejects(p: Promise<unknown>, code: ForgeErrorCode, text = ''): Promise<void> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ForgeError)) throw new Error(`expected a ForgeError, got ${String(err)}`);
  expect({ code: err.code, message: err.message }).toEqual({
    code,
    message: expect.stringContaining(text) as unknown,
  });
}

const calls = (operationId: string) => gh.requests.filter((r) => r.operationId === operationId);
/** A pull request from HEAD opened by ana on github.com. */
const seed = () => gh.seedPull({ head: HEAD, base: 'main', title: 't', author: 'ana' });

beforeEach(async () => {
  gh = await startGitHubDouble({ tokens: { 'bot-token': 'mlops-bot', 'carol-token': 'carol' } });
  gh.setBranch('main');
  waits = [];
});

afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
});

describe('pull requests', () => {
  it('opens, finds, reads, updates and lists them', async () => {
    const f = forge();
    const sha = gh.setBranch(HEAD);
    const input = { title: 'Promote churn 1.2.0', body: 'checks', head: HEAD, base: 'main' };
    const pr = await f.createPullRequest(input);
    expect(pr).toEqual({
      ...input,
      number: 1,
      headSha: sha,
      author: 'mlops-bot',
      state: 'open',
      labels: [],
      requestedReviewers: [],
      url: `${gh.url}/acme/models/pull/1`,
    });
    expect((await f.findPullRequest(HEAD, 'main'))?.number).toBe(1);
    expect((await f.findPullRequest(HEAD))?.number).toBe(1);
    expect(await f.findPullRequest(HEAD, 'release')).toBeNull();
    expect(await f.findPullRequest('promote/other/1.0.0')).toBeNull();
    expect(calls('pulls/list')[0]?.url).toContain(`head=acme%3A${encodeURIComponent(HEAD)}`);

    const update = { title: 'Promote churn 1.2.0 (rerun)', body: 'new body' };
    expect(await f.updatePullRequest(1, update)).toMatchObject(update);
    const moved = gh.setBranch(HEAD);
    expect((await f.getPullRequest(1)).headSha).toBe(moved);
    await rejects(
      f.createPullRequest(input),
      'INVALID',
      `A pull request already exists for acme:${HEAD}`,
    );
  });

  it('lists every page, newest first', async () => {
    for (let i = 0; i < 130; i++) {
      gh.seedPull({ head: `b${i}`, base: 'main', title: `pr ${i}`, author: 'ana' });
    }
    const all = await forge().listPullRequests('open');
    expect(all).toHaveLength(130);
    expect([all[0]?.title, all.at(-1)?.title]).toEqual(['pr 129', 'pr 0']);
    const pages = calls('pulls/list').map((r) => new URL(r.url, gh.url).searchParams.get('page'));
    expect(pages).toEqual([null, '2']);
  });

  it('adds and removes labels, ignoring one that is not there', async () => {
    const f = forge();
    const { number } = seed();
    await f.setLabels(number, ['risk:high', 'model:churn']);
    await f.setLabels(number, ['risk:low'], ['risk:high', 'never-there']);
    expect(gh.pull(number)?.labels).toEqual(['model:churn', 'risk:low']);
    expect((await f.getPullRequest(number)).labels).toEqual(['model:churn', 'risk:low']);
    expect(calls('issues/remove-label').map((r) => r.status)).toEqual([200, 404]);
  });

  it('requests reviews from users and teams (by slug)', async () => {
    const f = forge();
    gh.addTeam('ml-approvers', ['dora', 'eve']);
    const { number } = seed();
    await f.requestReviewers(number, ['bob', 'acme/ml-approvers', 'bob']);
    expect(gh.pull(number)).toMatchObject({ reviewers: ['bob'], teams: ['ml-approvers'] });
    const pr = await f.getPullRequest(number);
    expect(pr.requestedReviewers).toEqual(['bob', 'acme/ml-approvers']);
    const author = 'Review cannot be requested from pull request author.';
    await rejects(f.requestReviewers(number, ['ana']), 'INVALID', author);
  });
});

describe('reviews', () => {
  it('lists all 150 reviews over two pages, oldest first, without pending drafts', async () => {
    const { number } = seed();
    const sha = gh.branch(HEAD)!;
    for (let i = 0; i < 150; i++) {
      const state = i % 2 ? 'COMMENTED' : 'APPROVED';
      gh.addReview(number, { user: `u${i}`, state, commitId: sha, body: `r${i}` });
    }
    gh.addReview(number, { user: 'mlops-bot', state: 'PENDING', commitId: sha });
    const reviews = await forge().listReviews(number);
    expect(reviews).toHaveLength(150);
    expect(reviews[0]).toEqual({
      id: expect.any(Number) as unknown,
      user: 'u0',
      state: 'APPROVED',
      commitId: sha,
      submittedAt: expect.stringMatching(/^2026-/) as unknown,
      body: 'r0',
    });
    expect(reviews[149]).toMatchObject({ user: 'u149', state: 'COMMENTED' });
    expect(calls('pulls/list-reviews')).toHaveLength(2);
  });

  it('submits a review on a commit; GitHub refuses an author approving their own', async () => {
    const { number } = seed();
    const sha = gh.branch(HEAD)!;
    const input = { state: 'APPROVED', body: 'lgtm', commitId: sha, user: 'ignored' } as const;
    const review = await forge().submitReview(number, input);
    expect(review).toMatchObject({ user: 'mlops-bot', state: 'APPROVED', commitId: sha });
    const carol = forge({ token: 'carol-token' });
    const changes = { state: 'CHANGES_REQUESTED', body: 'latency', commitId: sha } as const;
    expect(await carol.submitReview(number, changes)).toMatchObject({ user: 'carol' });

    const own = gh.seedPull({ head: 'mine', base: 'main', title: 'mine', author: 'mlops-bot' });
    const approve = { state: 'APPROVED', body: '', commitId: gh.branch('mine')! } as const;
    await rejects(forge().submitReview(own.number, approve), 'INVALID', 'Can not approve your own');
  });
});

describe('merge', () => {
  it('merges at the sha read, with the decision in the message; a moved head is CONFLICT', async () => {
    const f = forge();
    const stale = gh.setBranch(HEAD);
    const pr = await f.createPullRequest({ title: 'Promote', body: '', head: HEAD, base: 'main' });
    const fresh = gh.setBranch(HEAD);
    const decision = { title: pr.title, message: 'decision: auto-approve' };

    const moved = f.mergePullRequest(pr.number, { sha: stale, ...decision });
    await rejects(moved, 'CONFLICT', 'Head branch was modified');
    expect(calls('pulls/merge')).toHaveLength(1); // a 409 is not retried

    const base = gh.branch('main')!;
    const { sha } = await f.mergePullRequest(pr.number, { sha: fresh, ...decision });
    expect(gh.state.merges).toEqual([
      {
        pull: 1,
        sha,
        title: `Merge pull request #1 from ${HEAD}`,
        message: 'Promote\n\ndecision: auto-approve',
        parents: [base, fresh],
      },
    ]);
    expect(gh.branch('main')).toBe(sha);
    const merged = { state: 'merged', mergeCommit: sha, headSha: fresh };
    expect(await f.getPullRequest(1)).toMatchObject(merged);
    expect(await f.listPullRequests('open')).toEqual([]);
    expect((await f.listPullRequests('closed')).map((p) => p.state)).toEqual(['merged']);
  });

  it('a pull request that does not merge cleanly is CONFLICT', async () => {
    const pr = seed();
    pr.mergeable = false;
    const merge = forge().mergePullRequest(pr.number, {
      sha: gh.branch(HEAD)!,
      title: 't',
      message: '',
    });
    await rejects(merge, 'CONFLICT', 'not mergeable');
  });
});

describe('statuses, comments, issues, dispatch, teams', () => {
  it('sets a commit status, its description cut to GitHub’s 140 characters', async () => {
    const sha = gh.setBranch(HEAD);
    const description = 'waiting for approvers: '.padEnd(200, 'x');
    const targetUrl = 'https://example.com/run/1';
    const context = 'mlops/governance';
    await forge().createCommitStatus(sha, { context, state: 'pending', description, targetUrl });
    expect(gh.state.statuses).toMatchObject([{ sha, context, state: 'pending', targetUrl }]);
    expect(gh.state.statuses[0]?.description).toHaveLength(140);
    const unknown = { context, state: 'success', description: '' } as const;
    await rejects(
      forge().createCommitStatus('f'.repeat(40), unknown),
      'INVALID',
      'No commit found',
    );
  });

  it('comments on a pull request', async () => {
    const { number } = seed();
    await forge().comment(number, 'Governance: **needs review**');
    const comment = { issue: number, body: 'Governance: **needs review**', user: 'mlops-bot' };
    expect(gh.state.comments).toMatchObject([comment]);
  });

  it('finds an open issue by exact title across pages, skipping pull requests', async () => {
    const f = forge();
    const target = gh.seedIssue({ title: 'Drift on churn' });
    for (let i = 0; i < 120; i++) gh.seedIssue({ title: `Drift on churn ${i}` });
    gh.seedPull({ head: HEAD, base: 'main', title: 'Drift on churn', author: 'ana' });
    expect(await f.findIssue('Drift on churn')).toMatchObject({ number: target, state: 'open' });
    expect(await f.findIssue('Drift')).toBeNull();
    expect(calls('issues/list-for-repo')).toHaveLength(4); // two pages, twice

    const created = await f.createIssue({ title: 'Retrain', body: 'why', labels: ['retrain'] });
    expect(created).toEqual({
      number: created.number,
      title: 'Retrain',
      body: 'why',
      labels: ['retrain'],
      state: 'open',
      url: `${gh.url}/acme/models/issues/${created.number}`,
    });
    const closed = await f.updateIssue(created.number, { body: 'done', state: 'closed' });
    expect(closed).toMatchObject({ body: 'done', state: 'closed' });
    expect(await f.findIssue('Retrain')).toBeNull();
  });

  it('dispatches a repository_dispatch event with its payload', async () => {
    const payload = { model: 'churn', reason: 'drift', columns: ['a', 'b'] };
    await forge().dispatch('retrain', payload);
    expect(gh.state.dispatches).toEqual([{ eventType: 'retrain', clientPayload: payload }]);
    const big = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    await rejects(forge().dispatch('retrain', big), 'INVALID', 'GitHub takes 10');
    expect(calls('repos/create-dispatch-event')).toHaveLength(1);
  });

  it('lists a team’s members (every page); a handle that is no team is null', async () => {
    gh.addTeam('ml-approvers', ['dora', 'eve']);
    gh.addTeam(
      'everyone',
      Array.from({ length: 130 }, (_, i) => `user${i}`),
    );
    const f = forge();
    expect(await f.teamMembers('acme/ml-approvers')).toEqual(['dora', 'eve']);
    expect(await f.teamMembers('ml-approvers')).toEqual(['dora', 'eve']);
    expect(await f.teamMembers('everyone')).toHaveLength(130);
    expect(await f.teamMembers('dora')).toBeNull();
    expect(await f.teamMembers('other-org/ml-approvers')).toBeNull();
  });
});

describe('retries, rate limits and errors', () => {
  it('retries a 502 and succeeds; 5xx past the retries is UNAVAILABLE', async () => {
    const { number } = seed();
    gh.failNext('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', 502);
    const merge = { sha: gh.branch(HEAD)!, title: 't', message: '' };
    const { sha } = await forge().mergePullRequest(number, merge);
    expect(gh.branch('main')).toBe(sha);
    expect(calls('pulls/merge').map((r) => r.status)).toEqual([502, 200]);
    expect(waits).toEqual([[expect.stringContaining('GitHub answered 502 to PUT'), 0.002]]);

    gh.failNext('GET', `/repos/acme/models/pulls/${number}`, 503, 4);
    await rejects(forge({ retries: 3 }).getPullRequest(number), 'UNAVAILABLE', '503');
    expect(calls('pulls/get').filter((r) => r.status === 503)).toHaveLength(4);
  });

  it('waits out a secondary rate limit (403 retry-after) and a primary one (429 reset)', async () => {
    const { number } = seed();
    const comments = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
    gh.failNext('POST', comments, 403, 1, { 'retry-after': '1' });
    await forge().comment(number, 'hello');
    expect(gh.state.comments).toHaveLength(1);
    expect(waits).toEqual([[expect.stringContaining('secondary rate limit on POST'), 1]]);

    const reset = String(Math.floor(Date.now() / 1000));
    const primary = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset };
    gh.failNext('GET', /\/pulls$/, 429, 1, primary);
    expect(await forge().listPullRequests()).toHaveLength(1);
    expect(waits[1]?.[0]).toContain('rate limit on GET');

    gh.failNext('GET', /\/pulls$/, 403, 3, { 'retry-after': '1' });
    await rejects(forge({ retries: 2 }).listPullRequests(), 'RATE_LIMITED', 'secondary rate limit');
    const hour = { 'retry-after': '3600' };
    gh.failNext('GET', /\/pulls$/, 403, 1, hour);
    await rejects(forge({ maxWaitSeconds: 60 }).listPullRequests(), 'RATE_LIMITED');
  });

  it('maps GitHub’s errors to ForgeError codes with GitHub’s message', async () => {
    const f = forge();
    await rejects(f.getPullRequest(999), 'NOT_FOUND', 'Not Found');
    const noBranch = { title: 't', body: '', head: 'no-such-branch', base: 'main' };
    await rejects(
      f.createPullRequest(noBranch),
      'INVALID',
      'Validation Failed: PullRequest head invalid',
    );
    const integration = 'Resource not accessible by integration';
    gh.failNext('POST', /\/dispatches$/, 403, 1, {}, integration);
    await rejects(f.dispatch('retrain', {}), 'FORBIDDEN', integration);
    await rejects(forge({ token: 'wrong' }).getPullRequest(1), 'NOT_CONFIGURED', 'Bad credentials');
    expect(() => forge({ token: '' })).toThrow(/no GitHub token/);
    expect(() => forge({ repository: 'models' })).toThrow(/owner\/repo/);
  });

  it('a forge that cannot be reached is NOT_CONFIGURED', async () => {
    const down = await startGitHubDouble();
    await down.close();
    const unreachable = forge({ baseUrl: down.url, retries: 1 }).getPullRequest(1);
    await rejects(unreachable, 'NOT_CONFIGURED', 'cannot reach GitHub');
  });
});

describe('the double', () => {
  it('answers 500 and records a violation for a request GitHub’s description does not allow', async () => {
    const headers = { authorization: 'token bot-token', 'content-type': 'application/json' };
    const post = (path: string, body: unknown) =>
      fetch(`${gh.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const get = (path: string) => fetch(`${gh.url}${path}`, { headers });

    const wrongPath = await post('/repos/acme/models/pull', {
      title: 't',
      head: HEAD,
      base: 'main',
    });
    expect(wrongPath.status).toBe(500);
    const { message } = (await wrongPath.json()) as { message: string };
    expect(message).toContain("no operation POST /repos/acme/models/pull in GitHub's OpenAPI");
    expect((await post('/repos/acme/models/dispatches', { client_payload: {} })).status).toBe(500);
    expect((await get('/repos/acme/models/pulls/abc')).status).toBe(500);
    expect((await get('/repos/acme/models/pulls?per_pgae=5')).status).toBe(500);
    seed();
    const misspelt = { event: 'APPROVE', commitId: gh.branch(HEAD) };
    expect((await post('/repos/acme/models/pulls/1/reviews', misspelt)).status).toBe(500);

    expect(gh.violations).toEqual([
      expect.stringContaining('no operation POST /repos/acme/models/pull '),
      expect.stringContaining("body must have required property 'event_type'"),
      expect.stringContaining('pulls/get: path parameter pull_number=abc must be integer'),
      expect.stringContaining('pulls/list: unknown query parameter per_pgae'),
      expect.stringContaining("pulls/create-review: body field commitId is not in the operation's"),
    ]);
    gh.violations.length = 0;
  });

  it('checks its own responses against the documented schema', async () => {
    seed();
    const res = await fetch(`${gh.url}/repos/acme/models/pulls/1`, {
      headers: { authorization: 'token bot-token' },
    });
    const pr = (await res.json()) as Record<string, unknown>;
    const { op } = gh.api.find('GET', '/repos/acme/models/pulls/1')!;
    expect(op.operationId).toBe('pulls/get');
    expect(gh.api.checkResponse(op, 200, pr)).toEqual([]);
    expect(gh.api.checkResponse(op, 200, { ...pr, number: 'one' })).toEqual([
      'pulls/get: 200 body /number must be integer {"type":"integer"}',
    ]);
    const noSha = { ...pr, head: { ...(pr['head'] as object), sha: undefined } };
    expect(gh.api.checkResponse(op, 200, noSha)[0]).toContain(
      "/head must have required property 'sha'",
    );
    expect(gh.api.checkResponse(op, 201, {})[0]).toContain(
      'status 201 is not a documented response',
    );
    const notFound = { message: 'Not Found', documentation_url: 'x' };
    expect(gh.api.checkResponse(op, 404, notFound)).toEqual([]);
  });
});

describe('commits', () => {
  it("lists a pull request's commits and reads one, with GitHub's logins and signature check", async () => {
    const f = forge();
    const pr = seed();
    const signed = gh.state.newSha();
    const unsigned = gh.state.newSha();
    const nobody = gh.state.newSha();
    gh.seedCommit(signed, { author: 'mlops-bot', verified: true });
    gh.seedCommit(unsigned, { author: 'ana', committer: 'web-flow', verified: false });
    gh.setPullCommits(pr.number, [signed, unsigned, nobody]);
    expect(await f.pullRequestCommits(pr.number)).toEqual([
      { sha: signed, author: 'mlops-bot', committer: 'mlops-bot', verified: true },
      { sha: unsigned, author: 'ana', committer: 'web-flow', verified: false },
      // an address of no account, unsigned
      { sha: nobody, author: null, committer: null, verified: false },
    ]);
    expect(calls('pulls/list-commits')).toHaveLength(1);
    expect(await f.getCommit(signed)).toEqual({
      sha: signed,
      author: 'mlops-bot',
      committer: 'mlops-bot',
      verified: true,
    });
    await rejects(f.getCommit('f'.repeat(40)), 'INVALID', 'No commit found');
    await rejects(f.pullRequestCommits(999), 'NOT_FOUND');
  });
});
