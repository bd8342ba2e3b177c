import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, runGit, tempDir } from '../../test/helpers/gitdir.js';
import { RepoError } from './errors.js';
import { openRepo } from './open.js';
import { listFiles } from './snapshot.js';

describe('openRepo', () => {
  const r = makeRepo({ commits: [{ files: { 'registry/models/m1/model.yaml': 'name: m1\n' } }] });

  it('walks up from a subdirectory to the work tree holding .git', async () => {
    const repo = await openRepo(join(r.dir, 'registry', 'models'));
    expect(repo.dir).toBe(r.dir);
    expect(repo.gitdir).toBe(join(r.dir, '.git'));
    expect(typeof repo.cache).toBe('object');
  });

  it('gives each opened repository its own cache', async () => {
    expect((await openRepo(r.dir)).cache).not.toBe((await openRepo(r.dir)).cache);
  });

  it('follows a .git file (gitdir: …) as submodules and --separate-git-dir leave', async () => {
    const work = tempDir();
    writeFileSync(join(work, '.git'), `gitdir: ${join(r.dir, '.git')}\n`);
    const repo = await openRepo(work);
    expect(repo).toMatchObject({ dir: work, gitdir: join(r.dir, '.git') });
    expect((await listFiles(repo, 'HEAD', [])).map((f) => f.path)).toEqual([
      'registry/models/m1/model.yaml',
    ]);
  });

  it('opens a bare repository at its own directory', async () => {
    const bare = join(tempDir(), 'bare.git');
    runGit(r.dir, ['clone', '-q', '--bare', r.dir, bare]);
    const repo = await openRepo(bare);
    expect(repo.dir).toBe(bare);
    expect(repo.gitdir).toBe(bare);
    expect(await listFiles(repo, 'main', ['registry/'])).toHaveLength(1);
  });

  it('throws NOT_A_REPO outside any repository', async () => {
    const lonely = join(tempDir(), 'a', 'b');
    mkdirSync(lonely, { recursive: true });
    await expect(openRepo(lonely)).rejects.toMatchObject({
      code: 'NOT_A_REPO',
      data: { dir: lonely },
    });
    await expect(openRepo(lonely)).rejects.toBeInstanceOf(RepoError);
  });
});
