import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../test/helpers/gitdir.js';
import { commitEdits } from './commit-edits.js';
import type { RecordEdit } from './commit-edits.js';
import { RepoError } from './errors.js';
import { openRepo } from './open.js';
import type { Repo } from './open.js';
import { resolveRef } from './refs.js';
import { changesBetween, editIndex, stageForward } from './worktree-sync.js';

const author = { name: 'bot', email: 'bot@example.com', timestamp: 1_750_000_000 };
const DEPLOYMENT = 'registry/models/m1/deployment.yaml';
const CARD = 'model-cards/m1/1.1.0.yaml';
const OLD = 'registry/models/m1/old.yaml';

/** main checked out; `to` is the commit a command was making (a rollback, say), unmoved. */
async function killedCommand() {
  const r = makeRepo({
    commits: [
      { files: { [DEPLOYMENT]: 'production: 1.0.0\ncandidate: 1.1.0\n', [OLD]: 'x: 1\n' } },
    ],
  });
  const repo = await openRepo(r.dir);
  const from = await resolveRef(repo, 'main');
  const edits: RecordEdit[] = [
    { path: DEPLOYMENT, content: 'production: 1.0.0\ncandidate: null\n' },
    { path: CARD, content: 'card: 1.1.0\n' },
    { path: OLD, delete: true },
  ];
  // the commit object, as the killed command wrote it before moving the branch
  const to = await commitEdits(repo, {
    branch: 'scratch',
    expectedParent: null,
    startPoint: from,
    edits,
    message: 'rollback',
    author,
  });
  r.git('branch', '-D', 'scratch');
  return { r, repo, from, to };
}

