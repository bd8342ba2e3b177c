import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { exampleRegistry } from './helpers/registry.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function mlops(cwd: string, ...argv: string[]) {
  let out = '';
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (out += s),
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    now: () => new Date('2026-11-26T08:00:00Z'),
    isTTY: false,
  });
  return { code, out };
}

describe('mlops demo', () => {
  it('runs the lifecycle to the end: real training and registration, and leaves a clean repository', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mlops-demo-test-')), 'repo');
    made.push(dir);
    const r = await mlops(process.cwd(), 'demo', '--dir', dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('[12/14] The audit trail, from git alone');
    // the audit stage proves every production version's chain of custody, and so does the CLI
    expect(r.out).toMatch(
      /\[13\/14\] The chain of custody, proved[^\n]*\n(?:.*\n){2} +\$ mlops audit\n/,
    );
    expect(r.out).toMatch(/ +execution-agent: production 1\.2\.0 verified\n/);
    expect(r.out).toContain('every chain of custody on main');
    const audit = await mlops(dir, 'audit', '--json');
    expect(audit.code, audit.out).toBe(0);
    const proved = JSON.parse(audit.out) as {
      ok: boolean;
      models: { model: string; chains: { version: string; broken?: unknown }[] }[];
    };
    expect(proved.ok).toBe(true);
    expect(proved.models.map((m) => [m.model, m.chains.map((c) => c.version)])).toEqual([
      ['execution-agent', ['1.0.0', '1.2.0']],
      ['generation-agent-dqn', ['2.1.0']],
      ['requirements-agent', ['1.0.0']],
    ]);
    // it starts by validating what it imported, and ends with the dashboard and where it is
    expect(r.out).toMatch(
      /\[1\/14\][^\n]*\n.*\n.*\n +\$ mlops validate\n +\d+ files checked in \d+ ms: ok\n/,
    );
    expect(r.out).toContain(
      '[14/14] The registry dashboard: a static site built from the repository alone',
    );
    expect(r.out).toMatch(/dashboard of 3 models at [0-9a-f]{7}: 12 pages in \d+ ms\n/);
    expect(r.out.endsWith(`The dashboard: open ${join(dir, 'site', 'index.html')}\n`)).toBe(true);
    // drift in a shifted window is critical, and the retraining pipeline ends in PR #3
    expect(r.out).toMatch(/^ +pass_rate_7d +wasserstein +[\d.]+ +0\.1 +yes +[\d.]+ +critical$/m);
    expect(r.out).toMatch(
      /level critical: retrain now\n +drift status committed \([0-9a-f]{7}\)\n +retraining dispatched/,
    );
    expect(r.out).toMatch(
      /✔ collect new data: 4800 labelled rows from 24 log files added to test-executions \(9800 rows now\)/,
    );
    expect(r.out).toMatch(/✔ register: execution-agent 1\.3\.0 \(minor\)/);
    expect(r.out).toMatch(
      /Pull request #3's description cites the drift:\n +## Retrained because of drift\n/,
    );
    expect(r.out).toMatch(/\| psi_pass_rate_7d \| (\d+\.\d+) \|/);
    expect(Number(/\| psi_pass_rate_7d \| (\d+\.\d+) \|/.exec(r.out)![1])).toBeGreaterThan(0.3);
    // training went through the feature view; serving reads it back after materialization
    expect(r.out.match(/trained on 5000 rows built through its feature view/g)).toHaveLength(2);
    expect(r.out).toMatch(/test_execution_features: 250 keys with rows in \[.*\] → 250 written/);
    expect(r.out).toMatch(/^ +t0041 +0\.9704 +0\.0584 +3028$/m);
    expect(r.out).toMatch(/200: test_id="t0041" \(PRESENT\), pass_rate_7d=0\.9704 \(PRESENT\)/);
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
    const runs = [...r.out.matchAll(/run (\d{8}-\d{6}-execution-agent): accuracy ([\d.]+)/g)];
    // the leaky retrain, the fixed one, and the one after the drift
    expect(runs.map((m) => Number(m[2]))).toEqual([0.983, 0.964, 0.9694]);
    // each registration is one commit holding the run, the version and the card
    for (const [version, m] of [
      ['1.1.0', runs[0]!],
      ['1.2.0', runs[1]!],
    ] as const) {
      const registered = git(
        'log',
        '--format=%H',
        `--grep=^Register execution-agent ${version}`,
      ).trim();
      expect(git('show', '--name-only', '--format=', registered).trim().split('\n').sort()).toEqual(
        [
          `model-cards/execution-agent/${version}.md`,
          `model-cards/execution-agent/${version}.yaml`,
          `registry/models/execution-agent/versions/${version}.yaml`,
          `registry/runs/execution-agent/${m[1]}.yaml`,
        ],
      );
      expect(git('log', '-1', '--format=%an', registered).trim()).toBe('mlops-bot');
    }
    // both rollouts start after the verified approval of their pull request, against the
    // real 1.0.0 rebuilt from its run
    expect(r.out).toMatch(/approval: #1 auto-approved by policy/);
    expect(r.out).toMatch(/approval: #2 auto-approved by policy/);
    expect(r.out).toMatch(
      /Production 1\.0\.0's artifact, rebuilt from run 20260106-020000-initial .*the hash its version records/,
    );
    const decisions = (version: string) =>
      git(
        'log',
        '--format=%(trailers:key=Decision,valueonly)',
        `--grep=^rollout execution-agent: .* ${version}`,
      )
        .split('\n')
        .filter(Boolean)
        .reverse();
    // the retrain on the broken export is caught at 5 % by its accuracy on real traffic
    expect(decisions('1.1.0')).toEqual(['start', 'rollback']);
    expect(git('log', '-1', '--format=%s', '--grep=rollback 1.1.0')).toMatch(
      /^rollout execution-agent: rollback 1\.1\.0 at 5 %: accuracy 8\d\.\d % \(\d+ of \d+ labelled\) is \d+\.\d % below the baseline's 9\d\.\d %/,
    );
    // the retrain on the fixed export walks to production
    expect(decisions('1.2.0')).toEqual(['start', 'advance', 'advance', 'promote']);
    expect(git('log', '-1', '--format=%B', '--grep=promote 1.2.0')).toMatch(
      /candidate 1\.2\.0: \d+ requests, 0 errors \(0 %\), p95 [\d.]+ ms, accuracy 9\d\.\d+ %/,
    );
    const deployment = readFileSync(
      join(dir, 'registry/models/execution-agent/deployment.yaml'),
      'utf8',
    );
    expect(deployment).toMatch(/^production: 1\.2\.0$/m);
    expect(deployment).toMatch(/^archived:\n {2}- 1\.0\.0$/m);
    expect(deployment).toMatch(
      /^rejected:\n {2}- version: 1\.1\.0\n {4}reason: "rollback 1\.1\.0 at 5 %: accuracy/m,
    );
    // mid-rollout, `mlops at` names both versions and the candidate's share
    expect(r.out).toMatch(/execution-agent +1\.0\.0 +1\.2\.0 +(20|50) % \(step [12]\)/);
    expect(git('status', '--porcelain')).toBe('');
    expect((await mlops(dir, 'validate')).code).toBe(0);
  }, 120_000);

  it('--datasets-only writes the example datasets the pointers name, once', async () => {
    const reg = await exampleRegistry();
    made.push(reg.dir);
    const first = await mlops(reg.dir, 'demo', '--datasets-only');
    expect(first.out).toBe(
      'wrote datasets/test-executions.csv, datasets/test-history.csv, datasets/requirements-corpus.jsonl\n',
    );
    const bytes = readFileSync(join(reg.dir, 'datasets/test-executions.csv'));
    const pointer = readFileSync(join(reg.dir, 'data/test-executions.yaml'), 'utf8');
    expect(pointer).toContain(`hash: sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    expect((await mlops(reg.dir, 'demo', '--datasets-only')).out).toBe(
      'the example datasets are already in datasets/\n',
    );
  });
});
