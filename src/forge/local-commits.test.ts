import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../test/helpers/gitdir.js';
import { localLogin } from './local-commits.js';
import { forgeFor, refused } from './local-testing.js';

describe('the local forge’s commits', () => {
  it('lists a pull request’s own commits, oldest first, with logins read as written and nothing verified', async () => {
    const r = makeRepo({
      commits: [
        { files: { 'a.txt': '1\n' }, message: 'start' },
        {
          branch: 'feature',
          from: 0,
          files: { 'b.txt': '1\n' },
          author: { name: 'mlops-bot', email: 'mlops-bot@users.noreply.local' },
        },
        { files: { 'c.txt': '1\n' }, author: { name: 'Qa Leads', email: 'qa@example.com' } },
        // main moves on: its commit is no commit of the pull request
        { branch: 'main', files: { 'd.txt': '1\n' }, message: 'main moves' },
      ],
    });
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    const commits = await forge.pullRequestCommits(pr.number);
    expect(commits).toEqual([
      {
        sha: r.oids[1],
        author: 'mlops-bot',
        committer: expect.any(String) as unknown,
        verified: null,
      },
      {
        sha: r.oids[2],
        author: 'qa-leads',
        committer: expect.any(String) as unknown,
        verified: null,
      },
    ]);
    expect(await forge.getCommit(r.oids[1]!)).toMatchObject({
      author: 'mlops-bot',
      verified: null,
    });

    // once merged, they are measured from the merge's first parent, as GitHub keeps them
    await forge.mergePullRequest(pr.number, { sha: pr.headSha, title: 't', message: '' });
    expect((await forge.pullRequestCommits(pr.number)).map((c) => c.sha)).toEqual([
      r.oids[1],
      r.oids[2],
    ]);
    expect((await refused(forge.getCommit('f'.repeat(40)))).code).toBe('NOT_FOUND');
  });

  it('maps a git identity to a login as the local forge names its users', () => {
    expect(localLogin({ name: 'Ana Ruiz', email: 'ana@users.noreply.local' })).toBe('ana');
    expect(localLogin({ name: 'Ana Ruiz', email: 'ana@example.com' })).toBe('ana-ruiz');
    expect(localLogin({ name: ' ', email: 'x@example.com' })).toBeNull();
  });
});
