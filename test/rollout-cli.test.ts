import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { LocalObjectStore, ensureToolDir } from '../src/data/index.js';
import { LocalForge } from '../src/forge/index.js';
import { writeMetricsBucket } from '../src/rollout/index.js';
import { promoteApproved } from './helpers/custody.js';
import { edit, exampleRegistry, type TestRegistry } from './helpers/registry.js';

const MODEL = 'execution-agent';
const DEPLOYMENT = `registry/models/${MODEL}/deployment.yaml`;
const VERSIONS = `registry/models/${MODEL}/versions`;
const H = 3_600_000;

let reg: TestRegistry;
afterEach(() => reg.cleanup());

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' });
const commits = () => Number(git('rev-list', '--count', 'main').trim());

/** The CLI in the repository at a given time. */
async function mlops(at: Date, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    cwd: reg.dir,
    env: { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com' },
    now: () => at,
    isTTY: false,
  });
  return { code, out, err };
}

/** 1.1.0 registered on main: 1.0.0's records, 2.8 % more accurate. */
async function registered(): Promise<void> {
  reg = await exampleRegistry();
  const card = reg.files.get(`model-cards/${MODEL}/1.0.0.yaml`)!;
  await reg.commit({
    [`${VERSIONS}/1.1.0.yaml`]: reg.files
      .get(`${VERSIONS}/1.0.0.yaml`)!
      .replace('version: 1.0.0', 'version: 1.1.0')
      .replace('accuracy: 0.938', 'accuracy: 0.964')
      .replace('1.0.0.yaml', '1.1.0.yaml')
      .replace('level: major', 'level: minor'),
    [`model-cards/${MODEL}/1.1.0.yaml`]: card.replace(/version: 1\.0\.0/, 'version: 1.1.0'),
  });
}

