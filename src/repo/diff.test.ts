import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../test/helpers/gitdir.js';
import type { CommitSpec } from '../../test/helpers/gitdir.js';
import { diffRefs } from './diff.js';
import { openRepo } from './open.js';
import type { FileChange } from './tree-diff.js';
import { WORKTREE } from './worktree.js';

const commits: CommitSpec[] = [
  {
    files: {
      'registry/models/m1/model.yaml': 'name: m1\n',
      'registry/models/m1/deployment.yaml': 'production: 1.0.0\n',
      'registry/models/m2/model.yaml': 'name: m2\n',
      'registry/features/f.yaml': 'feature: f\n',
      'data/iris.yaml': 'rows: 150\n',
      'data/wine': 'a file that becomes a directory\n',
      'src/x.ts': 'x\n',
    },
  },
  {
    files: {
      'registry/models/m1/deployment.yaml': 'production: 1.1.0\n', // modified
      'registry/models/m1/versions/1.1.0.yaml': 'version: 1.1.0\n', // added
      'registry/models/m2/model.yaml': null, // removed (m2/ disappears)
      'data/iris.yaml': null, // renamed ...
      'data/iris-v2.yaml': 'rows: 150\n', // ... to here
      'data/wine': null,
      'data/wine/red.yaml': 'red\n', // file → directory
      'src/x.ts': 'y\n', // outside the prefixes
    },
  },
];

/** `git diff --name-status` as FileChange statuses. */
function gitDiff(
  git: (...a: string[]) => string,
  base: string,
  head: string | null,
  prefixes: string[],
) {
  const status = { A: 'added', D: 'removed', M: 'modified' } as Record<string, string>;
  return git(
    'diff',
    '--no-renames',
    '--name-status',
    base,
    ...(head ? [head] : []),
    '--',
    ...prefixes,
  )
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))
    .sort((a, b) => (a[1]! < b[1]! ? -1 : 1))
    .map(([s, path]) => `${status[s!]} ${path}`);
}
const brief = (cs: FileChange[]) => cs.map((c) => `${c.status} ${c.path}`);

describe.each(['loose', 'packed'] as const)('diffRefs between revisions (%s)', (layout) => {
  const r = makeRepo({ commits, layout });

  it('reports added, removed and modified files as git diff --no-renames does', async () => {
    const repo = await openRepo(r.dir);
    const prefixes = ['registry/', 'data/'];
    const changes = await diffRefs(repo, r.oids[0]!, r.oids[1]!, prefixes);
    expect(brief(changes)).toEqual(gitDiff(r.git, r.oids[0]!, r.oids[1]!, prefixes));
    expect(brief(changes)).toEqual([
      'added data/iris-v2.yaml',
      'removed data/iris.yaml',
      'removed data/wine',
      'added data/wine/red.yaml',
      'modified registry/models/m1/deployment.yaml',
      'added registry/models/m1/versions/1.1.0.yaml',
      'removed registry/models/m2/model.yaml',
    ]);
  });

  it('gives the blob oids on each side', async () => {
    const repo = await openRepo(r.dir);
    const [mod] = await diffRefs(repo, 'HEAD~1', 'HEAD', ['registry/models/m1/deployment.yaml']);
    expect(mod).toEqual({
      path: 'registry/models/m1/deployment.yaml',
      status: 'modified',
      baseOid: r.git('rev-parse', 'HEAD~1:registry/models/m1/deployment.yaml').trim(),
      headOid: r.git('rev-parse', 'HEAD:registry/models/m1/deployment.yaml').trim(),
    });
    const [removed] = await diffRefs(repo, 'HEAD~1', 'HEAD', ['registry/models/m2/']);
    expect(removed).toEqual({
      path: 'registry/models/m2/model.yaml',
      status: 'removed',
      baseOid: r.git('rev-parse', 'HEAD~1:registry/models/m2/model.yaml').trim(),
    });
    const [back] = await diffRefs(repo, 'HEAD', 'HEAD~1', ['src/x.ts']);
    expect([back?.status, back?.baseOid, back?.headOid]).toEqual([
      'modified',
      r.git('rev-parse', 'HEAD:src/x.ts').trim(),
      r.git('rev-parse', 'HEAD~1:src/x.ts').trim(),
    ]);
    expect(await diffRefs(repo, 'HEAD', 'HEAD', [])).toEqual([]);
  });
});

describe('diffRefs', () => {
  it('skips equal subtrees without reading them', async () => {
    const r = makeRepo({ commits });
    // registry/features/ is the same on both sides: remove its tree object; the diff must not need it.
    const features = r.git('rev-parse', 'HEAD:registry/features').trim();
    rmSync(join(r.dir, '.git', 'objects', features.slice(0, 2), features.slice(2)));
    const repo = await openRepo(r.dir);
    expect(await diffRefs(repo, 'HEAD~1', 'HEAD', ['registry/'])).toHaveLength(3);
    await expect(diffRefs(repo, 'HEAD~1', 'HEAD', ['registry/features/'])).resolves.toEqual([]);
  });

  it('compares a revision with the work tree by content', async () => {
    const r = makeRepo({ commits });
    writeFileSync(join(r.dir, 'registry/models/m1/model.yaml'), 'name: m1\nowners: [ana]\n');
    writeFileSync(join(r.dir, 'registry/models/m3.yaml'), 'new\n');
    unlinkSync(join(r.dir, 'data/iris-v2.yaml'));
    // Rewritten with the same content: not a change.
    writeFileSync(join(r.dir, 'registry/models/m1/deployment.yaml'), 'production: 1.1.0\n');
    const repo = await openRepo(r.dir);
    const changes = await diffRefs(repo, 'HEAD', WORKTREE, ['registry/', 'data/']);
    r.git('add', '-A', '--intent-to-add', '.');
    expect(brief(changes)).toEqual(gitDiff(r.git, 'HEAD', null, ['registry/', 'data/']));
    expect(brief(changes)).toEqual([
      'removed data/iris-v2.yaml',
      'modified registry/models/m1/model.yaml',
      'added registry/models/m3.yaml',
    ]);
    expect(changes[1]!.headOid).toBe(r.git('hash-object', 'registry/models/m1/model.yaml').trim());
  });
});
