import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../test/helpers/gitdir.js';
import type { TestRepo } from '../../test/helpers/gitdir.js';
import { commitEdits } from './commit-edits.js';
import type { CommitEditsOptions } from './commit-edits.js';
import { RepoError } from './errors.js';
import { openRepo } from './open.js';
import { resolveRef } from './refs.js';

const author = {
  name: 'mlops-bot',
  email: 'bot@example.com',
  timestamp: 1_750_000_000,
  timezoneOffset: -120,
};

const seed = [
  {
    files: {
      'registry/models/m1/model.yaml': 'name: m1\n',
      'registry/models/m1/deployment.yaml': 'production: 1.0.0\n',
      'registry/models/m2/model.yaml': 'name: m2\n',
      'README.md': '# r\n',
    },
  },
];

async function setup(layout: 'loose' | 'packed' = 'loose') {
  const r = makeRepo({ commits: seed, layout });
  const repo = await openRepo(r.dir);
  const head = await resolveRef(repo, 'main');
  const commit = (o: Partial<CommitEditsOptions>) =>
    commitEdits(repo, {
      branch: 'main',
      expectedParent: head,
      edits: [],
      message: 'change',
      author,
      ...o,
    });
  return { r, repo, head, commit };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof RepoError) return e.code;
    throw e;
  }
}

const show = (r: TestRepo, rev: string) =>
  r.git('show', '--no-patch', '--format=%P%n%an <%ae> %at %ai%n%B', rev);

