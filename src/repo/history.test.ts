import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeRepo, runGit, tempDir } from '../../test/helpers/gitdir.js';
import type { CommitSpec, TestRepo } from '../../test/helpers/gitdir.js';
import { history } from './history.js';
import { openRepo } from './open.js';
import { resolveRef } from './refs.js';

/** What `git log --format=%H <ref> -- <paths>` prints. */
function gitLog(r: TestRepo, paths: string[], ref = 'HEAD'): string[] {
  return r
    .git('log', '--format=%H', ref, '--', ...paths)
    .split('\n')
    .filter(Boolean);
}

async function ours(r: TestRepo, paths: string[], ref = 'HEAD'): Promise<string[]> {
  return (await history(await openRepo(r.dir), { ref, paths })).map((e) => e.oid);
}

async function expectSameAsGit(r: TestRepo, pathspecs: string[][], ref = 'HEAD'): Promise<void> {
  for (const paths of pathspecs) {
    expect({ paths, log: await ours(r, paths, ref) }).toEqual({
      paths,
      log: gitLog(r, paths, ref),
    });
  }
}

const linear: CommitSpec[] = [
  { files: { 'registry/models/m1/model.yaml': 'v0\n', 'data/a.yaml': 'a0\n' } },
  { files: { 'data/a.yaml': 'a1\n' } },
  { files: { 'registry/models/m1/deployment.yaml': 'd1\n' } },
  { files: { 'registry/models/m10/model.yaml': 'other\n' } },
  { files: { 'registry/models/m1/model.yaml': 'v1\n', 'data/a.yaml': 'a2\n' } },
  { files: { 'policies/governance.yaml': 'p\n' } },
  { files: { 'registry/models/m1/deployment.yaml': null } },
];

/**
 * Branches and merges covering git's simplification: a merge that takes the path from its
 * second parent, one where both sides changed it, one whose side branch never touched it,
 * one whose side branch changed it and changed it back, and an octopus.
 */
const merges: CommitSpec[] = [
  { files: { 'p/x.yaml': 'x0\n', 'q/y.yaml': 'y0\n' } }, // 0
  { branch: 'a', files: { 'p/x.yaml': 'x-a\n' } }, // 1 side changes p
  { branch: 'main', files: { 'q/y.yaml': 'y1\n' } }, // 2 main changes q
  { merge: 'a', message: 'merge a: p from the side' }, // 3
  { branch: 'b', files: { 'p/x.yaml': 'x-b\n' } }, // 4
  { branch: 'main', files: { 'p/x.yaml': 'x-main\n' } }, // 5
  { merge: 'b', files: { 'p/x.yaml': 'x-resolved\n' }, message: 'merge b: both changed p' }, // 6
  { branch: 'c', files: { 'q/y.yaml': 'y-c\n' } }, // 7 side touches only q
  { branch: 'main', files: { 'q/z.yaml': 'z\n' } }, // 8
  { merge: 'c', message: 'merge c: p untouched' }, // 9
  { branch: 'd', files: { 'p/x.yaml': 'x-d\n' } }, // 10
  { files: { 'p/x.yaml': 'x-resolved\n' } }, // 11 back as it was
  { branch: 'main', files: { 'q/y.yaml': 'y2\n' } }, // 12
  { merge: 'd', message: 'merge d: p changed and back' }, // 13
  { branch: 'e', files: { 'p/e.yaml': 'e\n' } }, // 14
  { branch: 'f', from: 13, files: { 'q/f.yaml': 'f\n' } }, // 15
  { branch: 'main', files: { 'p/x.yaml': 'x-main2\n' } }, // 16
  { merge: ['e', 'f'], message: 'octopus' }, // 17
];

