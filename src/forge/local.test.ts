import { execFile } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gitdir.js';
import { openRepo } from '../repo/index.js';
import { readStatuses } from './index.js';
import { forgeFor, refused, twoBranches } from './local-testing.js';

describe('LocalForge pull requests', () => {
  it('numbers pull requests and issues in one sequence, lists newest first', async () => {
    const r = twoBranches();
    r.git('branch', 'other', 'feature');
    const forge = await forgeFor(r);
    const pr1 = await forge.createPullRequest({
      title: 'one',
      body: 'b1',
      head: 'feature',
      base: 'main',
    });
    const issue = await forge.createIssue({ title: 'drift', body: 'psi 0.3', labels: ['drift'] });
    const pr3 = await forge.createPullRequest({
      title: 'three',
      body: '',
      head: 'other',
      base: 'main',
    });
    expect([pr1.number, issue.number, pr3.number]).toEqual([1, 2, 3]);
    expect(pr1).toEqual({
      number: 1,
      title: 'one',
      body: 'b1',
      head: 'feature',
      base: 'main',
      headSha: r.git('rev-parse', 'feature').trim(),
      author: 'ana',
      state: 'open',
      labels: [],
      requestedReviewers: [],
      url: 'local:#1',
    });
    expect((await forge.listPullRequests('open')).map((p) => p.number)).toEqual([3, 1]);
    expect((await forge.findPullRequest('other'))?.number).toBe(3);
    expect(await forge.findPullRequest('other', 'develop')).toBeNull();
    expect(await forge.findPullRequest('nope')).toBeNull();
    // the records live inside .git, nothing in the work tree
    expect(existsSync(join(r.dir, '.git', 'mlops', 'pulls', '1.json'))).toBe(true);
    expect(existsSync(join(r.dir, '.git', 'mlops', 'issues', '2.json'))).toBe(true);
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('gives distinct numbers to creates racing in two forges', async () => {
    const r = twoBranches();
    const heads = Array.from({ length: 6 }, (_, i) => `h${i}`);
    for (const h of heads) r.git('branch', h, 'feature');
    const a = await forgeFor(r, 'ana');
    const b = await forgeFor(r, 'bo');
    const made = await Promise.all([
      ...heads.map((h, i) =>
        (i % 2 ? a : b).createPullRequest({ title: h, body: '', head: h, base: 'main' }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? b : a).createIssue({ title: `issue ${i}`, body: '' }),
      ),
    ]);
    const numbers = made.map((m) => m.number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect((await a.listPullRequests('all')).length).toBe(6);
  });

  it('gives distinct numbers to creates from two processes', async () => {
    const r = twoBranches();
    const script = join(tempDir('mlops-forge-child-'), 'child.mts');
    const local = resolve(fileURLToPath(import.meta.url), '..', 'local.ts');
    const repoIndex = resolve(fileURLToPath(import.meta.url), '..', '..', 'repo', 'index.ts');
    writeFileSync(
      script,
      `import { LocalForge } from ${JSON.stringify(local)};
import { openRepo } from ${JSON.stringify(repoIndex)};
const forge = new LocalForge(await openRepo(process.argv[2]!), { login: process.argv[3]! });
const out: number[] = [];
for (let i = 0; i < 12; i++) out.push((await forge.createIssue({ title: 't' + i, body: '' })).number);
console.log(JSON.stringify(out));
`,
    );
    const run = promisify(execFile);
    const child = (who: string) =>
      run(process.execPath, ['--import', 'tsx', script, r.dir, who], { cwd: process.cwd() });
    const [x, y] = await Promise.all([child('ana'), child('bo')]);
    const all = [...(JSON.parse(x.stdout) as number[]), ...(JSON.parse(y.stdout) as number[])].sort(
      (p, q) => p - q,
    );
    expect(all).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('refuses a missing head, head = base, and a second open PR for a head', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const missing = await refused(
      forge.createPullRequest({ title: 't', body: '', head: 'nope', base: 'main' }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('head branch "nope" does not exist');
    const same = await refused(
      forge.createPullRequest({ title: 't', body: '', head: 'main', base: 'main' }),
    );
    expect(same.code).toBe('INVALID');
    await forge.createPullRequest({ title: 't', body: '', head: 'feature', base: 'main' });
    const dup = await refused(
      forge.createPullRequest({ title: 'again', body: '', head: 'feature', base: 'main' }),
    );
    expect(dup.code).toBe('CONFLICT');
    expect(dup.message).toBe('a pull request from feature is already open: #1');
    expect(dup.data.number).toBe(1);
  });

  it('reads the head commit live and updates title, body, labels and reviewers', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    r.git('checkout', '-q', 'feature');
    writeFileSync(join(r.dir, 'registry/c.yaml'), 'c: 1\n');
    r.git('add', '.');
    r.git('commit', '-q', '-m', 'more');
    r.git('checkout', '-q', 'main');
    expect((await forge.getPullRequest(pr.number)).headSha).toBe(
      r.git('rev-parse', 'feature').trim(),
    );
    expect((await forge.getPullRequest(pr.number)).headSha).not.toBe(pr.headSha);

    const updated = await forge.updatePullRequest(pr.number, { body: 'new body' });
    expect([updated.title, updated.body]).toEqual(['t', 'new body']);
    await forge.setLabels(pr.number, ['risk:high', 'promotion']);
    await forge.setLabels(pr.number, ['risk:low', 'promotion'], ['risk:high']);
    await forge.requestReviewers(pr.number, ['bo', 'org/approvers']);
    await forge.requestReviewers(pr.number, ['bo']);
    const author = await refused(forge.requestReviewers(pr.number, ['ana']));
    expect(author.code).toBe('INVALID');
    const got = await forge.getPullRequest(pr.number);
    expect(got.labels).toEqual(['promotion', 'risk:low']);
    expect(got.requestedReviewers).toEqual(['bo', 'org/approvers']);
    expect((await refused(forge.getPullRequest(42))).code).toBe('NOT_FOUND');
    expect(await forge.teamMembers('org/approvers')).toBeNull();
  });

  it('records reviews with the reviewer and the commit, refusing commits off the head', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    const first = r.git('rev-parse', 'feature~1').trim();
    const review = await forge.submitReview(pr.number, {
      state: 'APPROVED',
      body: 'ok',
      commitId: pr.headSha,
      user: 'bo',
    });
    expect(review).toEqual({
      id: 1,
      user: 'bo',
      state: 'APPROVED',
      commitId: pr.headSha,
      submittedAt: '2026-01-20T10:00:00.000Z',
      body: 'ok',
    });
    // an older commit of the head is accepted (governance decides it is outdated)
    const old = await forge.submitReview(pr.number, {
      state: 'COMMENTED',
      body: '',
      commitId: first,
    });
    expect([old.id, old.user, old.commitId]).toEqual([2, 'ana', first]);
    // the author's own approval is recorded too: validity is governance's call
    await forge.submitReview(pr.number, { state: 'APPROVED', body: '', commitId: pr.headSha });
    expect((await forge.listReviews(pr.number)).map((x) => `${x.user}:${x.state}`)).toEqual([
      'bo:APPROVED',
      'ana:COMMENTED',
      'ana:APPROVED',
    ]);
    r.git('commit', '-q', '--allow-empty', '-m', 'main only');
    const offHead = await refused(
      forge.submitReview(pr.number, {
        state: 'APPROVED',
        body: '',
        commitId: r.git('rev-parse', 'main').trim(),
      }),
    );
    expect(offHead.code).toBe('INVALID');
    const bogus = await refused(
      forge.submitReview(pr.number, { state: 'APPROVED', body: '', commitId: 'f'.repeat(40) }),
    );
    expect(bogus.code).toBe('INVALID');
    expect((await forge.listReviews(pr.number)).length).toBe(3);
  });
});

describe('LocalForge statuses, issues, comments, dispatches', () => {
  it('keeps the latest status per context', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const sha = r.git('rev-parse', 'feature').trim();
    await forge.createCommitStatus(sha, {
      context: 'mlops/governance',
      state: 'pending',
      description: 'waiting for approvers',
    });
    await forge.createCommitStatus(sha, { context: 'ci', state: 'success', description: 'ok' });
    await forge.createCommitStatus(sha, {
      context: 'mlops/governance',
      state: 'success',
      description: 'approved by bo',
      targetUrl: 'local:#1',
    });
    const expected = [
      { context: 'ci', state: 'success', description: 'ok' },
      {
        context: 'mlops/governance',
        state: 'success',
        description: 'approved by bo',
        targetUrl: 'local:#1',
      },
    ];
    expect(await forge.statuses(sha)).toEqual(expected);
    expect(await readStatuses(await openRepo(r.dir), sha)).toEqual(expected);
    expect(await readStatuses(await openRepo(r.dir), r.git('rev-parse', 'main').trim())).toEqual(
      [],
    );
    const bad = await refused(
      forge.createCommitStatus('abc', { context: 'x', state: 'success', description: '' }),
    );
    expect(bad.code).toBe('INVALID');
    const unknown = await refused(
      forge.createCommitStatus('0'.repeat(40), { context: 'x', state: 'success', description: '' }),
    );
    expect(unknown.code).toBe('INVALID');
  });

  it('finds, creates and updates issues; labels and comments on issues and PRs', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    expect(await forge.findIssue('Drift: m1')).toBeNull();
    const issue = await forge.createIssue({
      title: 'Drift: m1',
      body: 'PSI 0.25',
      labels: ['drift'],
    });
    expect(issue).toEqual({
      number: 1,
      title: 'Drift: m1',
      body: 'PSI 0.25',
      state: 'open',
      labels: ['drift'],
      url: 'local:#1',
    });
    expect((await forge.findIssue('Drift: m1'))?.number).toBe(1);
    expect(await forge.findIssue('Drift: m')).toBeNull();
    await forge.setLabels(1, ['warning']);
    await forge.comment(1, 'still drifting');
    const updated = await forge.updateIssue(1, { body: 'PSI 0.28' });
    expect([updated.body, updated.labels]).toEqual(['PSI 0.28', ['drift', 'warning']]);
    expect((await forge.updateIssue(1, { state: 'closed' })).state).toBe('closed');
    expect(await forge.findIssue('Drift: m1')).toBeNull();
    expect((await refused(forge.updateIssue(7, { body: '' }))).code).toBe('NOT_FOUND');

    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    await forge.comment(pr.number, 'governance: pending');
    const stored = JSON.parse(
      readFileSync(join(r.dir, '.git', 'mlops', 'pulls', `${pr.number}.json`), 'utf8'),
    ) as { comments: { user: string; body: string }[] };
    expect(stored.comments.map((c) => `${c.user}: ${c.body}`)).toEqual([
      'ana: governance: pending',
    ]);
    const issueFile = JSON.parse(
      readFileSync(join(r.dir, '.git', 'mlops', 'issues', '1.json'), 'utf8'),
    ) as { comments: { body: string }[] };
    expect(issueFile.comments.map((c) => c.body)).toEqual(['still drifting']);
  });

  it('appends dispatches as JSON lines', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    await forge.dispatch('retrain', { model: 'm1', reason: 'drift critical' });
    await forge.dispatch('retrain', { model: 'm2' });
    const lines = readFileSync(join(r.dir, '.git', 'mlops', 'dispatches.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      {
        event_type: 'retrain',
        client_payload: { model: 'm1', reason: 'drift critical' },
        at: '2026-01-20T10:00:00.000Z',
      },
      { event_type: 'retrain', client_payload: { model: 'm2' }, at: '2026-01-20T10:00:00.000Z' },
    ]);
    expect(await forge.dispatches()).toEqual(lines);
  });

  it('takes over a stale lock, waits out a live one', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    await forge.createIssue({ title: 'first', body: '' });
    const lock = join(r.dir, '.git', 'mlops', 'lock');
    writeFileSync(lock, '99999\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect((await forge.createIssue({ title: 'after a crash', body: '' })).number).toBe(2);
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, '99999\n');
    const waiting = forge.createIssue({ title: 'waits', body: '' });
    await new Promise((res) => setTimeout(res, 150));
    expect(existsSync(join(r.dir, '.git', 'mlops', 'issues', '3.json'))).toBe(false);
    unlinkSync(lock);
    expect((await waiting).number).toBe(3);
  });
});
