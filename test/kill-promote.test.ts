/**
 * A promotion killed at random points while it merges (issue 15, point 7): `mlops promote`
 * (which merges at once what policy approves), or — where policy wants a review — the
 * approval that merges it (`mlops pr approve`, governance's auto-merge). Main is merged once
 * or not at all, the pull request's record follows its merge, the checkout never holds half
 * the merge (no empty card, no staged deletions), and a re-run never merges a second time.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullRecord } from '../src/forge/local-store.js';
import { MODEL, registerVersion } from './helpers/custody.js';
import {
  buildKillChild,
  copyOf,
  git,
  killLoop,
  killSeed,
  runHere,
} from './helpers/kill-harness.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

const NOW = new Date('2026-01-21T09:00:00.000Z');
const BRANCH = `promote/${MODEL}/1.1.0`;
const PROMOTE = ['promote', MODEL, '1.1.0', '--as', 'ana'];

let reg: TestRegistry;
let child: Awaited<ReturnType<typeof buildKillChild>>;
let argv: string[];

beforeAll(async () => {
  child = await buildKillChild();
  reg = await exampleRegistry();
  await registerVersion(reg);
  // Does policy merge this promotion at once? Then `promote` is the command that merges;
  // otherwise the approval of an approver is, and the template holds the open PR.
  const probe = copyOf(reg.dir);
  try {
    const p = await runHere(probe, NOW, PROMOTE);
    expect(p.code, p.err).toBe(0);
    argv = p.out.includes('merged as') ? PROMOTE : ['pr', 'approve', '1', '--as', 'qa-leads'];
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  if (argv !== PROMOTE) expect((await runHere(reg.dir, NOW, PROMOTE)).code).toBe(0);
  if (process.env.MLOPS_KILL_REPORT) process.stderr.write(`killing: mlops ${argv.join(' ')}\n`);
}, 120_000);

afterAll(() => {
  child?.cleanup();
  reg?.cleanup();
});

describe('a promotion, killed at random points while it merges', () => {
  it('merges it exactly once, records that merge, and leaves the checkout whole', async () => {
    const result = await killLoop({
      bundle: child.file,
      template: reg.dir,
      argv,
      now: NOW,
      kills: 30,
      seed: killSeed(1503),
      // an approval given again once the pull request is merged is refused, naming why
      rerunOk: (r) =>
        r.code === 0 ||
        (argv !== PROMOTE && r.code === 1 && /pull request #1 is merged/.test(r.out + r.err)),
      done: (dir, before, why) => {
        const merges = git(dir, 'log', '--first-parent', '--format=%H %s', `${before}..main`)
          .split('\n')
          .filter((l) => / Merge pull request #[0-9]+ from /.test(l));
        expect(merges, why).toHaveLength(1);
        expect(merges[0], why).toMatch(new RegExp(` Merge pull request #1 from ${BRANCH}$`));
        const tip = git(dir, 'rev-parse', 'main').trim();
        expect(merges[0]!.slice(0, 40), why).toBe(tip);
        expect(git(dir, 'show', `main:registry/models/${MODEL}/deployment.yaml`), why).toMatch(
          /^candidate: 1\.1\.0$/m,
        );
        // one pull request, and its record on disk says merged, with that merge
        const pulls = readdirSync(join(dir, '.git', 'mlops', 'pulls')).filter((n) =>
          /^[0-9]+\.json$/.test(n),
        );
        expect(pulls, why).toEqual(['1.json']);
        const record = JSON.parse(
          readFileSync(join(dir, '.git', 'mlops', 'pulls', '1.json'), 'utf8'),
        ) as PullRecord;
        expect({ state: record.state, mergeCommit: record.mergeCommit }, why).toEqual({
          state: 'merged',
          mergeCommit: tip,
        });
      },
    });
    expect(result.killedMidway).toBeGreaterThan(0);
  }, 300_000);
});
