import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINES, NOW, forgeFor, refused, snapshot, twoBranches } from './local-testing.js';

describe('LocalForge merges', () => {
  it('makes a merge commit with two parents and GitHub’s message, updating the checkout', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 'Add b',
      body: '',
      head: 'feature',
      base: 'main',
    });
    const baseTip = r.git('rev-parse', 'main').trim();
    const { sha } = await forge.mergePullRequest(pr.number, {
      sha: pr.headSha,
      title: 'Add b',
      message: 'Decision: auto-approved',
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(sha);
    expect(r.git('log', '-1', '--format=%P%n%s', 'main')).toBe(
      `${baseTip} ${pr.headSha}\nMerge pull request #1 from feature\n`,
    );
    expect(r.git('log', '-1', '--format=%B', 'main')).toBe(
      'Merge pull request #1 from feature\n\nAdd b\n\nDecision: auto-approved\n\n',
    );
    expect(r.git('log', '-1', '--format=%an <%ae> %at %cn', 'main')).toBe(
      `ana <ana@users.noreply.local> ${NOW.getTime() / 1000} ana\n`,
    );
    // the checked-out main now has the head's files, staged, nothing left over
    expect(readFileSync(join(r.dir, 'registry/b.yaml'), 'utf8')).toBe('b: 1\n');
    expect(readFileSync(join(r.dir, 'notes.txt'), 'utf8')).toContain('line 2 (feature)\n');
    expect(r.git('status', '--porcelain')).toBe('');
    expect(r.git('fsck', '--no-progress')).toBe('');
    const merged = await forge.getPullRequest(pr.number);
    expect([merged.state, merged.mergeCommit, merged.headSha]).toEqual(['merged', sha, pr.headSha]);
    expect((await forge.listPullRequests('open')).length).toBe(0);
    expect((await forge.listPullRequests('closed')).map((p) => p.number)).toEqual([1]);
    const again = await refused(
      forge.mergePullRequest(pr.number, { sha: pr.headSha, title: '', message: '' }),
    );
    expect(again.code).toBe('INVALID');
    // a merged head may get a new pull request
    r.git('branch', '-f', 'feature', 'main');
    r.git('checkout', '-q', 'feature');
    r.git('commit', '-q', '--allow-empty', '-m', 'next');
    r.git('checkout', '-q', 'main');
    const next = await forge.createPullRequest({
      title: 'n',
      body: '',
      head: 'feature',
      base: 'main',
    });
    expect(next.number).toBe(2);
  });

  it('3-way merges when the base moved meanwhile (both sides kept)', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    writeFileSync(join(r.dir, 'notes.txt'), LINES(10).replace('line 9\n', 'line 9 (main)\n'));
    writeFileSync(join(r.dir, 'registry/a.yaml'), 'a: 2\n');
    r.git('commit', '-q', '-am', 'main moves');
    const baseTip = r.git('rev-parse', 'main').trim();
    const { sha } = await forge.mergePullRequest(pr.number, {
      sha: pr.headSha,
      title: 't',
      message: '',
    });
    expect(r.git('log', '-1', '--format=%P', sha).trim()).toBe(`${baseTip} ${pr.headSha}`);
    expect(r.git('log', '-1', '--format=%B', sha)).toBe(
      'Merge pull request #1 from feature\n\nt\n\n',
    );
    expect(r.git('show', `${sha}:notes.txt`)).toBe(
      LINES(10).replace('line 2\n', 'line 2 (feature)\n').replace('line 9\n', 'line 9 (main)\n'),
    );
    expect(r.git('show', `${sha}:registry/a.yaml`)).toBe('a: 2\n');
    expect(r.git('show', `${sha}:registry/b.yaml`)).toBe('b: 1\n');
    expect(readFileSync(join(r.dir, 'notes.txt'), 'utf8')).toBe(r.git('show', `${sha}:notes.txt`));
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('refuses a conflicting merge and changes nothing', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    writeFileSync(join(r.dir, 'notes.txt'), LINES(10).replace('line 2\n', 'line 2 (main)\n'));
    r.git('commit', '-q', '-am', 'main edits line 2 too');
    const before = snapshot(r);
    const e = await refused(
      forge.mergePullRequest(pr.number, { sha: pr.headSha, title: 't', message: '' }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('merge conflict in notes.txt');
    expect(e.data.paths).toEqual(['notes.txt']);
    expect(snapshot(r)).toEqual(before);
    expect((await forge.getPullRequest(pr.number)).state).toBe('open');
  });

  it('refuses when the head moved since it was read', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    r.git('branch', '-f', 'feature', 'feature~1');
    const before = snapshot(r);
    const e = await refused(
      forge.mergePullRequest(pr.number, { sha: pr.headSha, title: 't', message: '' }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe(
      `head moved: feature is at ${r.git('rev-parse', 'feature').trim()}, expected ${pr.headSha}`,
    );
    expect(snapshot(r)).toEqual(before);
  });

  it('refuses to overwrite uncommitted changes to merged files, keeps unrelated ones', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    writeFileSync(join(r.dir, 'notes.txt'), 'my local edit\n');
    const before = snapshot(r);
    const e = await refused(
      forge.mergePullRequest(pr.number, { sha: pr.headSha, title: 't', message: '' }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.data.paths).toEqual(['notes.txt']);
    expect(snapshot(r)).toEqual(before);

    r.git('checkout', '--', 'notes.txt');
    writeFileSync(join(r.dir, 'registry/a.yaml'), 'a: local\n');
    const { sha } = await forge.mergePullRequest(pr.number, {
      sha: pr.headSha,
      title: 't',
      message: '',
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(sha);
    expect(readFileSync(join(r.dir, 'registry/a.yaml'), 'utf8')).toBe('a: local\n');
    expect(r.git('status', '--porcelain')).toBe(' M registry/a.yaml\n');
  });

  it('leaves the work tree alone when the base is not checked out', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    r.git('checkout', '-q', '-b', 'elsewhere', 'main');
    const { sha } = await forge.mergePullRequest(pr.number, {
      sha: pr.headSha,
      title: 't',
      message: '',
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(sha);
    expect(r.git('rev-parse', 'HEAD').trim()).not.toBe(sha);
    expect(existsSync(join(r.dir, 'registry/b.yaml'))).toBe(false);
    expect(r.git('status', '--porcelain')).toBe('');
  });
});
