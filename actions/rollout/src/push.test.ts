import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitPush } from './main.js';
import { MODEL, START_REASON, rolloutFixture } from './testing.js';

// Real git and a real bare origin (see testing.ts): the push is refused as GitHub refuses it.
const fx = rolloutFixture();

describe('rollout action: pushing to a moving origin', () => {
  it('when origin moved before the push, fetches, decides again on top and pushes one step', async () => {
    const event = await fx.mergedPromotion();
    const APPROVAL = await fx.approval();
    const other = path.join(fx.scratch, 'other');
    let pushes = 0;
    let concurrent = '';
    const r = await fx.action(event, {
      push: async (root, branch, token) => {
        if (++pushes === 1) {
          // someone else's commit lands on origin's main between the pass and its push
          execFileSync('git', ['clone', '--quiet', '--branch', 'main', fx.origin, other]);
          writeFileSync(path.join(other, 'NOTES.md'), 'a concurrent change\n');
          const inOther = (...a: string[]) =>
            execFileSync('git', ['-c', 'user.name=bo', '-c', 'user.email=bo@example.com', ...a], {
              cwd: other,
              encoding: 'utf8',
            }).trim();
          inOther('add', 'NOTES.md');
          inOther('commit', '--quiet', '-m', 'a concurrent change');
          inOther('push', '--quiet', 'origin', 'main');
          concurrent = inOther('rev-parse', 'HEAD');
        }
        return gitPush({ PATH: process.env.PATH ?? '' })(root, branch, token);
      },
    });
    expect(r.failed, r.log).toBe(false);
    expect(pushes).toBe(2);
    expect(r.log).toContain(
      'origin/main moved since this pass read it: fetching it and deciding again (pass 2 of 5)',
    );
    const head = fx.inOrigin('rev-parse', 'main');
    expect(fx.git('rev-parse', 'main')).toBe(head);
    expect(fx.inOrigin('rev-parse', 'main^')).toBe(concurrent);
    const subjects = fx.inOrigin('log', '--format=%s', `${event.payload.after}..main`).split('\n');
    expect(subjects).toEqual([`rollout ${MODEL}: ${START_REASON}`, 'a concurrent change']);
    expect(JSON.parse(r.outputs.decisions!)).toEqual([
      { model: MODEL, action: 'start', reason: `${START_REASON} (${APPROVAL})`, commit: head },
    ]);
    // the reset brought the concurrent change into the work tree too
    expect(readFileSync(path.join(fx.reg.dir, 'NOTES.md'), 'utf8')).toBe('a concurrent change\n');
  });

  it('gives up after 5 passes when origin keeps moving, and never forces main', async () => {
    const event = await fx.mergedPromotion();
    let pushes = 0;
    const r = await fx.action(event, {
      push: () => {
        pushes++;
        return Promise.resolve({ pushed: false, why: '! [rejected] main -> main (fetch first)' });
      },
    });
    expect(r.failed).toBe(true);
    expect(pushes).toBe(5);
    expect(r.errors).toEqual([
      '::error::origin/main kept moving: gave up after 5 passes, nothing was pushed (! [rejected] main -> main (fetch first))',
    ]);
    // each pass was reset to origin's main and decided again: the last pass's step is the
    // only one on the local branch, and origin has none
    expect(fx.inOrigin('rev-parse', 'main')).toBe(event.payload.after);
    expect(fx.git('rev-parse', 'main^')).toBe(event.payload.after);
    expect(fx.git('log', '-1', '--format=%s', 'main')).toBe(`rollout ${MODEL}: ${START_REASON}`);
  });
});

describe('rollout action: planning and catching up', () => {
  it('plans the models with a candidate to start or a rollout to tick, and commits nothing', async () => {
    const none = await fx.action({ name: 'schedule' }, { inputs: { plan: 'true' } });
    expect(none.outputs.models).toBe('[]');
    const event = await fx.mergedPromotion();
    const before = fx.git('rev-parse', 'main');
    const r = await fx.action(event, { inputs: { plan: 'true' } });
    expect(r.failed, r.log).toBe(false);
    expect(JSON.parse(r.outputs.models!)).toEqual([MODEL]);
    expect(r.log).toContain(`${MODEL}: start`);
    expect(fx.git('rev-parse', 'main')).toBe(before);
    expect(r.outputs.decisions).toBeUndefined();
  });

  it('a scheduled run starts an approved candidate whose push run never did', async () => {
    const event = await fx.mergedPromotion();
    // the push's run was cancelled or failed: the next tick finds the candidate without a rollout
    const r = await fx.action({ name: 'schedule' }, { inputs: { models: MODEL } });
    expect(r.failed, r.log).toBe(false);
    expect(JSON.parse(r.outputs.started!)).toEqual([MODEL]);
    expect(fx.inOrigin('rev-parse', 'main^')).toBe(event.payload.after);
    expect(fx.inOrigin('log', '-1', '--format=%s', 'main')).toBe(
      `rollout ${MODEL}: ${START_REASON}`,
    );
  });
});
