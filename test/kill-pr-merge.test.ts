/**
 * `mlops pr merge` killed at random points (issue 15, point 7): the pull request is merged
 * once, ever; its record never stays open beside its merge; the checkout never holds half
 * the merge.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullRecord } from '../src/forge/local-store.js';
import { MODEL, registerVersion } from './helpers/custody.js';
import { buildKillChild, git, killLoop, killSeed, runHere } from './helpers/kill-harness.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

const NOW = new Date('2026-01-21T09:00:00.000Z');
const BRANCH = `promote/${MODEL}/1.1.0`;

let reg: TestRegistry;
let child: Awaited<ReturnType<typeof buildKillChild>>;

beforeAll(async () => {
  child = await buildKillChild();
  // 1.1.0 registered, its promotion pull request #1 open (not merged)
  reg = await exampleRegistry();
  await registerVersion(reg);
  const p = await runHere(reg.dir, NOW, ['promote', MODEL, '1.1.0', '--as', 'ana', '--no-merge']);
  expect(p.code, p.err).toBe(0);
}, 120_000);

afterAll(() => {
  child?.cleanup();
  reg?.cleanup();
});

/** The merge commits of #1 on main's first-parent line since `before`. */
function mergesOf(dir: string, before: string): string[] {
  return git(dir, 'log', '--first-parent', '--format=%H %s', `${before}..main`)
    .split('\n')
    .filter((l) => l.endsWith(` Merge pull request #1 from ${BRANCH}`))
    .map((l) => l.slice(0, 40));
}

describe('mlops pr merge, killed at random points', () => {
  it('merges the pull request exactly once and records that merge', async () => {
    const result = await killLoop({
      bundle: child.file,
      template: reg.dir,
      argv: ['pr', 'merge', '1', '--force'],
      now: NOW,
      kills: 30,
      seed: killSeed(1507),
      // merged by the re-run, or recognised as merged (the killed run's merge, recorded)
      rerunOk: (r) => r.code === 0 || (r.code === 1 && r.err.includes('#1 is merged, not open')),
      done: (dir, before, why) => {
        const merges = mergesOf(dir, before);
        expect(merges, why).toHaveLength(1);
        const tip = git(dir, 'rev-parse', 'main').trim();
        expect(merges[0], why).toBe(tip);
        expect(git(dir, 'rev-parse', 'main^2').trim(), why).toBe(
          git(dir, 'rev-parse', BRANCH).trim(),
        );
        // the record on disk, not only what the forge shows
        const record = JSON.parse(
          readFileSync(join(dir, '.git', 'mlops', 'pulls', '1.json'), 'utf8'),
        ) as PullRecord;
        expect({ state: record.state, mergeCommit: record.mergeCommit }, why).toEqual({
          state: 'merged',
          mergeCommit: tip,
        });
        expect(record.merging, why).toBeUndefined();
      },
    });
    expect(result.killedMidway).toBeGreaterThan(0);
  }, 300_000);
});
