import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeBase } from './merge-base.js';
import { openRepo } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'mlops-mb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let tick = 1_700_000_000;
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: `${++tick} +0000`,
      GIT_COMMITTER_DATE: `${tick} +0000`,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    },
  })
    .toString()
    .trim();
const commit = (msg: string) => {
  git('commit', '-q', '--allow-empty', '-m', msg);
  return git('rev-parse', 'HEAD');
};

describe('mergeBase', () => {
  it('agrees with git merge-base on forks, merges and criss-crosses', async () => {
    git('init', '-q', '-b', 'main');
    commit('root');
    for (let i = 0; i < 5; i++) commit(`main ${i}`);
    git('checkout', '-q', '-b', 'feature', 'HEAD~3');
    commit('f1');
    commit('f2');
    git('checkout', '-q', 'main');
    commit('main 5');
    git('merge', '-q', '--no-edit', 'feature');
    git('checkout', '-q', 'feature');
    commit('f3');
    git('checkout', '-q', '--orphan', 'unrelated');
    commit('other root');
    const repo = await openRepo(dir);
    const pairs: [string, string][] = [
      ['main', 'feature'],
      ['feature', 'main'],
      ['main~1', 'feature~1'],
      ['main', 'main~2'],
      ['main~2', 'main'],
      ['feature', 'feature'],
    ];
    for (const [a, b] of pairs) {
      const [x, y] = [git('rev-parse', a), git('rev-parse', b)];
      expect(await mergeBase(repo, x, y), `${a} ${b}`).toBe(git('merge-base', a, b));
    }
    expect(
      await mergeBase(repo, git('rev-parse', 'main'), git('rev-parse', 'unrelated')),
    ).toBeNull();
  });
});
