import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../src/records/index.js';
import { resolveRef } from '../src/repo/index.js';
import {
  FileMetricsProvider,
  readRolloutSnapshot,
  startModelRollout,
  tickRollout,
  writeMetricsBucket,
  type VerifiedTarget,
} from '../src/rollout/index.js';
import { LocalForge } from '../src/forge/index.js';
import { promoteApproved, registerVersion } from './helpers/custody.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

const MODEL = 'execution-agent';
const H = 3_600_000;
const t0 = new Date('2026-02-01T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

let reg: TestRegistry;
let metricsDir: string;
afterEach(() => {
  reg.cleanup();
  rmSync(metricsDir, { recursive: true, force: true });
});

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' });
const commits = () => Number(git('rev-list', '--count', 'main').trim());

/** The example registry with 1.1.0 registered and made the candidate by its approved, merged promotion. */
async function withCandidate(): Promise<void> {
  reg = await exampleRegistry();
  metricsDir = mkdtempSync(join(tmpdir(), 'mlops-metrics-'));
  await registerVersion(reg);
  await promoteApproved(reg);
}

const target = (now: Date): VerifiedTarget => ({
  repo: reg.repo,
  branch: 'main',
  now,
  author: { name: 'Tick', email: 'tick@example.com', timestamp: now.getTime() / 1000 },
  updateWorkTree: true,
  forge: new LocalForge(reg.repo, { login: 'tick' }),
});

const tick = (now: Date) =>
  tickRollout(
    {
      ...target(now),
      metrics: (_s, state) => new FileMetricsProvider({ dir: join(metricsDir, MODEL, state.id) }),
    },
    MODEL,
  );

async function deployment(): Promise<Deployment> {
  const head = await resolveRef(reg.repo, 'main');
  return (await readRolloutSnapshot(reg.repo, head, MODEL)).deployment;
}

/** One hour of traffic for both arms at `hour`, split by the rollout's current weight. */
async function traffic(hour: number, candidate: { errorRate: number; accuracy: number }) {
  const d = await deployment();
  const state = d.rollout!;
  const dir = { dir: join(metricsDir, MODEL, state.id) };
  const total = 40_000;
  const c = Math.round((total * state.weight) / 100);
  const b = total - c;
  const ts = at(hour);
  await writeMetricsBucket(dir, [
    {
      ts,
      arm: 'baseline',
      version: state.baseline!,
      requests: b,
      errors: Math.round(b * 0.01),
      labelled: b,
      correct: Math.round(b * 0.93),
    },
    {
      ts,
      arm: 'candidate',
      version: state.candidate,
      requests: c,
      errors: Math.round(c * candidate.errorRate),
      labelled: c,
      correct: Math.round(c * candidate.accuracy),
    },
  ]);
}

describe('the rollout controller on a real repository', () => {
  it('walks a good candidate 5 → 20 → 50 → 100 %, one commit per step, and makes it production', async () => {
    await withCandidate();
    const started = await startModelRollout(target(t0), MODEL);
    expect(started).toMatchObject({ started: true, rolloutId: `${MODEL}-1.1.0-20260201T0000Z` });
    expect(started.reason).toBe('start: 1.1.0 at 5 % for 6h against baseline 1.0.0');
    expect(git('log', '-1', '--format=%B', 'main')).toMatch(
      /Model: execution-agent\nVersion: 1\.1\.0\nRollout: execution-agent-1\.1\.0-20260201T0000Z\nDecision: start\nWeight: 5%/,
    );
    const nginx = readFileSync(
      join(reg.dir, `registry/models/${MODEL}/traffic/nginx.conf`),
      'utf8',
    );
    expect(nginx).toContain('5% candidate;');
    expect((await reg.mlops('validate')).code).toBe(0);

    const good = { errorRate: 0.005, accuracy: 0.96 };
    await traffic(1, good);
    const before = commits();
    const mid = await tick(at(3));
    expect(mid.decision).toMatchObject({ action: 'continue', changed: false });
    expect(mid.commit).toBeUndefined();
    expect(commits()).toBe(before);

    const weights: number[] = [];
    for (const [trafficAt, tickAt] of [
      [2, 6],
      [7, 18],
      [19, 42],
    ] as const) {
      if (trafficAt !== 2) await traffic(trafficAt, good);
      const r = await tick(at(tickAt));
      expect(r.commit, r.decision.reason).toBeDefined();
      weights.push(r.decision.next?.weight ?? 100);
    }
    expect(weights).toEqual([20, 50, 100]);
    const d = await deployment();
    expect(d).toMatchObject({
      production: '1.1.0',
      candidate: null,
      archived: ['1.0.0'],
      rollout: null,
    });
    const last = git('log', '-1', '--format=%B', 'main');
    expect(last).toMatch(/^rollout execution-agent: promote 1\.1\.0 at 50 %: held 24h/);
    expect(last).toMatch(/analysis on accuracy: P\(candidate better\) = (1|0\.99\d*), promote/);
    expect(last).toMatch(/Stage: Production/);
    expect(
      readFileSync(join(reg.dir, `registry/models/${MODEL}/traffic/envoy.yaml`), 'utf8'),
    ).toMatch(/weight: 100/);
    expect((await reg.mlops('validate')).code).toBe(0);
    // every step was verified, and the audit proves the whole chain from the history alone
    const audit = await reg.mlops('audit', MODEL, '--json');
    expect(audit.code, audit.out).toBe(0);
    const chains = (
      JSON.parse(audit.out) as {
        models: { chains: { version: string; links: { link: string; ok: boolean }[] }[] }[];
      }
    ).models[0]!.chains;
    expect(chains.map((c) => c.version)).toEqual(['1.0.0', '1.1.0']);
    expect(chains[1]!.links.map((l) => [l.link, l.ok])).toEqual([
      ['registration', true],
      ['promotion-pr', true],
      ['approval', true],
      ['rollout', true],
      ['promotion', true],
    ]);
  });

  it('rolls a worse candidate back at the first step, naming the trigger and its figures', async () => {
    await withCandidate();
    await startModelRollout(target(t0), MODEL);
    await traffic(1, { errorRate: 0.05, accuracy: 0.93 });
    const r = await tick(at(2));
    expect(r.decision.action).toBe('rollback');
    expect(r.decision.reason).toBe(
      "rollback 1.1.0 at 5 %: error rate 5 % (100 of 2000) is 5× the baseline's 1 % (380 of 38000) (limit 2×)",
    );
    const d = await deployment();
    expect(d.candidate).toBeNull();
    expect(d.rollout).toBeNull();
    expect(d.production).toBe('1.0.0');
    expect(d.rejected).toEqual([
      { version: '1.1.0', reason: r.decision.reason, at: at(2).toISOString() },
    ]);
    expect(
      readFileSync(join(reg.dir, `registry/models/${MODEL}/traffic/nginx.conf`), 'utf8'),
    ).toMatch(/default control;/);
    expect(git('log', '-1', '--format=%B', 'main')).toMatch(
      /Decision: rollback\nWeight: 0%\nStage: Rejected/,
    );
    expect((await reg.mlops('validate')).code).toBe(0);
  });

  it('a tick killed after deciding and before committing leaves nothing; the re-run makes exactly one commit', async () => {
    await withCandidate();
    await startModelRollout(target(t0), MODEL);
    await traffic(1, { errorRate: 0.005, accuracy: 0.96 });
    const before = commits();
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/helpers/rollout-tick-child.ts',
        reg.dir,
        MODEL,
        metricsDir,
        at(6).toISOString(),
      ],
      { encoding: 'utf8' },
    );
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toBe('DECIDED advance\n');
    expect(commits()).toBe(before);
    expect(git('status', '--porcelain')).toBe('');
    const r = await tick(at(6));
    expect(r.decision.action).toBe('advance');
    expect(commits()).toBe(before + 1);
    expect((await tick(at(6.5))).commit).toBeUndefined();
    expect(commits()).toBe(before + 1);
  });

  it('two ticks racing make one step: the loser re-reads the moved branch and decides again', async () => {
    await withCandidate();
    await startModelRollout(target(t0), MODEL);
    await traffic(1, { errorRate: 0.005, accuracy: 0.96 });
    const before = commits();
    const [a, b] = await Promise.all([tick(at(6)), tick(at(6))]);
    expect([a.decision.action, b.decision.action].sort()).toEqual(['advance', 'continue']);
    expect(commits()).toBe(before + 1);
    expect((await deployment()).rollout).toMatchObject({ step: 1, weight: 20 });
  });

  it('refuses to start without a candidate, and starting twice changes nothing', async () => {
    reg = await exampleRegistry();
    metricsDir = mkdtempSync(join(tmpdir(), 'mlops-metrics-'));
    await expect(startModelRollout(target(t0), MODEL)).rejects.toMatchObject({
      code: 'NO_CANDIDATE',
    });
    reg.cleanup();
    await withCandidate();
    await startModelRollout(target(t0), MODEL);
    const before = commits();
    const again = await startModelRollout(target(at(1)), MODEL);
    expect(again).toMatchObject({ started: false });
    expect(again.reason).toMatch(/already rolling out/);
    expect(commits()).toBe(before);
  });
});
