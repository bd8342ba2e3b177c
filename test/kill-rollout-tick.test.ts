/**
 * `mlops rollout tick` killed at random points (issue 15, point 7): the step is one commit or
 * none; once it is made, the index never holds the old deployment and traffic files staged
 * (a plain `git commit` would undo the step); a re-run decides from the new tip and never
 * makes the step twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore, ensureToolDir } from '../src/data/index.js';
import { writeMetricsBucket } from '../src/rollout/index.js';
import { MODEL, promoteApproved, registerVersion } from './helpers/custody.js';
import { buildKillChild, git, killLoop, killSeed, runHere } from './helpers/kill-harness.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

const H = 3_600_000;
const t0 = new Date('2026-03-01T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

let reg: TestRegistry;
let child: Awaited<ReturnType<typeof buildKillChild>>;

beforeAll(async () => {
  child = await buildKillChild();
  // 1.1.0 promoted and rolling out at 5 %, healthy traffic: at 6h30 the tick advances to 20 %
  reg = await exampleRegistry();
  await registerVersion(reg);
  await promoteApproved(reg, '1.1.0', (...a) => runHere(reg.dir, t0, a));
  const s = await runHere(reg.dir, at(0.5), ['rollout', 'start', MODEL, '--json']);
  expect(s.code, s.err).toBe(0);
  const { rolloutId } = JSON.parse(s.out) as { rolloutId: string };
  const store = new LocalObjectStore(join(ensureToolDir(reg.dir), 'remote'));
  await writeMetricsBucket({ store, prefix: `metrics/${MODEL}/${rolloutId}/` }, [
    { ts: at(1), arm: 'baseline', version: '1.0.0', requests: 20_000, errors: 200 },
    { ts: at(1), arm: 'candidate', version: '1.1.0', requests: 1_000, errors: 6 },
  ]);
}, 120_000);

afterAll(() => {
  child?.cleanup();
  reg?.cleanup();
});

describe('mlops rollout tick, killed at random points', () => {
  it('makes the step exactly once and leaves the checkout in step with it', async () => {
    const result = await killLoop({
      bundle: child.file,
      template: reg.dir,
      argv: ['rollout', 'tick', MODEL],
      now: at(6.5),
      kills: 30,
      seed: killSeed(1511),
      // the step, or (after it was made) a tick that holds at 20 %
      rerunOk: (r) => r.code === 0,
      done: (dir, before, why) => {
        const subjects = git(dir, 'log', '--format=%s', `${before}..main`).trim().split('\n');
        expect(subjects, why).toHaveLength(1);
        expect(subjects[0], why).toMatch(
          /^rollout execution-agent: advance 1\.1\.0 from 5 % to 20 %/,
        );
        expect(git(dir, 'show', `main:registry/models/${MODEL}/traffic/nginx.conf`), why).toContain(
          '20% candidate;',
        );
      },
    });
    expect(result.killedMidway).toBeGreaterThan(0);
  }, 300_000);
});
