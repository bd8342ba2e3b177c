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
    expect(r.out).toContain('[7/7] The audit trail, from git alone');
    const trained = /run (\d{8}-\d{6}-execution-agent): accuracy ([\d.]+)/.exec(r.out);
    expect(trained, r.out).not.toBeNull();
    expect(Number(trained![2])).toBeGreaterThanOrEqual(0.9);
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
    // the registration is one commit holding the run, the version and the card
    const registerCommit = git(
      'log',
      '--format=%H',
      '--grep=^Register execution-agent 1.1.0',
    ).trim();
    expect(
      git('show', '--name-only', '--format=', registerCommit).trim().split('\n').sort(),
    ).toEqual([
      'model-cards/execution-agent/1.1.0.md',
      'model-cards/execution-agent/1.1.0.yaml',
      'registry/models/execution-agent/versions/1.1.0.yaml',
      `registry/runs/execution-agent/${trained![1]}.yaml`,
    ]);
    expect(git('log', '-1', '--format=%an', registerCommit).trim()).toBe('Ada Example');
    // the rollout: started after the verified approval, three steps, each a commit with trailers
    expect(r.out).toMatch(/approval: #1 auto-approved by policy/);
    expect(r.out).toMatch(
      /Production 1\.0\.0's artifact, rebuilt from run 20260106-020000-initial .*the hash its version records/,
    );
    const decisions = git(
      'log',
      '--format=%(trailers:key=Decision,valueonly)',
      '--grep=^rollout execution-agent',
    )
      .split('\n')
      .filter(Boolean)
      .reverse();
    expect(decisions).toEqual(['start', 'advance', 'advance', 'promote']);
    expect(git('log', '-1', '--format=%B', '--grep=promote 1.1.0')).toMatch(
      /candidate 1\.1\.0: \d+ requests, 0 errors \(0 %\), p95 [\d.]+ ms, accuracy 9\d\.\d+ %/,
    );
    const deployment = readFileSync(
      join(dir, 'registry/models/execution-agent/deployment.yaml'),
      'utf8',
    );
    expect(deployment).toMatch(/^production: 1\.1\.0$/m);
    expect(deployment).toMatch(/^archived:\n {2}- 1\.0\.0$/m);
    // mid-rollout, `mlops at` names both versions and the candidate's share
    expect(r.out).toMatch(/execution-agent +1\.0\.0 +1\.1\.0 +(20|50) % \(step [12]\)/);
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
