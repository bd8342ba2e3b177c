import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../test/helpers/gitdir.js';
import type { CommitSpec } from '../../test/helpers/gitdir.js';
import { RepoError } from './errors.js';
import { openRepo } from './open.js';
import { resolveDate, resolveRef } from './refs.js';

/**
 *   0 - 1 - 2 ------ 5 (main, merge of side) - 6
 *        \         /
 *         3 - 4 (side)
 */
const commits: CommitSpec[] = [
  { files: { 'a.txt': '0\n' } },
  { files: { 'a.txt': '1\n' }, tag: 'v1' },
  { files: { 'a.txt': '2\n' } },
  { branch: 'side', from: 1, files: { 'b.txt': '3\n' } },
  { files: { 'b.txt': '4\n' } },
  { branch: 'main', merge: 'side', message: 'merge side' },
  { files: { 'a.txt': '6\n' } },
];

async function refError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RepoError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'resolved';
}

describe.each(['loose', 'packed'] as const)('resolveRef (%s)', (layout) => {
  const r = makeRepo({ commits, layout });
  const o = r.oids;
  r.git('tag', '-a', 'v2', '-m', 'annotated', o[2]!);
  const open = () => openRepo(r.dir);

  it('resolves branches, tags (peeling annotated ones), HEAD and @ like git rev-parse', async () => {
    const repo = await open();
    for (const ref of [
      'main',
      'side',
      'v1',
      'v2',
      'HEAD',
      'refs/heads/side',
      'heads/side',
      'tags/v1',
    ]) {
      expect(await resolveRef(repo, ref)).toBe(r.git('rev-parse', `${ref}^{commit}`).trim());
    }
    expect(await resolveRef(repo, '@')).toBe(o[6]);
    expect(await resolveRef(repo, 'v2')).toBe(o[2]);
  });

  it('resolves full and unambiguous short oids', async () => {
    const repo = await open();
    expect(await resolveRef(repo, o[3]!)).toBe(o[3]);
    expect(await resolveRef(repo, o[3]!.slice(0, 10))).toBe(o[3]);
  });

  it('follows ~N along first parents and ^N to the N-th parent, chained', async () => {
    const repo = await open();
    for (const rev of [
      'HEAD~1',
      'HEAD~2',
      'HEAD~3',
      'main~1^2',
      'main^^2',
      'main~1^2~1',
      'side~',
      'HEAD^0',
      'v1~1',
    ]) {
      expect({ rev, oid: await resolveRef(repo, rev) }).toEqual({
        rev,
        oid: r.git('rev-parse', rev).trim(),
      });
    }
    expect(await resolveRef(repo, 'HEAD~2')).toBe(o[2]);
    expect(await resolveRef(repo, 'main~1^2')).toBe(o[4]);
  });

  it('refuses what git would not resolve, saying why', async () => {
    const repo = await open();
    expect(await refError(resolveRef(repo, 'nope'))).toBe(
      'BAD_REF: revision "nope" is not a branch, tag, or commit',
    );
    expect(await refError(resolveRef(repo, 'HEAD~9'))).toBe(
      'BAD_REF: revision "HEAD~9" goes past the root: HEAD~4 has no parent',
    );
    expect(await refError(resolveRef(repo, 'main~1^3'))).toBe(
      'BAD_REF: revision "main~1^3" main~1 has 2 parent(s), not 3',
    );
    expect(await refError(resolveRef(repo, 'HEAD~x'))).toBe(
      'BAD_REF: revision "HEAD~x" is not a revision',
    );
    expect(await refError(resolveRef(repo, 'f'.repeat(40)))).toBe(
      `BAD_REF: revision "${'f'.repeat(40)}" names no object in this repository`,
    );
    const tree = r.git('rev-parse', 'HEAD^{tree}').trim();
    expect(await refError(resolveRef(repo, tree))).toBe(
      `BAD_REF: revision "${tree}" names a tree, not a commit`,
    );
  });
});

describe('resolveDate', () => {
  const dated: CommitSpec[] = [
    { files: { a: '0\n' }, date: '2025-01-01T00:00:00Z' },
    { files: { a: '1\n' }, date: '2025-01-02T00:00:00Z' },
    { branch: 'side', files: { b: 'x\n' }, date: '2025-01-02T12:00:00Z' },
    { branch: 'main', files: { a: '2\n' }, date: '2025-01-03T00:00:00Z' },
    { merge: 'side', date: '2025-01-04T00:00:00Z' },
  ];
  const r = makeRepo({ commits: dated });

  it('gives the newest first-parent commit at or before the date, as git rev-list --first-parent --before', async () => {
    const repo = await openRepo(r.dir);
    for (const when of [
      '2025-01-01T00:00:00Z',
      '2025-01-02T18:00:00Z',
      '2025-01-03T00:00:00Z',
      '2030-01-01T00:00:00Z',
    ]) {
      const git = r.git('rev-list', '-1', '--first-parent', `--before=${when}`, 'main').trim();
      expect(await resolveDate(repo, 'main', new Date(when))).toBe(git);
    }
    // 2025-01-02T18:00 is after the side commit, but the side branch is not on the first-parent chain.
    expect(await resolveDate(repo, 'main', new Date('2025-01-02T18:00:00Z'))).toBe(r.oids[1]);
  });

  it('is null before the first commit', async () => {
    const repo = await openRepo(r.dir);
    expect(await resolveDate(repo, 'main', new Date('2024-12-31T23:59:59Z'))).toBeNull();
  });
});