describe.each(['loose', 'packed'] as const)('commitEdits (%s)', (layout) => {
  it('writes one commit with the edits, the trailers and a tree git accepts', async () => {
    const { r, head, commit } = await setup(layout);
    const oid = await commit({
      edits: [
        { path: 'registry/models/m1/deployment.yaml', content: 'production: 2.1.0\n' },
        { path: 'registry/models/m1/versions/2.1.0.yaml', content: 'version: 2.1.0\n' },
        { path: 'registry/models/m2/model.yaml', delete: true },
        // Names that sort differently as files and as directories.
        { path: 'registry/models/m1-b.yaml', content: 'x\n' },
        { path: 'registry/models/m1.txt', content: 'y\n' },
      ],
      message: 'promote m1 2.1.0',
      trailers: { Model: 'm1', Version: '2.1.0', 'Approved-by': ['ana', 'bo'] },
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(oid);
    expect(r.git('fsck', '--strict', '--no-dangling')).toBe('');
    expect(show(r, oid)).toBe(
      `${head}\nmlops-bot <bot@example.com> 1750000000 2025-06-15 17:06:40 +0200\n` +
        'promote m1 2.1.0\n\nModel: m1\nVersion: 2.1.0\nApproved-by: ana\nApproved-by: bo\n\n',
    );
    expect(r.git('cat-file', '-p', `${oid}:registry/models/m1/deployment.yaml`)).toBe(
      'production: 2.1.0\n',
    );
    expect(r.git('diff', '--name-status', head, oid).trim().split('\n')).toEqual([
      'A\tregistry/models/m1-b.yaml',
      'A\tregistry/models/m1.txt',
      'M\tregistry/models/m1/deployment.yaml',
      'A\tregistry/models/m1/versions/2.1.0.yaml',
      'D\tregistry/models/m2/model.yaml',
    ]);
    // m2/ held only the deleted file: the directory is gone. A tree sorts as if named "m1/".
    expect(
      r.git('ls-tree', '--name-only', `${oid}:registry/models`).split('\n').filter(Boolean),
    ).toEqual(['m1-b.yaml', 'm1.txt', 'm1']);
    expect(r.git('reflog', '-1', '--format=%gs', 'main').trim()).toBe('commit: promote m1 2.1.0');
    // The work tree and index were not asked for: they still hold the old commit's files.
    expect(readFileSync(join(r.dir, 'registry/models/m1/deployment.yaml'), 'utf8')).toBe(
      'production: 1.0.0\n',
    );
  });

  it('rebuilds a branch from another commit with `parent`, still only from its expected tip', async () => {
    const { r, repo, head, commit } = await setup(layout);
    const first = await commit({
      branch: 'promote/m1',
      expectedParent: null,
      startPoint: 'main',
      edits: [{ path: 'a.txt', content: 'old\n' }],
    });
    const rebuilt = await commitEdits(repo, {
      branch: 'promote/m1',
      expectedParent: first,
      parent: head,
      edits: [{ path: 'b.txt', content: 'new\n' }],
      message: 'rebuilt',
      author,
    });
    expect(r.git('rev-parse', `${rebuilt}^`).trim()).toBe(head);
    expect(r.git('ls-tree', '--name-only', rebuilt).split('\n')).not.toContain('a.txt');
    expect(r.git('rev-parse', 'promote/m1').trim()).toBe(rebuilt);
    expect(
      await codeOf(
        commitEdits(repo, {
          branch: 'promote/m1',
          expectedParent: first,
          parent: head,
          edits: [],
          message: 'm',
          author,
        }),
      ),
    ).toBe('BRANCH_MOVED');
  });

  it('lets only the first of two commits from the same parent move the branch', async () => {
    const { r, head, commit } = await setup(layout);
    const results = await Promise.allSettled([
      commit({ edits: [{ path: 'a.yaml', content: 'first\n' }], message: 'first' }),
      commit({ edits: [{ path: 'a.yaml', content: 'second\n' }], message: 'second' }),
    ]);
    const won = results.find((x) => x.status === 'fulfilled') as PromiseFulfilledResult<string>;
    const lost = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect(won).toBeDefined();
    expect(lost.reason).toBeInstanceOf(RepoError);
    expect((lost.reason as RepoError).code).toBe('BRANCH_MOVED');
    expect((lost.reason as RepoError).data).toMatchObject({ expected: head, actual: won.value });
    expect(r.git('rev-parse', 'main').trim()).toBe(won.value);
    expect(r.git('rev-parse', 'main~1').trim()).toBe(head);
    expect(existsSync(join(r.dir, '.git/refs/heads/main.lock'))).toBe(false);
  });

  it('fails the second of two sequential commits from the same parent, changing nothing', async () => {
    const { r, head, commit } = await setup(layout);
    const first = await commit({ edits: [{ path: 'a.yaml', content: '1\n' }] });
    const err = await commit({ edits: [{ path: 'a.yaml', content: '2\n' }] }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'BRANCH_MOVED', data: { expected: head, actual: first } });
    expect(r.git('rev-parse', 'main').trim()).toBe(first);
    expect(r.git('log', '--format=%s', 'main').trim().split('\n')).toEqual(['change', 'commit 0']);
  });
});

describe('commitEdits', () => {
  it('creates a branch when expectedParent is null, from startPoint or as a root', async () => {
    const { r, head, repo } = await setup();
    const base = { edits: [{ path: 'x.yaml', content: 'x\n' }], message: 'new branch', author };
    const onTop = await commitEdits(repo, {
      ...base,
      branch: 'pr/m1',
      expectedParent: null,
      startPoint: 'main',
    });
    expect(r.git('rev-parse', 'pr/m1~1').trim()).toBe(head);
    expect(r.git('ls-tree', '-r', '--name-only', onTop).trim().split('\n')).toContain(
      'registry/models/m1/model.yaml',
    );
    const root = await commitEdits(repo, {
      ...base,
      branch: 'refs/heads/orphan',
      expectedParent: null,
    });
    expect(r.git('rev-list', '--count', root).trim()).toBe('1');
    expect(r.git('ls-tree', '-r', '--name-only', root).trim()).toBe('x.yaml');
    const again = await codeOf(
      commitEdits(repo, { ...base, branch: 'orphan', expectedParent: null }),
    );
    expect(again).toBe('BRANCH_MOVED');
    expect(r.git('fsck', '--strict', '--no-dangling')).toBe('');
  });

  it('moves a branch that lives only in packed-refs', async () => {
    const { r, head, commit } = await setup('packed');
    expect(existsSync(join(r.dir, '.git/refs/heads/main'))).toBe(false);
    expect(readFileSync(join(r.dir, '.git/packed-refs'), 'utf8')).toContain(
      `${head} refs/heads/main`,
    );
    const oid = await commit({ edits: [{ path: 'a.yaml', content: 'a\n' }] });
    expect(r.git('rev-parse', 'main').trim()).toBe(oid);
    const stale = await codeOf(commit({ edits: [] }));
    expect(stale).toBe('BRANCH_MOVED');
  });

  it('updates the work tree and index of the checked-out branch so git status is clean', async () => {
    const { r, commit } = await setup();
    await commit({
      edits: [
        { path: 'registry/models/m1/deployment.yaml', content: 'production: 2.0.0\n' },
        { path: 'registry/models/m3/model.yaml', content: 'name: m3\n' },
        { path: 'registry/models/m2/model.yaml', delete: true },
      ],
      updateWorkTree: true,
    });
    expect(r.git('status', '--porcelain')).toBe('');
    expect(readFileSync(join(r.dir, 'registry/models/m3/model.yaml'), 'utf8')).toBe('name: m3\n');
    expect(existsSync(join(r.dir, 'registry/models/m2'))).toBe(false);
  });

  it('refuses to update the work tree for a branch that is not checked out', async () => {
    const { r, repo } = await setup();
    r.git('branch', 'other');
    const oid = r.git('rev-parse', 'other').trim();
    const opts = {
      branch: 'other',
      expectedParent: oid,
      edits: [{ path: 'a', content: 'a' }],
      message: 'm',
      author,
    };
    expect(await codeOf(commitEdits(repo, { ...opts, updateWorkTree: true }))).toBe(
      'NOT_CHECKED_OUT',
    );
    expect(r.git('rev-parse', 'other').trim()).toBe(oid);
  });

  it('refuses bad paths and conflicting edits with BAD_PATH, committing nothing', async () => {
    const { r, head, commit } = await setup();
    const bad: CommitEditsOptions['edits'][] = [
      [{ path: '../escape.yaml', content: 'x' }],
      [{ path: '/etc/passwd', content: 'x' }],
      [{ path: 'registry/./m.yaml', content: 'x' }],
      [{ path: 'a//b.yaml', content: 'x' }],
      [{ path: '.git/config', content: 'x' }],
      [{ path: 'sub/.GIT/hooks/post-commit', content: 'x' }],
      [{ path: '', content: 'x' }],
      [{ path: 'dir/', content: 'x' }],
      [
        { path: 'a.yaml', content: '1' },
        { path: 'a.yaml', content: '2' },
      ],
      [
        { path: 'a', content: '1' },
        { path: 'a/b', content: '2' },
      ],
      [{ path: 'README.md/x.yaml', content: 'x' }], // README.md is a file
      [{ path: 'registry/models', content: 'x' }], // a directory
      [{ path: 'registry/models/m9/model.yaml', delete: true }], // not there
    ];
    for (const edits of bad) {
      expect({ edits, code: await codeOf(commit({ edits })) }).toEqual({ edits, code: 'BAD_PATH' });
    }
    expect(r.git('rev-parse', 'main').trim()).toBe(head);
  });

  it('refuses bad trailers, an empty message and an invalid branch name', async () => {
    const { r, head, commit } = await setup();
    expect(await codeOf(commit({ trailers: { 'Not a key': 'x' } }))).toBe('BAD_TRAILER');
    expect(await codeOf(commit({ message: '  \n' }))).toBe('BAD_MESSAGE');
    expect(await codeOf(commit({ branch: 'bad..name' }))).toBe('BAD_REF');
    expect(await codeOf(commit({ branch: 'x.lock' }))).toBe('BAD_REF');
    expect(r.git('rev-parse', 'main').trim()).toBe(head);
  });

  it('waits for a lock another writer holds, then gives up with BRANCH_LOCKED', async () => {
    const { r, head, commit } = await setup();
    writeFileSync(join(r.dir, '.git/refs/heads/main.lock'), '');
    expect(await codeOf(commit({ edits: [{ path: 'a', content: 'a' }] }))).toBe('BRANCH_LOCKED');
    expect(r.git('rev-parse', 'main').trim()).toBe(head);
    expect(existsSync(join(r.dir, '.git/refs/heads/main.lock'))).toBe(true); // not ours to remove
  });

  it('keeps the executable bit of a file it rewrites', async () => {
    const { r, commit } = await setup();
    r.git('update-index', '--chmod=+x', 'README.md');
    r.git('commit', '-q', '-m', 'exec');
    const head = r.git('rev-parse', 'main').trim();
    const oid = await commit({
      expectedParent: head,
      edits: [{ path: 'README.md', content: '#!/bin/sh\n' }],
    });
    expect(r.git('ls-tree', oid, 'README.md').split(' ')[0]).toBe('100755');
  });
});
