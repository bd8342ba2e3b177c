import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../src/data/index.js';
import { resolveRef } from '../../../src/repo/index.js';
import {
  metricsPrefix,
  readRolloutSnapshot,
  startModelRollout,
  writeMetricsBucket,
} from '../../../src/rollout/index.js';
import { DEPLOYMENT, ID, MODEL, START_REASON, rolloutFixture, t0 } from './testing.js';

// Real git and a real bare origin (see testing.ts); only the forge is the local one.
const fx = rolloutFixture();

describe('rollout action', () => {
  it('starts the rollout of a candidate merged through an approved promotion, and pushes it', async () => {
    const event = await fx.mergedPromotion();
    const APPROVAL = await fx.approval();
    const r = await fx.action(event, { inputs: { token: 'test-token' } });
    expect(r.failed, r.log).toBe(false);
    expect(r.errors).toEqual([]);
    const head = fx.inOrigin('rev-parse', 'main');
    expect(fx.git('rev-parse', 'main')).toBe(head);
    expect(fx.inOrigin('rev-parse', 'main^')).toBe(event.payload.after);
    expect(JSON.parse(r.outputs.started!)).toEqual([MODEL]);
    expect(JSON.parse(r.outputs.decisions!)).toEqual([
      { model: MODEL, action: 'start', reason: `${START_REASON} (${APPROVAL})`, commit: head },
    ]);
    const d = (await readRolloutSnapshot(fx.reg.repo, head, MODEL)).deployment;
    expect(d.rollout).toMatchObject({ id: ID, step: 0, weight: 5, candidate: '1.1.0' });
    expect(d.rollout).toMatchObject({ baseline: '1.0.0', since: t0.toISOString() });
    const traffic = `registry/models/${MODEL}/traffic/`;
    expect(fx.inOrigin('ls-tree', '--name-only', 'main', traffic).split('\n')).toEqual([
      `${traffic}envoy.yaml`,
      `${traffic}nginx.conf`,
    ]);
    expect(fx.inOrigin('show', `main:${traffic}nginx.conf`)).toContain('5% candidate;');
    expect(fx.inOrigin('log', '-1', '--format=%an|%s', 'main')).toBe(
      `rollout-bot|rollout ${MODEL}: ${START_REASON}`,
    );
    expect(fx.inOrigin('log', '-1', '--format=%B', 'main')).toContain(`approval: ${APPROVAL}`);
    // the token was masked before anything could print it, and printed nowhere else
    const tokenLines = r.log.split('\n').filter((l) => l.includes('test-token'));
    expect(tokenLines).toEqual(['::add-mask::test-token']);
    expect(r.summary).toContain(`### ${MODEL}\n\n| action | reason | weight | commit |`);
    expect(r.summary).toContain(
      `| start | ${START_REASON} (${APPROVAL}) | 5 % | \`${head.slice(0, 7)}\` |`,
    );
  });

  it('refuses a candidate committed straight to main: opens the issue, fails, commits nothing', async () => {
    const before = fx.git('rev-parse', 'main');
    await fx.reg.commit(fx.version110(true), { message: 'sneak 1.1.0 in' });
    const event = fx.pushEvent(before);
    const r = await fx.action(event);
    expect(r.failed).toBe(true);
    const [error, total] = r.errors;
    const why =
      /^::error::execution-agent: (execution-agent 1\.1\.0 is not rolled out: execution-agent 1\.1\.0 reached [^\n]*without a merged promotion pull request[^\n]*); issue #1: Rollout refused: execution-agent 1\.1\.0$/.exec(
        error ?? '',
      )?.[1];
    expect(why, error).toBeDefined();
    expect(total).toBe('::error::1 of 1 rollout operation(s) failed: execution-agent');
    const issue = await fx.forge().findIssue(`Rollout refused: ${MODEL} 1.1.0`);
    expect(issue).toMatchObject({ number: 1, labels: ['rollout'] });
    expect(issue!.body).toContain(`> ${why!.replace(/^.*? is not rolled out: /, '')}`);
    expect(JSON.parse(r.outputs.started!)).toEqual([]);
    expect(JSON.parse(r.outputs.decisions!)).toEqual([
      {
        model: MODEL,
        action: 'refused',
        reason: `${why}; issue #1: Rollout refused: ${MODEL} 1.1.0`,
        commit: null,
      },
    ]);
    expect(fx.inOrigin('rev-parse', 'main')).toBe(event.payload.after);
    expect(fx.git('rev-parse', 'main')).toBe(event.payload.after);
    expect(r.summary).toContain(`### ❌ ${MODEL}`);
  });

  it('a scheduled tick rolls back a candidate erring 5× the baseline, and pushes the rollback', async () => {
    await fx.reg.commit(fx.version110(true));
    const author = { name: 'Tick', email: 'tick@example.com', timestamp: t0.getTime() / 1000 };
    // set up without a promotion: only the rollback this test is about follows, and a
    // rollback is never held up by verification
    await startModelRollout(
      {
        repo: fx.reg.repo,
        branch: 'main',
        now: t0,
        author,
        updateWorkTree: true,
        forge: fx.forge(),
        verifyStep: () => Promise.resolve({ approval: 'set up by the test' }),
      },
      MODEL,
    );
    fx.git('push', '--quiet', 'origin', 'main');
    const started = fx.git('rev-parse', 'main');
    // the example's default remote `local` is .mlops/remote in the repository
    const snap = await readRolloutSnapshot(
      fx.reg.repo,
      await resolveRef(fx.reg.repo, 'main'),
      MODEL,
    );
    const store = new LocalObjectStore(path.join(fx.reg.dir, '.mlops/remote'));
    const arm = (a: 'baseline' | 'candidate', version: string, requests: number, rate: number) => ({
      ts: new Date(t0.getTime() + 3_600_000),
      arm: a,
      version,
      requests,
      errors: Math.round(requests * rate),
      labelled: requests,
      correct: Math.round(requests * 0.93),
    });
    await writeMetricsBucket({ store, prefix: metricsPrefix(snap.policy, MODEL, ID) }, [
      arm('baseline', '1.0.0', 38_000, 0.01),
      arm('candidate', '1.1.0', 2_000, 0.05),
    ]);

    const r = await fx.action(
      { name: 'schedule' },
      { now: new Date(t0.getTime() + 2 * 3_600_000) },
    );
    expect(r.failed, r.log).toBe(false);
    const head = fx.inOrigin('rev-parse', 'main');
    expect(fx.inOrigin('rev-parse', 'main^')).toBe(started);
    const reason =
      "rollback 1.1.0 at 5 %: error rate 5 % (100 of 2000) is 5× the baseline's 1 % (380 of 38000) (limit 2×)";
    expect(JSON.parse(r.outputs.decisions!)).toEqual([
      { model: MODEL, action: 'rollback', reason, commit: head },
    ]);
    expect(JSON.parse(r.outputs.started!)).toEqual([]);
    const d = (await readRolloutSnapshot(fx.reg.repo, head, MODEL)).deployment;
    expect(d).toMatchObject({ production: '1.0.0', candidate: null, rollout: null });
    expect(d.rejected).toEqual([{ version: '1.1.0', reason, at: '2026-02-01T02:00:00.000Z' }]);
    expect(fx.inOrigin('show', `main:registry/models/${MODEL}/traffic/nginx.conf`)).toMatch(
      /default control;/,
    );
    expect(fx.inOrigin('log', '-1', '--format=%B', 'main')).toMatch(
      /Decision: rollback\nWeight: 0%/,
    );
    expect(r.summary).toContain(`| rollback | ${reason} | 0 % | \`${head.slice(0, 7)}\` |`);
    expect(r.summary).toContain(
      '| baseline | 1.0.0 | 38000 | 380 (1.00 %) | — | 93.00 % of 38000 labelled |',
    );
    expect(r.summary).toContain(
      '| candidate | 1.1.0 | 2000 | 100 (5.00 %) | — | 93.00 % of 2000 labelled |',
    );
  });

  it('a scheduled tick refuses to move a hand-written rollout block: the issue, a failure, origin unchanged', async () => {
    const files = fx.version110(true);
    files[DEPLOYMENT] = files[DEPLOYMENT]!.replace(
      'rollout: null',
      [
        'rollout:',
        `  id: ${ID}`,
        '  baseline: 1.0.0',
        '  candidate: 1.1.0',
        '  step: 3',
        '  weight: 100',
        '  since: "2026-01-01T00:00:00.000Z"',
        '  failures: 0',
      ].join('\n'),
    );
    await fx.reg.commit(files, { message: 'ship 1.1.0 at 100 %' });
    fx.git('push', '--quiet', 'origin', 'main');
    const before = fx.inOrigin('rev-parse', 'main');
    const r = await fx.action({ name: 'schedule' }, { now: new Date(t0.getTime() + 3_600_000) });
    expect(r.failed).toBe(true);
    const [decision] = JSON.parse(r.outputs.decisions!) as { action: string; reason: string }[];
    expect(decision?.action).toBe('refused');
    expect(decision?.reason).toMatch(
      /^execution-agent 1\.1\.0 is not moved \(promote refused\): .*without a merged promotion pull request.*; issue #1: Rollout refused: execution-agent 1\.1\.0$/,
    );
    expect(fx.inOrigin('rev-parse', 'main')).toBe(before);
    expect(fx.git('rev-parse', 'main')).toBe(before);
    expect(await fx.forge().findIssue(`Rollout refused: ${MODEL} 1.1.0`)).toMatchObject({
      number: 1,
    });
  });
});