describe.each(['loose', 'packed'] as const)('history equals git log (%s)', (layout) => {
  it('on a linear history', async () => {
    const r = makeRepo({ commits: linear, layout });
    await expectSameAsGit(r, [
      ['registry/models/m1/'],
      ['registry/models/m1'],
      ['registry/models/m1/deployment.yaml'],
      ['data/a.yaml', 'policies/'],
      ['policies/', 'nothing/'], // neither in the root commit: it is not shown
      ['registry/'],
      ['nothing/'],
      [],
    ]);
    expect(await ours(r, ['registry/models/m1/'])).toEqual([
      r.oids[6],
      r.oids[4],
      r.oids[2],
      r.oids[0],
    ]);
  });

  it('with merges, following only the parent a merge took the paths from', async () => {
    const r = makeRepo({ commits: merges, layout });
    await expectSameAsGit(r, [
      ['p/'],
      ['p/x.yaml'],
      ['q/'],
      ['q/y.yaml', 'p/e.yaml'],
      ['q/f.yaml'],
      [],
    ]);
    const o = r.oids;
    // 17: the octopus differs from every parent: shown, all followed (14 adds p/e.yaml).
    // 13: p as on main (d changed it and back): only main is followed, 10 and 11 are not shown.
    // 9: c never touched p: only main followed. 6: both sides changed p: shown, both followed.
    // 3: p as on a: hidden, only a followed, so 2 (q only) is not even visited.
    expect(await ours(r, ['p/'])).toEqual([o[17], o[16], o[14], o[6], o[5], o[4], o[1], o[0]]);
  });

  it('with --first-parent, walking only the branch line and judging each commit against its first parent', async () => {
    const r = makeRepo({ commits: merges, layout });
    const repo = await openRepo(r.dir);
    for (const paths of [['p/'], ['p/x.yaml'], ['q/'], ['q/y.yaml', 'p/e.yaml'], []]) {
      const mine = (await history(repo, { paths, firstParent: true })).map((e) => e.oid);
      const git = r
        .git('log', '--first-parent', '--format=%H', 'HEAD', '--', ...paths)
        .split('\n')
        .filter(Boolean);
      expect({ paths, log: mine }).toEqual({ paths, log: git });
    }
  });

  it('with a rename, seen from either name as a removal or an addition', async () => {
    const r = makeRepo({
      commits: [
        { files: { 'registry/old/m.yaml': 'm\n' } },
        { files: { 'registry/old/m.yaml': 'm2\n' } },
        {
          files: { 'registry/old/m.yaml': null, 'registry/new/m.yaml': 'm2\n' },
          message: 'rename',
        },
        { files: { 'registry/new/m.yaml': 'm3\n' } },
      ],
      layout,
    });
    await expectSameAsGit(r, [['registry/old/'], ['registry/new/m.yaml'], ['registry/']]);
    const [renamed] = await history(await openRepo(r.dir), {
      paths: ['registry/'],
      ref: 'HEAD~1',
      limit: 1,
    });
    expect(renamed!.changes.map((c) => `${c.status} ${c.path}`)).toEqual([
      'added registry/new/m.yaml',
      'removed registry/old/m.yaml',
    ]);
  });

  it('with the file deleted and added again', async () => {
    const r = makeRepo({
      commits: [
        { files: { 'data/d.yaml': '1\n', other: 'o\n' } },
        { files: { 'data/d.yaml': null } },
        { files: { other: 'o2\n' } },
        { files: { 'data/d.yaml': '1\n' } },
        { files: { 'data/d.yaml': '2\n' } },
      ],
      layout,
    });
    await expectSameAsGit(r, [['data/d.yaml'], ['data/'], ['data']]);
    expect(await ours(r, ['data/d.yaml'])).toEqual([r.oids[4], r.oids[3], r.oids[1], r.oids[0]]);
  });
});

describe('history in a shallow clone', () => {
  it('treats the shallow commits as roots, as git does', async () => {
    const r = makeRepo({ commits: linear });
    const dir = join(tempDir(), 'shallow');
    runGit(r.dir, ['clone', '-q', '--depth', '3', `file://${r.dir}`, dir]);
    const clone: TestRepo = { dir, oids: [], git: (...args) => runGit(dir, args) };
    await expectSameAsGit(clone, [['registry/models/m1/'], ['data/a.yaml'], ['policies/'], []]);
    expect(await ours(clone, [])).toEqual([r.oids[6], r.oids[5], r.oids[4]]);
    const repo = await openRepo(dir);
    expect(await resolveRef(repo, 'HEAD~2')).toBe(r.oids[4]);
    await expect(resolveRef(repo, 'HEAD~3')).rejects.toMatchObject({ code: 'BAD_REF' });
  });
});

