import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../repo/index.js';
import type { PullRecord } from './local-store.js';
import { LocalStore } from './local-store.js';
import { mergeIntoBase } from './merge.js';
import { mergeMessage } from './local-pulls.js';
import { NOW, forgeFor, twoBranches } from './local-testing.js';

const recordPath = (dir: string, n: number) => join(dir, '.git', 'mlops', 'pulls', `${n}.json`);
const readRecord = (dir: string, n: number) =>
  JSON.parse(readFileSync(recordPath(dir, n), 'utf8')) as PullRecord;
const merges = (r: ReturnType<typeof twoBranches>) =>
  r
    .git('log', '--first-parent', '--merges', '--format=%s', 'main')
    .trim()
    .split('\n')
    .filter(Boolean);

/** A pull request whose merge was made by a run killed before it wrote the record. */
async function killedAfterMerging() {
  const r = twoBranches();
  const forge = await forgeFor(r);
  const pr = await forge.createPullRequest({
    title: 'Add b',
    body: '',
    head: 'feature',
    base: 'main',
  });
  const baseTip = r.git('rev-parse', 'main').trim();
  const record = readRecord(r.dir, pr.number);
  record.merging = { headSha: pr.headSha, baseTip, by: 'ana', at: NOW.toISOString() };
  writeFileSync(recordPath(r.dir, pr.number), JSON.stringify(record));
  const sha = await mergeIntoBase(await openRepo(r.dir), {
    base: 'main',
    headSha: pr.headSha,
    message: mergeMessage(pr.number, 'feature', 'Add b', ''),
    author: { name: 'ana', email: 'ana@x', timestamp: NOW.getTime() / 1000, timezoneOffset: 0 },
  });
  return { r, forge, pr, sha };
}

describe('a pull request is merged once, ever', () => {
  it('a merge killed before its record was written shows merged, and is recorded, not made again', async () => {
    const { r, forge, pr, sha } = await killedAfterMerging();
    const seen = await forge.getPullRequest(pr.number);
    expect([seen.state, seen.mergeCommit]).toEqual(['merged', sha]);
    // the record on disk is completed by the first reader that can take the lock
    expect(readRecord(r.dir, pr.number)).toMatchObject({ state: 'merged', mergeCommit: sha });
    expect(readRecord(r.dir, pr.number).merging).toBeUndefined();
    const again = await forge
      .mergePullRequest(pr.number, { sha: pr.headSha, title: '', message: '' })
      .catch((e: Error) => e);
    expect(again).toBeInstanceOf(Error);
    expect(merges(r)).toEqual(['Merge pull request #1 from feature']);
  });

  it('merging again a pull request whose record was lost returns the merge already made', async () => {
    const { r, forge, pr, sha } = await killedAfterMerging();
    // the record still says open, with no note of the merge (written by an older version)
    const record = readRecord(r.dir, pr.number);
    delete record.merging;
    writeFileSync(recordPath(r.dir, pr.number), JSON.stringify(record));
    expect((await forge.getPullRequest(pr.number)).state).toBe('open');
    const { sha: merged } = await forge.mergePullRequest(pr.number, {
      sha: pr.headSha,
      title: '',
      message: '',
    });
    expect(merged).toBe(sha);
    expect(readRecord(r.dir, pr.number)).toMatchObject({ state: 'merged', mergeCommit: sha });
    expect(merges(r)).toEqual(['Merge pull request #1 from feature']);
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('a merge killed before it moved the base is made by the next attempt', async () => {
    const r = twoBranches();
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 'Add b',
      body: '',
      head: 'feature',
      base: 'main',
    });
    const record = readRecord(r.dir, pr.number);
    record.merging = {
      headSha: pr.headSha,
      baseTip: r.git('rev-parse', 'main').trim(),
      by: 'ana',
      at: NOW.toISOString(),
    };
    writeFileSync(recordPath(r.dir, pr.number), JSON.stringify(record));
    expect((await forge.getPullRequest(pr.number)).state).toBe('open');
    const { sha } = await forge.mergePullRequest(pr.number, {
      sha: pr.headSha,
      title: '',
      message: '',
    });
    expect(r.git('rev-parse', 'main').trim()).toBe(sha);
    expect(readRecord(r.dir, pr.number)).toMatchObject({ state: 'merged', mergeCommit: sha });
    expect(merges(r)).toEqual(['Merge pull request #1 from feature']);
  });

  it('takes over at once the lock of a killed process (not only after 10 s)', async () => {
    const r = twoBranches();
    const store = new LocalStore(join(r.dir, '.git'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await store.withLock(() => Promise.resolve()); // makes the folder
    writeFileSync(join(r.dir, '.git', 'mlops', 'lock'), `${dead} ${hostname()}\n`);
    // the lock is fresh: without knowing its owner is gone, the forge would wait 5 s for it
    // and give up (UNAVAILABLE), as it still does for a live owner's lock
    const forge = await forgeFor(r);
    const pr = await forge.createPullRequest({
      title: 't',
      body: '',
      head: 'feature',
      base: 'main',
    });
    expect(pr.number).toBe(1);
  });
});