const t0 = new Date('2026-03-01T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

/** Buckets for both arms where the default `file` provider reads them: the local remote. */
async function traffic(rolloutId: string, hour: number, candidateErrors: number) {
  // the local remote lives in the tool's folder, which keeps itself out of git
  const store = new LocalObjectStore(join(ensureToolDir(reg.dir), 'remote'));
  const loc = { store, prefix: `metrics/${MODEL}/${rolloutId}/` };
  await writeMetricsBucket(loc, [
    { ts: at(hour), arm: 'baseline', version: '1.0.0', requests: 20_000, errors: 200 },
    { ts: at(hour), arm: 'candidate', version: '1.1.0', requests: 1_000, errors: candidateErrors },
  ]);
}

describe('mlops rollout', () => {
  it('starts a candidate merged through an approved promotion, ticks, and shows the status', async () => {
    await registered();
    await promoteApproved(reg, '1.1.0', (...a) => mlops(t0, ...a));

    const s = await mlops(at(0.5), 'rollout', 'start', MODEL, '--json');
    expect(s.code, s.err).toBe(0);
    const started = JSON.parse(s.out) as {
      started: boolean;
      rolloutId: string;
      approval: { summary: string };
    };
    expect(started).toMatchObject({
      started: true,
      rolloutId: 'execution-agent-1.1.0-20260301T0030Z',
      approval: { approved: true },
    });
    // by policy, or by qa-leads where governance asked for a review
    expect(started.approval.summary).toMatch(/^#1 (auto-)?approved by /);
    expect(git('log', '-1', '--format=%s').trim()).toBe(
      'rollout execution-agent: start: 1.1.0 at 5 % for 6h against baseline 1.0.0',
    );

    await traffic(started.rolloutId, 1, 6);
    const status = await mlops(at(2), 'rollout', 'status');
    expect(status.code, status.err).toBe(0);
    expect(status.out).toBe(
      [
        'execution-agent: hold 5 % for 4h 30m more (until 2026-03-01T06:30:00.000Z)',
        '  rollout execution-agent-1.1.0-20260301T0030Z: step 0, 5 % to 1.1.0 since 2026-03-01T00:30:00.000Z (hold ends 2026-03-01T06:30:00.000Z)',
        '  baseline 1.0.0: 20000 requests, 1.00 % errors, p95 -',
        '  candidate 1.1.0: 1000 requests, 0.60 % errors, p95 -',
        '',
      ].join('\n'),
    );

    const before = commits();
    const t = await mlops(at(6.5), 'rollout', 'tick', '--json');
    expect(t.code, t.err).toBe(0);
    const [tick] = JSON.parse(t.out) as {
      action: string;
      commit: string;
      rollout: { weight: number };
    }[];
    expect(tick).toMatchObject({ action: 'advance', rollout: { weight: 20 } });
    expect(commits()).toBe(before + 1);
    expect(git('rev-parse', 'main').trim()).toBe(tick!.commit);
    // the work tree follows main: the traffic split on disk is the committed one
    expect(
      readFileSync(join(reg.dir, `registry/models/${MODEL}/traffic/nginx.conf`), 'utf8'),
    ).toContain('20% candidate;');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('refuses a candidate that reached main without a promotion, and opens one issue', async () => {
    await registered();
    await reg.commit({
      [DEPLOYMENT]: edit(reg.files.get(DEPLOYMENT), 'candidate: null', 'candidate: 1.1.0'),
    });
    const before = commits();
    const r = await mlops(t0, 'rollout', 'start', MODEL);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^mlops: execution-agent 1\.1\.0 is not rolled out: execution-agent 1\.1\.0 reached [^\n]*without a merged promotion pull request[^\n]*\n {2}issue #1: Rollout refused: execution-agent 1\.1\.0\n$/,
    );
    expect(commits()).toBe(before);
    const again = await mlops(at(1), 'rollout', 'start', MODEL);
    expect(again.code).toBe(1);
    const forge = new LocalForge(reg.repo, { login: 'ada' });
    const issue = await forge.findIssue('Rollout refused: execution-agent 1.1.0');
    expect(issue?.number).toBe(1);
    expect(issue?.body).toContain('without a merged promotion pull request');
    expect(await forge.findIssue('Rollout refused: execution-agent 1.1.0 ')).toBeNull();
  });

  it('aborts by hand: the candidate is rejected with the reason and its traffic goes to 0 %', async () => {
    await registered();
    await promoteApproved(reg, '1.1.0', (...a) => mlops(t0, ...a));
    expect((await mlops(at(1), 'rollout', 'start', MODEL)).code).toBe(0);
    const r = await mlops(at(2), 'rollout', 'abort', MODEL, '--reason', 'labels were wrong');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^execution-agent: abort 1\.1\.0 at 5 %: labels were wrong \(committed [0-9a-f]{7}\)\n$/,
    );
    const d = readFileSync(join(reg.dir, DEPLOYMENT), 'utf8');
    expect(d).toMatch(/^candidate: null$/m);
    expect(d).toMatch(/^rollout: null$/m);
    expect(d).toContain('reason: "abort 1.1.0 at 5 %: labels were wrong"');
    expect(
      readFileSync(join(reg.dir, `registry/models/${MODEL}/traffic/nginx.conf`), 'utf8'),
    ).toMatch(/default control;/);
    expect((await mlops(at(3), 'rollout', 'abort', MODEL, '--reason', 'again')).out).toBe(
      'execution-agent: no rollout in progress\n',
    );
    expect((await mlops(at(3), 'validate')).code).toBe(0);
  });

  it('stops on a malformed metrics file, naming it by line, and commits nothing', async () => {
    await registered();
    await promoteApproved(reg, '1.1.0', (...a) => mlops(t0, ...a));
    const s = JSON.parse((await mlops(at(1), 'rollout', 'start', MODEL, '--json')).out) as {
      rolloutId: string;
    };
    await traffic(s.rolloutId, 2, 5);
    const store = new LocalObjectStore(join(reg.dir, '.mlops/remote'));
    const bad = { store, prefix: `metrics/${MODEL}/${s.rolloutId}/` };
    await writeMetricsBucket(bad, {
      ts: at(3),
      arm: 'candidate',
      version: '1.1.0',
      requests: 5,
      errors: 0,
    });
    // a replica that wrote half a line
    const key = `metrics/${MODEL}/${s.rolloutId}/zz-broken.jsonl`;
    const file = join(reg.dir, '.mlops', 'broken.jsonl');
    const half = '{"ts": "2026-03-01T04:00:00Z", "arm": "cand';
    writeFileSync(file, half);
    await store.put(key, file, half.length);
    const before = commits();
    const r = await mlops(at(7), 'rollout', 'tick');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /1 problem\(s\) in the metrics files:\n {2}metrics\/execution-agent\/.*\/zz-broken\.jsonl:1: /,
    );
    expect(commits()).toBe(before);
  });

  it('names what is wrong with its arguments', async () => {
    reg = await exampleRegistry();
    const none = await mlops(t0, 'rollout', 'start', 'no-such-model');
    expect(none.code).toBe(2);
    expect(none.err).toBe(
      'mlops: no model "no-such-model" to roll out: no registry/models/no-such-model/deployment.yaml\n',
    );
    const noCandidate = await mlops(t0, 'rollout', 'start', MODEL);
    expect(noCandidate.err).toBe('mlops: execution-agent has no candidate to roll out\n');
    expect((await mlops(t0, 'rollout', 'abort', MODEL)).err).toMatch(
      /required option '--reason <text>'/,
    );
    expect((await mlops(t0, 'rollout', 'tick')).out).toBe('no rollout in progress\n');
  });
});