/** A seeded random history: branches, merges (octopus too), dates that tie and go backwards. */
function randomHistory(seed: number): CommitSpec[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const paths = ['p/a', 'p/b', 'q/c', 'q/d/e', 'r'];
  const branches = ['main'];
  const out: CommitSpec[] = [{ files: { 'p/a': 'a0\n', r: 'r0\n' }, date: 1_700_000_000 }];
  for (let i = 1; i < 45; i++) {
    const spec: CommitSpec = {
      files: {},
      date: 1_700_000_000 + i * 60 - Math.floor(rand() * 4) * 90,
    };
    const roll = rand();
    if (roll < 0.15) {
      const name = `b${i}`;
      branches.push(name);
      spec.branch = name;
      spec.from = Math.floor(rand() * i);
    } else {
      spec.branch = branches[Math.floor(rand() * branches.length)]!;
    }
    if (roll > 0.75 && branches.length > 1) {
      const others = branches.filter((b) => b !== spec.branch);
      spec.merge =
        rand() < 0.2 && others.length > 1
          ? others.slice(0, 2)
          : others[Math.floor(rand() * others.length)]!;
    }
    const edits = Math.floor(rand() * 3);
    for (let k = 0; k < edits; k++) {
      const path = paths[Math.floor(rand() * paths.length)]!;
      spec.files![path] = rand() < 0.15 ? null : `${path} ${Math.floor(rand() * 4)}\n`;
    }
    out.push(spec);
  }
  return out;
}

describe('history on random histories', () => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))(
    'equals git log for seed %i',
    async (seed) => {
      const r = makeRepo({ commits: randomHistory(seed) });
      const branches = r
        .git('for-each-ref', '--format=%(refname:short)', 'refs/heads/')
        .split('\n')
        .filter(Boolean);
      for (const ref of branches) {
        await expectSameAsGit(r, [['p/'], ['p/a'], ['q/d/e', 'r'], ['q'], []], ref);
      }
    },
  );
});

describe('history entries', () => {
  const r = makeRepo({
    commits: [
      {
        files: { 'registry/models/m1/deployment.yaml': 'production: null\n' },
        message: 'seed m1',
        author: { name: 'Ana Lima', email: 'ana@example.com' },
        date: '2023-03-01T10:00:00Z',
      },
      { branch: 'pr', files: { 'registry/models/m1/deployment.yaml': 'production: 2.1.0\n' } },
      { branch: 'main', files: { 'registry/models/m1/model.yaml': 'owners: [ana]\n' } },
      {
        merge: 'pr',
        files: { 'registry/models/m1/deployment.yaml': 'production: 2.1.1\n' },
        message:
          'promote m1 2.1.1\n\nResolved by hand.\n\nModel: m1\nVersion: 2.1.1\nApproved-by: ana\nApproved-by: bo\n',
      },
    ],
  });

  it('carry people, times, subject, message, trailers and parents', async () => {
    const [merge] = await history(await openRepo(r.dir), {
      paths: ['registry/models/m1/'],
      limit: 1,
    });
    expect(merge!.oid).toBe(r.oids[3]);
    expect(merge!.parents).toEqual([r.oids[2], r.oids[1]]);
    expect(merge!.subject).toBe('promote m1 2.1.1');
    expect(merge!.message).toBe(r.git('log', '-1', '--format=%B', r.oids[3]!).replace(/\n$/, ''));
    expect(merge!.trailers).toEqual({
      Model: ['m1'],
      Version: ['2.1.1'],
      'Approved-by': ['ana', 'bo'],
    });
    expect(merge!.committer.timestamp).toBe(Number(r.git('log', '-1', '--format=%ct', r.oids[3]!)));
    const seed = (await history(await openRepo(r.dir), { paths: ['registry/'] })).at(-1)!;
    expect(seed.author).toEqual({
      name: 'Ana Lima',
      email: 'ana@example.com',
      timestamp: Date.parse('2023-03-01T10:00:00Z') / 1000,
      timezoneOffset: 0,
    });
  });

  it('list the changes against the first parent only, under the queried paths', async () => {
    const log = await history(await openRepo(r.dir), {
      paths: ['registry/models/m1/deployment.yaml'],
    });
    expect(log.map((e) => e.oid)).toEqual(gitLog(r, ['registry/models/m1/deployment.yaml']));
    expect(log[0]!.changes).toEqual([
      {
        path: 'registry/models/m1/deployment.yaml',
        status: 'modified',
        baseOid: r.git('rev-parse', `${r.oids[2]}:registry/models/m1/deployment.yaml`).trim(),
        headOid: r.git('rev-parse', `${r.oids[3]}:registry/models/m1/deployment.yaml`).trim(),
      },
    ]);
    expect(log.at(-1)!.changes.map((c) => c.status)).toEqual(['added']);
  });

  it('stop at the limit and start from the given ref', async () => {
    const repo = await openRepo(r.dir);
    expect((await history(repo, { paths: [], limit: 2 })).map((e) => e.oid)).toEqual([
      r.oids[3],
      r.oids[2],
    ]);
    expect((await history(repo, { paths: ['registry/'], ref: 'pr' })).map((e) => e.oid)).toEqual([
      r.oids[1],
      r.oids[0],
    ]);
  });
});
