import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitPush } from './main.js';
import { MODEL, NOW, STATUS, driftFixture } from './testing.js';

// Real git and a real bare origin (see testing.ts); only the forge is the local one.
const fx = driftFixture();

const CRITICAL = 'critical drift: PSI 9.832 on pass_rate_7d (critical)';
const WARNING = 'warning drift: PSI 0.2702 on pass_rate_7d (warning)';
const TITLE = `Drift warning: ${MODEL}`;
const emptyWindow = (model: string) =>
  expect.stringMatching(
    new RegExp(
      `^::warning::${model}: not checked: no production rows of ${model} were logged in \\[2026-02-28T12:00:00\\.000Z, 2026-03-01T12:00:00\\.000Z\\) under logs/${model}/ on .*/\\.mlops/remote: nothing to compare$`,
    ),
  ) as unknown;

describe('drift action', () => {
  it('commits and pushes a critical drift status and dispatches retrain, without failing', async () => {
    await fx.logShifted(0.4);
    const before = fx.git('rev-parse', 'main');
    const r = await fx.action({ inputs: { token: 'test-token' } });
    expect(r.failed, r.log).toBe(false);
    expect(r.errors).toEqual([]);
    // every model in production is checked; the two without logs are warnings, not drift
    expect(JSON.parse(r.outputs.levels!)).toEqual({
      [MODEL]: 'critical',
      'generation-agent-dqn': null,
      'requirements-agent': null,
    });
    expect(r.warnings).toEqual([
      emptyWindow('generation-agent-dqn'),
      emptyWindow('requirements-agent'),
    ]);
    expect(JSON.parse(r.outputs.actions!)).toEqual([
      { model: MODEL, level: 'critical', action: 'retrain', dispatched: true },
    ]);

    const head = fx.inOrigin('rev-parse', 'main');
    expect(fx.git('rev-parse', 'main')).toBe(head);
    expect(fx.inOrigin('rev-parse', 'main^')).toBe(before);
    expect(fx.inOrigin('log', '-1', '--format=%an|%s', 'main')).toBe(
      `drift-bot|drift ${MODEL}: critical: ${CRITICAL}`,
    );
    expect(fx.inOrigin('log', '-1', '--format=%B', 'main')).toContain(
      'Drift-Level: critical\nAction: retrain',
    );
    const status = fx.inOrigin('show', `main:${STATUS}`);
    expect(status).toContain('level: critical\nsince: "2026-03-01T12:00:00.000Z"');
    expect(status).toContain('  - column: pass_rate_7d\n    psi: 9.83199\n    level: critical');
    expect(status).toContain('action: retrain');

    expect(await fx.forge().dispatches()).toEqual([
      {
        event_type: 'retrain',
        client_payload: {
          model: MODEL,
          reason: CRITICAL,
          trigger: 'drift',
          drift: { psi_pass_rate_7d: 9.832, dataset_drift_share: 0.3333, accuracy_drop: 0 },
        },
        at: expect.any(String) as unknown,
      },
    ]);
    expect(await fx.forge().findIssue(TITLE)).toBeNull();
    expect(r.summary).toContain(
      `### ${MODEL} 1.0.0\n\n- level changed: drift status committed (\`${head.slice(0, 7)}\`)\n- retraining dispatched (repository_dispatch \`retrain\`)`,
    );
    expect(r.summary).toContain('🚨 **Drift: critical**');
    expect(r.summary).toContain('### ⚠️ requirements-agent\n\nNot checked: no production rows');
    // the token was masked before anything could print it, and printed nowhere else
    expect(r.log.split('\n').filter((l) => l.includes('test-token'))).toEqual([
      '::add-mask::test-token',
    ]);
  });

  it('opens one drift issue on a warning, then updates it and commits nothing while the level holds', async () => {
    await fx.logShifted(0.025);
    const first = await fx.action({ inputs: { models: MODEL } });
    expect(first.failed, first.log).toBe(false);
    expect(first.warnings).toEqual([]);
    expect(JSON.parse(first.outputs.levels!)).toEqual({ [MODEL]: 'warning' });
    expect(JSON.parse(first.outputs.actions!)).toEqual([
      { model: MODEL, level: 'warning', action: 'issue', issue: 1 },
    ]);
    const pushed = fx.inOrigin('rev-parse', 'main');
    expect(fx.inOrigin('log', '-1', '--format=%s', 'main')).toBe(
      `drift ${MODEL}: warning: ${WARNING}`,
    );
    expect(fx.inOrigin('show', `main:${STATUS}`)).toContain('level: warning');
    const opened = await fx.forge().findIssue(TITLE);
    expect(opened).toMatchObject({ number: 1, labels: ['drift'] });
    expect(opened!.body).toContain(
      `**${MODEL}** has drifted to **warning** (checked 2026-03-01T12:00:00.000Z). The retraining policy asks for a retrain within 48h`,
    );

    const later = new Date(NOW.getTime() + 3_600_000);
    const second = await fx.action({ now: later, inputs: { models: MODEL } });
    expect(second.failed, second.log).toBe(false);
    expect(JSON.parse(second.outputs.actions!)).toEqual([
      { model: MODEL, level: 'warning', action: 'issue', issue: 1 },
    ]);
    expect(second.log).toContain(`${MODEL}: ${WARNING} (level unchanged; updated issue #1)`);
    expect(second.summary).toContain(
      '- level unchanged (warning): nothing committed\n- updated issue #1: retrain within 48h',
    );
    // nothing committed, so nothing pushed
    expect(fx.git('rev-parse', 'main')).toBe(pushed);
    expect(fx.inOrigin('rev-parse', 'main')).toBe(pushed);
    const updated = await fx.forge().findIssue(TITLE);
    expect(updated!.number).toBe(1);
    expect(updated!.body).toContain('(checked 2026-03-01T13:00:00.000Z)');
    // the local forge keeps one file per issue (see src/forge/local.ts): still only #1
    expect(readdirSync(path.join(fx.reg.dir, '.git/mlops/issues'))).toEqual(['1.json']);
    expect(await fx.forge().dispatches()).toEqual([]);
  });

  it('warns and commits nothing when no production rows were logged in the window', async () => {
    const before = fx.git('rev-parse', 'main');
    const r = await fx.action();
    expect(r.failed, r.log).toBe(false);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      emptyWindow(MODEL),
      emptyWindow('generation-agent-dqn'),
      emptyWindow('requirements-agent'),
    ]);
    expect(JSON.parse(r.outputs.levels!)).toEqual({
      [MODEL]: null,
      'generation-agent-dqn': null,
      'requirements-agent': null,
    });
    expect(JSON.parse(r.outputs.actions!)).toEqual([]);
    expect(fx.git('rev-parse', 'main')).toBe(before);
    expect(fx.inOrigin('rev-parse', 'main')).toBe(before);
    expect(existsSync(path.join(fx.reg.dir, STATUS))).toBe(false);
    expect(await fx.forge().dispatches()).toEqual([]);
    expect(r.summary).toContain(`### ⚠️ ${MODEL}\n\nNot checked: no production rows of ${MODEL}`);
  });

  it('fails on a window that is not a duration, before checking anything', async () => {
    await fx.logShifted(0.4);
    const r = await fx.action({ inputs: { window: '24 hours' } });
    expect(r.failed).toBe(true);
    expect(r.errors).toEqual(['::error::window: "24 hours" is not a duration (24h, 7d)']);
    expect(r.outputs).toEqual({});
    expect(await fx.forge().dispatches()).toEqual([]);
  });

  it('when origin moved before the push, fetches, checks again on top and pushes one status', async () => {
    await fx.logShifted(0.4);
    const before = fx.git('rev-parse', 'main');
    const other = path.join(path.dirname(fx.origin), 'other');
    let pushes = 0;
    const r = await fx.action({
      inputs: { models: MODEL },
      push: async (root, branch, token) => {
        if (++pushes === 1) {
          // someone else's commit lands on origin's main between the pass and its push
          execFileSync('git', ['clone', '--quiet', '--branch', 'main', fx.origin, other]);
          writeFileSync(path.join(other, 'NOTES.md'), 'a concurrent change\n');
          const inOther = (...a: string[]) =>
            execFileSync('git', ['-c', 'user.name=bo', '-c', 'user.email=bo@example.com', ...a], {
              cwd: other,
            });
          inOther('add', 'NOTES.md');
          inOther('commit', '--quiet', '-m', 'a concurrent change');
          inOther('push', '--quiet', 'origin', 'main');
        }
        return gitPush({ PATH: process.env.PATH ?? '' })(root, branch, token);
      },
    });
    expect(r.failed, r.log).toBe(false);
    expect(pushes).toBe(2);
    expect(r.log).toContain(
      'origin/main moved since this pass read it: fetching it and deciding again (pass 2 of 3)',
    );
    expect(fx.inOrigin('log', '--format=%s', `${before}..main`).split('\n')).toEqual([
      `drift ${MODEL}: critical: ${CRITICAL}`,
      'a concurrent change',
    ]);
    expect(fx.git('rev-parse', 'main')).toBe(fx.inOrigin('rev-parse', 'main'));
    // the forge is acted on once, after the last pass
    expect(await fx.forge().dispatches()).toHaveLength(1);
  });
});