/** A process id that is no longer running. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

function writeJournal(repo: Repo, j: object): void {
  mkdirSync(join(repo.gitdir, 'mlops'), { recursive: true });
  writeFileSync(join(repo.gitdir, 'mlops', 'worktree-sync.json'), JSON.stringify(j));
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof RepoError) return e.code;
    throw e;
  }
}

describe('a commit killed while it moved the checked-out branch', () => {
  it('killed before the branch moved: the index holds the new files staged, never the old against the new; the next command puts it back', async () => {
    const { r, repo, from, to } = await killedCommand();
    writeJournal(repo, { pid: deadPid(), host: hostname(), ref: 'refs/heads/main', from, to });
    await editIndex(repo, stageForward(changesBetween(repo, from, to)));
    // what a user sees meanwhile: the change staged forward (a commit of it makes the same
    // change), the work tree still the old files
    expect(r.git('diff', '--cached', '--name-status').trim().split('\n')).toEqual([
      `A\t${CARD}`,
      `M\t${DEPLOYMENT}`,
      `D\t${OLD}`,
    ]);
    expect(r.git('show', `:${DEPLOYMENT}`)).toContain('candidate: null');
    await openRepo(r.dir); // any command opening the repository finishes it
    expect(r.git('rev-parse', 'main').trim()).toBe(from);
    expect(r.git('status', '--porcelain')).toBe('');
    expect(existsSync(join(repo.gitdir, 'mlops', 'worktree-sync.json'))).toBe(false);
  });

  it('killed after the branch moved, midway through the files: nothing is staged against the commit; the next command writes the rest', async () => {
    const { r, repo, from, to } = await killedCommand();
    writeJournal(repo, { pid: deadPid(), host: hostname(), ref: 'refs/heads/main', from, to });
    await editIndex(repo, stageForward(changesBetween(repo, from, to)));
    r.git('update-ref', 'refs/heads/main', to, from);
    mkdirSync(join(r.dir, 'model-cards/m1'), { recursive: true });
    writeFileSync(join(r.dir, CARD), 'card: 1.1.0\n'); // the one file it wrote
    // a plain `git commit` now commits nothing: the index is the new commit
    expect(r.git('diff', '--cached', '--name-only', 'main')).toBe('');
    expect(lines(r.git('status', '--porcelain')).sort()).toEqual(
      [` M ${DEPLOYMENT}`, `?? ${OLD}`].sort(),
    );
    await openRepo(r.dir);
    expect(r.git('rev-parse', 'main').trim()).toBe(to);
    expect(r.git('status', '--porcelain')).toBe('');
    expect(readFileSync(join(r.dir, DEPLOYMENT), 'utf8')).toBe(
      'production: 1.0.0\ncandidate: null\n',
    );
    expect(existsSync(join(r.dir, OLD))).toBe(false);
  });

  it('removes the ref lock and index lock a killed command left, not those of a live git', async () => {
    const { r, repo, from, to } = await killedCommand();
    const pid = deadPid();
    // a lock holding the new value, and the mark its owner left before taking it
    writeFileSync(join(repo.gitdir, 'refs/heads/main.lock'), `${to}\n`);
    mkdirSync(join(repo.gitdir, 'mlops', 'locks'), { recursive: true });
    const { createHash } = await import('node:crypto');
    const sha1 = createHash('sha1').update(`${to}\n`).digest('hex');
    writeFileSync(
      join(repo.gitdir, 'mlops', 'locks', `${pid}-x.json`),
      JSON.stringify({
        pid,
        host: hostname(),
        lock: join(repo.gitdir, 'refs/heads/main.lock'),
        sha1,
      }),
    );
    const next = await commitEdits(repo, {
      branch: 'main',
      expectedParent: from,
      edits: [{ path: CARD, content: 'again\n' }],
      message: 'next',
      author,
      updateWorkTree: true,
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(next);
    expect(r.git('status', '--porcelain')).toBe('');
    // a lock nobody marked (git's own) is waited for, then refused, as git does
    writeFileSync(join(repo.gitdir, 'refs/heads/main.lock'), `${to}\n`);
    expect(
      await codeOf(
        commitEdits(repo, {
          branch: 'main',
          expectedParent: next,
          edits: [],
          message: 'blocked',
          author,
        }),
      ),
    ).toBe('BRANCH_LOCKED');
    expect(r.git('rev-parse', 'main').trim()).toBe(next);
  });

  it('leaves what the user staged and edited: a staged file keeps its entry, an edited one its content', async () => {
    const { r, repo, from } = await killedCommand();
    writeFileSync(join(r.dir, DEPLOYMENT), 'mine, staged\n');
    r.git('add', DEPLOYMENT);
    writeFileSync(join(r.dir, OLD), 'mine, not staged\n');
    const to = await commitEdits(repo, {
      branch: 'main',
      expectedParent: from,
      edits: [
        { path: DEPLOYMENT, content: 'theirs\n' },
        { path: OLD, content: 'theirs too\n' },
        { path: CARD, content: 'card\n' },
      ],
      message: 'change',
      author,
      updateWorkTree: true,
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(to);
    expect(r.git('show', `:${DEPLOYMENT}`)).toBe('mine, staged\n');
    expect(readFileSync(join(r.dir, OLD), 'utf8')).toBe('mine, not staged\n');
    expect(lines(r.git('status', '--porcelain')).sort()).toEqual(
      [`M  ${DEPLOYMENT}`, ` M ${OLD}`].sort(),
    );
  });

  it('waits for a live command moving the branch, then refuses with SYNC_IN_PROGRESS', async () => {
    const { r, repo, from, to } = await killedCommand();
    // the vitest parent is alive: its journal is not ours to finish
    writeJournal(repo, { pid: process.ppid, host: hostname(), ref: 'refs/heads/main', from, to });
    const attempt = commitEdits(repo, {
      branch: 'main',
      expectedParent: from,
      edits: [{ path: CARD, content: 'x\n' }],
      message: 'x',
      author,
      updateWorkTree: true,
    });
    expect(await codeOf(attempt)).toBe('SYNC_IN_PROGRESS');
    expect(r.git('rev-parse', 'main').trim()).toBe(from);
    expect(r.git('status', '--porcelain')).toBe('');
  });
});

describe('the index, rewritten under git’s protocol', () => {
  it('keeps version 4 (prefix-compressed paths) and intent-to-add entries readable by git', async () => {
    const { r, repo, from } = await killedCommand();
    writeFileSync(join(r.dir, 'later.txt'), 'later\n');
    r.git('add', '-N', 'later.txt');
    r.git('update-index', '--index-version', '4');
    await commitEdits(repo, {
      branch: 'main',
      expectedParent: from,
      edits: [{ path: CARD, content: 'card\n' }],
      message: 'card',
      author,
      updateWorkTree: true,
    });
    expect(readFileSync(join(repo.gitdir, 'index')).readUInt32BE(4)).toBe(4);
    expect(r.git('ls-files')).toBe(['later.txt', CARD, DEPLOYMENT, OLD].join('\n') + '\n');
    expect(r.git('status', '--porcelain')).toBe(' A later.txt\n');
  });

  it('refuses a split index before anything moves', async () => {
    const { r, repo, from } = await killedCommand();
    r.git('update-index', '--split-index');
    const code = await codeOf(
      commitEdits(repo, {
        branch: 'main',
        expectedParent: from,
        edits: [{ path: CARD, content: 'card\n' }],
        message: 'card',
        author,
        updateWorkTree: true,
      }),
    );
    expect(code).toBe('UNSUPPORTED_INDEX');
    expect(r.git('rev-parse', 'main').trim()).toBe(from);
    expect(r.git('status', '--porcelain')).toBe('');
  });
});
