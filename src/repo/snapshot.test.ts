import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../../test/helpers/gitdir.js';
import { openRepo } from './open.js';
import { listFiles, readBlob, readFiles } from './snapshot.js';
import { WORKTREE, blobOid } from './worktree.js';

const PREFIXES = ['registry/', 'data/', 'policies/', 'model-cards/', '.github/workflows/'];
const text = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : Buffer.from(b).toString();

/** A registry whose files change over 30 commits (a deployment edited in small steps). */
function registryCommits() {
  const commits = [
    {
      files: {
        'registry/models/m1/model.yaml': 'name: m1\n',
        'registry/models/m10/model.yaml': 'name: m10\n',
        'registry/models/m1/versions/1.0.0.yaml': 'version: 1.0.0\n',
        'data/iris.yaml': 'rows: 150\n',
        'policies/governance.yaml': 'min_accuracy: 0.9\n',
        '.github/workflows/validate.yml': 'on: pull_request\n',
        '.github/CODEOWNERS': '* @team\n',
        'src/train.py': 'print(1)\n',
        'README.md': '# registry\n',
      } as Record<string, string | null>,
      message: 'seed',
    },
  ];
  const lines = Array.from({ length: 30 }, (_, i) => `  step_${i}: ${i * 5}`);
  for (let i = 1; i < 30; i++) {
    lines[i] = `  step_${i}: changed in ${i}`;
    commits.push({
      files: {
        'registry/models/m1/deployment.yaml': `model: m1\nrollout:\n${lines.join('\n')}\n`,
        ...(i === 10 ? { 'data/iris.yaml': null, 'data/wine.yaml': 'rows: 178\n' } : {}),
        ...(i === 20 ? { 'registry/models/m1/versions/1.1.0.yaml': 'version: 1.1.0\n' } : {}),
      },
      message: `step ${i}`,
    });
  }
  return commits;
}

describe.each(['loose', 'packed', 'packed-ref-delta'] as const)('snapshot reads (%s)', (layout) => {
  const r = makeRepo({ commits: registryCommits(), layout });

  it('lists the files under the prefixes at an old commit as git ls-tree does', async () => {
    const repo = await openRepo(r.dir);
    for (const at of [r.oids[5]!, r.oids[25]!, 'HEAD']) {
      const ours = await listFiles(repo, at, PREFIXES);
      const git = r
        .git('ls-tree', '-r', '--format=%(path) %(objectmode) %(objectname)', at, '--', ...PREFIXES)
        .trim()
        .split('\n');
      expect(ours.map((f) => `${f.path} ${f.mode} ${f.oid}`)).toEqual(git.sort());
    }
    const old = (await listFiles(repo, r.oids[5]!, PREFIXES)).map((f) => f.path);
    expect(old).toContain('data/iris.yaml');
    expect(old).not.toContain('data/wine.yaml');
    expect(old).not.toContain('src/train.py');
    expect(old).not.toContain('.github/CODEOWNERS');
  });

  it('reads blobs byte for byte, including deltified ones', async () => {
    const repo = await openRepo(r.dir);
    for (const at of [r.oids[1]!, r.oids[15]!, r.oids[29]!]) {
      const [file] = await listFiles(repo, at, ['registry/models/m1/deployment.yaml']);
      expect(file!.path).toBe('registry/models/m1/deployment.yaml');
      expect(text(await readBlob(repo, file!.oid))).toBe(r.git('show', `${at}:${file!.path}`));
    }
  });

  it('reads the files of a revision with their oids', async () => {
    const repo = await openRepo(r.dir);
    const files = await readFiles(repo, r.oids[12]!, ['data/', 'policies/governance.yaml']);
    expect([...files.keys()]).toEqual(['data/wine.yaml', 'policies/governance.yaml']);
    expect(text(files.get('data/wine.yaml')?.bytes)).toBe('rows: 178\n');
    expect(files.get('data/wine.yaml')?.oid).toBe(
      r.git('rev-parse', `${r.oids[12]}:data/wine.yaml`).trim(),
    );
  });
});

