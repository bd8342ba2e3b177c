import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalForge } from '../src/forge/index.js';
import { runGit } from './helpers/gitdir.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

// not a promotion branch: governance leaves it alone (test/promote.test.ts covers promotions)
const HEAD = 'feature/tweak-docs';
const GOV = 'mlops/governance';

let r: TestRegistry;
let forge: LocalForge;
let headSha: string;

beforeEach(async () => {
  r = await exampleRegistry();
  headSha = await r.commit(
    { 'registry/models/execution-agent/notes.md': 'candidate 1.1.0\n' },
    { branch: HEAD, message: 'promote execution-agent 1.1.0' },
  );
  forge = new LocalForge(r.repo, { login: 'ana' });
  await forge.createPullRequest({
    title: 'Promote execution-agent 1.1.0',
    body: '## Checks\nall pass\n',
    head: HEAD,
    base: 'main',
  });
  await forge.setLabels(1, ['risk:high']);
  await forge.requestReviewers(1, ['bo']);
  await forge.createCommitStatus(headSha, {
    context: GOV,
    state: 'pending',
    description: 'waiting for an approval from bo',
  });
});

afterEach(() => {
  r.cleanup();
});

const git = (...args: string[]) => runGit(r.dir, args);

describe('mlops pr', () => {
  it('lists pull requests with labels and checks', async () => {
    const list = await r.mlops('pr', 'list');
    expect(list).toEqual({
      code: 0,
      err: '',
      out:
        `#  TITLE                          ${'HEAD'.padEnd(HEAD.length)}  STATE  LABELS     CHECKS\n` +
        `1  Promote execution-agent 1.1.0  ${HEAD}  open   risk:high  governance: pending\n`,
    });
    const asJson = JSON.parse((await r.mlops('pr', 'list', '--json')).out) as {
      number: number;
      headSha: string;
      statuses: { context: string; state: string }[];
    }[];
    expect(asJson.map((p) => [p.number, p.headSha, p.statuses[0]?.state])).toEqual([
      [1, headSha, 'pending'],
    ]);
    expect((await r.mlops('pr', 'list', '--state', 'closed')).out).toBe(
      'no closed pull requests\n',
    );
    expect((await r.mlops('pr', 'list', '--state', 'merged')).code).toBe(2);
  });

  it('shows one pull request, marking reviews of older commits outdated', async () => {
    const first = await r.mlops('pr', 'show', '1');
    expect(first).toEqual({
      code: 0,
      err: '',
      out: [
        '#1 Promote execution-agent 1.1.0',
        `  ${HEAD} -> main`,
        '  author:     ana',
        '  state:      open',
        `  head:       ${headSha}`,
        '  labels:     risk:high',
        '  reviewers:  bo',
        '  url:        local:#1',
        '',
        'reviews: none',
        'checks:',
        '  mlops/governance  pending  waiting for an approval from bo',
        '',
        '## Checks',
        'all pass',
        '',
      ].join('\n'),
    });
    expect((await r.mlops('pr', 'approve', '1', '--as', 'bo')).code).toBe(0);
    const newer = await r.commit(
      { 'registry/models/execution-agent/notes.md': 'v2\n' },
      { branch: HEAD },
    );
    expect((await r.mlops('pr', 'approve', '#1', '--as', 'cy')).code).toBe(0);
    const [bo, cy] = await forge.listReviews(1);
    const shown = (await r.mlops('pr', 'show', '1')).out;
    expect(shown).toContain(`  head:       ${newer}\n`);
    expect(shown).toContain(
      'reviews:\n' +
        `  bo  APPROVED  ${headSha.slice(0, 7)}  outdated  ${bo!.submittedAt}\n` +
        `  cy  APPROVED  ${newer.slice(0, 7)}            ${cy!.submittedAt}\n` +
        'checks: none\n',
    );
    const json = JSON.parse((await r.mlops('pr', 'show', '1', '--json')).out) as {
      reviews: { user: string; outdated: boolean }[];
    };
    expect(json.reviews.map((x) => [x.user, x.outdated])).toEqual([
      ['bo', true],
      ['cy', false],
    ]);
    expect((await r.mlops('pr', 'show', '9')).code).toBe(2);
    expect((await r.mlops('pr', 'show', 'one')).code).toBe(2);
  });

  it('records an approval on the head commit', async () => {
    const res = await r.mlops('pr', 'approve', '1', '--as', 'bo', '--comment', 'lgtm');
    const [review] = await forge.listReviews(1);
    expect(review).toEqual({
      id: 1,
      user: 'bo',
      state: 'APPROVED',
      commitId: headSha,
      submittedAt: review!.submittedAt,
      body: 'lgtm',
    });
    expect(res).toEqual({
      code: 0,
      err: '',
      out:
        `recorded review 1 on #1: APPROVED by bo on ${headSha.slice(0, 7)} (the head of ${HEAD}) at ${review!.submittedAt}\n` +
        'mlops/governance: pending (waiting for an approval from bo)\n',
    });

    // the author's approval is recorded, and said not to count
    const own = await r.mlops('pr', 'approve', '1', '--as', 'ana');
    expect(own.code).toBe(0);
    expect(own.out).toContain("note: ana opened #1; an author's approval does not count\n");
    expect((await forge.listReviews(1)).map((x) => x.user)).toEqual(['bo', 'ana']);
    expect((await r.mlops('pr', 'approve', '1')).code).toBe(2);
    expect((await r.mlops('pr', 'approve', '7', '--as', 'bo')).code).toBe(2);
  });

  it('refuses to merge until governance is success, then makes the merge commit', async () => {
    const mainBefore = git('rev-parse', 'main').trim();
    const refusedPending = await r.mlops('pr', 'merge', '1');
    expect(refusedPending).toEqual({
      code: 1,
      out: '',
      err: `refused: #1 cannot be merged: the required check mlops/governance is pending (waiting for an approval from bo) on ${headSha.slice(0, 7)} (--force merges anyway)\n`,
    });
    expect(git('rev-parse', 'main').trim()).toBe(mainBefore);

    await forge.createCommitStatus(headSha, {
      context: GOV,
      state: 'success',
      description: 'approved by bo',
    });
    const merged = await r.mlops('pr', 'merge', '1', '--as', 'carol');
    const sha = git('rev-parse', 'main').trim();
    expect(merged).toEqual({
      code: 0,
      err: '',
      out: `merged #1 into main: ${sha} Merge pull request #1 from ${HEAD}\n`,
    });
    expect(git('log', '-1', '--format=%P%n%s%n%an <%ae>', 'main')).toBe(
      `${mainBefore} ${headSha}\nMerge pull request #1 from ${HEAD}\ncarol <carol@users.noreply.local>\n`,
    );
    expect(git('show', 'main:registry/models/execution-agent/notes.md')).toBe('candidate 1.1.0\n');
    expect(git('status', '--porcelain')).toBe('');
    const pr = await forge.getPullRequest(1);
    expect([pr.state, pr.mergeCommit]).toEqual(['merged', sha]);
    const list = await r.mlops('pr', 'list', '--state', 'all');
    expect(list.out).toContain(
      `1  Promote execution-agent 1.1.0  ${HEAD}  merged  risk:high  governance: success\n`,
    );

    const again = await r.mlops('pr', 'merge', '1');
    expect(again).toEqual({ code: 1, out: '', err: 'refused: #1 is merged, not open\n' });
    expect((await r.mlops('pr', 'merge', '5')).code).toBe(2);
  });

  it('merges without a green check only with --force', async () => {
    const head2 = await r.commit(
      { 'registry/other.md': 'x\n' },
      { branch: 'feature/x', message: 'x' },
    );
    await forge.createPullRequest({ title: 'Other', body: '', head: 'feature/x', base: 'main' });
    const refused = await r.mlops('pr', 'merge', '2');
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      `refused: #2 cannot be merged: the required check mlops/governance has not reported on ${head2.slice(0, 7)} (--force merges anyway)\n`,
    );
    const forced = await r.mlops('pr', 'merge', '2', '--force', '--json');
    expect(forced.code).toBe(0);
    expect(forced.err).toBe(
      `warning: merging #2 although the required check mlops/governance has not reported on ${head2.slice(0, 7)} (--force)\n`,
    );
    const out = JSON.parse(forced.out) as { number: number; mergeCommit: string; headSha: string };
    expect(out).toEqual({
      number: 2,
      base: 'main',
      head: 'feature/x',
      headSha: head2,
      mergeCommit: git('rev-parse', 'main').trim(),
    });
    // who merges, with no --as and no git identity: `local`
    expect(git('log', '-1', '--format=%an <%ae>%n%s', 'main')).toBe(
      'local <local@users.noreply.local>\nMerge pull request #2 from feature/x\n',
    );
  });

  it('merges as your git identity when no --as is given', async () => {
    await forge.createCommitStatus(headSha, { context: GOV, state: 'success', description: 'ok' });
    r.env.GIT_AUTHOR_NAME = 'Dana Ruiz';
    r.env.GIT_AUTHOR_EMAIL = 'dana@example.com';
    expect((await r.mlops('pr', 'merge', '1')).code).toBe(0);
    expect(git('log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main')).toBe(
      'Dana Ruiz <dana@example.com>|Dana Ruiz <dana@example.com>\n',
    );
    const stored = readFileSync(`${r.repo.gitdir}/mlops/pulls/1.json`, 'utf8');
    expect((JSON.parse(stored) as { mergedBy: string }).mergedBy).toBe('dana-ruiz');
  });

  it('refuses a merge that conflicts with the base, leaving everything as it was', async () => {
    await forge.createCommitStatus(headSha, { context: GOV, state: 'success', description: 'ok' });
    await r.commit({ 'registry/models/execution-agent/notes.md': 'main wrote this\n' });
    const before = git('for-each-ref', '--format=%(refname) %(objectname)');
    const res = await r.mlops('pr', 'merge', '1');
    expect(res.code).toBe(1);
    expect(res.err).toBe(
      'refused: merge conflict in registry/models/execution-agent/notes.md: main and the head change the same lines\n',
    );
    expect(git('for-each-ref', '--format=%(refname) %(objectname)')).toBe(before);
    expect(git('status', '--porcelain')).toBe('');
  });
});
