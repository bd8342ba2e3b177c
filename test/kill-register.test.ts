/**
 * `mlops register` killed at random points (issue 15, point 7): the registration is one
 * commit or none, the work tree and index never hold half of it, and a re-run after the kill
 * registers the run exactly once.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import type { Run } from '../src/records/index.js';
import { buildKillChild, git, killLoop, killSeed } from './helpers/kill-harness.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

const MODEL = 'execution-agent';
const NOW = new Date('2026-01-21T09:00:00.000Z');

let reg: TestRegistry;
let child: Awaited<ReturnType<typeof buildKillChild>>;
let runId: string;

beforeAll(async () => {
  child = await buildKillChild();
  // a real training run, not yet registered: its Run record is untracked in the work tree
  reg = await exampleRegistry();
  reg.env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
  appendFileSync(join(reg.dir, '.git', 'info', 'exclude'), 'datasets/\n');
  const t = await reg.mlops('train', MODEL, '-q', '--json');
  expect(t.code, t.err).toBe(0);
  runId = (JSON.parse(t.out) as Run[])[0]!.id;
}, 120_000);

afterAll(() => {
  child?.cleanup();
  reg?.cleanup();
});

describe('mlops register, killed at random points', () => {
  it('registers the run exactly once, whatever the kill left', async () => {
    const result = await killLoop({
      bundle: child.file,
      template: reg.dir,
      argv: ['register', MODEL, '--run', runId],
      now: NOW,
      kills: 30,
      seed: killSeed(1501),
      // before the commit: the re-run registers; after it: refused, naming the version made
      rerunOk: (r) =>
        r.code === 0 || (r.code === 1 && r.err.includes(`is already registered as ${MODEL} 1.1.0`)),
      done: (dir, before, why) => {
        const subjects = git(dir, 'log', '--format=%s', `${before}..main`).trim().split('\n');
        expect(subjects, why).toEqual([`Register ${MODEL} 1.1.0 from run ${runId}`]);
        expect(
          git(dir, 'ls-files', `registry/models/${MODEL}/versions`).trim().split('\n'),
          why,
        ).toEqual([
          `registry/models/${MODEL}/versions/1.0.0.yaml`,
          `registry/models/${MODEL}/versions/1.1.0.yaml`,
        ]);
      },
    });
    // the loop must have hit the command mid-work, not only before or after it
    expect(result.killedMidway).toBeGreaterThan(0);
  }, 300_000);
});