describe('path prefixes', () => {
  const r = makeRepo({ commits: registryCommits().slice(0, 1) });

  it('select a directory or a file, never a sibling sharing its first letters', async () => {
    const repo = await openRepo(r.dir);
    const paths = async (prefixes: string[]) =>
      (await listFiles(repo, 'HEAD', prefixes)).map((f) => f.path);
    expect(await paths(['registry/models/m1'])).toEqual([
      'registry/models/m1/model.yaml',
      'registry/models/m1/versions/1.0.0.yaml',
    ]);
    expect(await paths(['registry/models/m1/'])).toEqual(await paths(['registry/models/m1']));
    expect(await paths(['data/iris.yaml', 'README.md'])).toEqual(['README.md', 'data/iris.yaml']);
    expect(await paths(['data/iris.yaml/'])).toEqual([]); // a trailing slash wants a directory
    expect(await paths(['nothing/here/'])).toEqual([]);
    expect(await paths([])).toHaveLength(9);
    expect(await paths(['./policies/'])).toEqual(['policies/governance.yaml']);
  });

  it('refuse absolute paths and ..', async () => {
    const repo = await openRepo(r.dir);
    await expect(listFiles(repo, 'HEAD', ['/etc/'])).rejects.toMatchObject({ code: 'BAD_PATH' });
    await expect(listFiles(repo, 'HEAD', ['registry/../..'])).rejects.toMatchObject({
      code: 'BAD_PATH',
    });
  });

  it('skip subtrees outside the prefixes without reading them', async () => {
    // Remove the (loose) tree object of src/: only a read of it could fail.
    const srcTree = r.git('rev-parse', 'HEAD:src').trim();
    rmSync(join(r.dir, '.git', 'objects', srcTree.slice(0, 2), srcTree.slice(2)));
    const repo = await openRepo(r.dir);
    expect(await listFiles(repo, 'HEAD', PREFIXES)).toHaveLength(6);
    await expect(listFiles(repo, 'HEAD', [])).rejects.toMatchObject({
      code: 'MISSING_OBJECT',
      data: { oid: srcTree },
    });
  });
});

describe('readFiles(WORKTREE)', () => {
  const r = makeRepo({ commits: registryCommits().slice(0, 1) });
  const outside = tempDir();
  writeFileSync(join(outside, 'secret.yaml'), 'token: x\n');
  writeFileSync(join(r.dir, 'registry/models/m1/model.yaml'), 'name: m1\nowners: [ana]\n');
  writeFileSync(join(r.dir, 'registry/new.yaml'), 'untracked: true\n');
  mkdirSync(join(r.dir, 'registry/nested/.git'), { recursive: true });
  writeFileSync(join(r.dir, 'registry/nested/.git/config'), '[core]\n');
  symlinkSync(join(outside, 'secret.yaml'), join(r.dir, 'registry/leak.yaml'));
  symlinkSync(outside, join(r.dir, 'registry/leakdir'));
  symlinkSync('../policies/governance.yaml', join(r.dir, 'registry/policy-link.yaml'));
  symlinkSync('.', join(r.dir, 'registry/loop'));

  it('reads the files on disk, edited and untracked ones included, with git blob oids', async () => {
    const repo = await openRepo(r.dir);
    const disk = await readFiles(repo, WORKTREE, ['registry/']);
    const atHead = await readFiles(repo, 'HEAD', ['registry/']);
    expect(text(disk.get('registry/models/m1/model.yaml')?.bytes)).toBe(
      'name: m1\nowners: [ana]\n',
    );
    expect(text(atHead.get('registry/models/m1/model.yaml')?.bytes)).toBe('name: m1\n');
    expect(disk.get('registry/new.yaml')?.oid).toBe(
      r.git('hash-object', 'registry/new.yaml').trim(),
    );
    expect(disk.get('registry/models/m10/model.yaml')?.oid).toBe(
      atHead.get('registry/models/m10/model.yaml')?.oid,
    );
    expect(atHead.has('registry/new.yaml')).toBe(false);
  });

  it('follows symlinks inside the work tree only, skips .git and reads a looping directory once', async () => {
    const repo = await openRepo(r.dir);
    const disk = await readFiles(repo, WORKTREE, ['registry/']);
    expect([...disk.keys()]).toEqual([
      'registry/models/m1/model.yaml',
      'registry/models/m1/versions/1.0.0.yaml',
      'registry/models/m10/model.yaml',
      'registry/new.yaml',
      'registry/policy-link.yaml',
    ]);
    expect(text(disk.get('registry/policy-link.yaml')?.bytes)).toBe('min_accuracy: 0.9\n');
    expect(disk.get('registry/policy-link.yaml')?.oid).toBe(
      blobOid(Buffer.from('min_accuracy: 0.9\n')),
    );
  });

  it('reads a single file prefix and nothing for a missing one', async () => {
    const repo = await openRepo(r.dir);
    expect([...(await readFiles(repo, WORKTREE, ['data/iris.yaml', 'nope/'])).keys()]).toEqual([
      'data/iris.yaml',
    ]);
  });
});
