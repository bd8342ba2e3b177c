/**
 * The `prometheus` metrics provider against a real Prometheus: Debian's binary on loopback
 * scrapes two node:http "serving" arms every second (baseline 1.0.0 failing 1 % of requests,
 * candidate 1.1.0 failing 10 %) while the test sends them traffic, and `mlops rollout tick`
 * in a real registry whose rollout policy names this Prometheus ticks on its windows until the
 * error-rate trigger rolls the candidate back, in a commit.
 *
 * Prometheus must be installed (scripts/test-all.sh installs Debian's package): in CI this
 * test fails without it; elsewhere it is skipped, saying why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { LocalForge } from '../src/forge/index.js';
import { resolveRef } from '../src/repo/index.js';
import {
  PROMETHEUS_DEFAULT_QUERIES,
  readRolloutSnapshot,
  startModelRollout,
  type RolloutWindow,
} from '../src/rollout/index.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

/** What `mlops rollout tick --json` prints per model. */
interface TickJson {
  action: string;
  reason: string;
  figures: Record<string, number | string>;
  window: RolloutWindow | null;
  source: string | null;
  unreachable: string | null;
  commit: string | null;
}

let reg: TestRegistry | undefined;

/** The CLI in the test registry, at a given time. */
async function mlops(at: Date, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: reg!.dir,
    env: {},
    now: () => at,
    isTTY: false,
  });
  return { code, out, err };
}

const PROMETHEUS = '/usr/bin/prometheus';
const MODEL = 'execution-agent';
const BOUNDS_MS = [10, 25, 50, 100, 250, 500];
// One cycle of request latencies, the same in both arms: p95 falls in (100, 250] ms.
const LATENCIES_MS = [
  12, 18, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 110, 140, 230,
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One arm of the serving layer: counters kept in-process, exported in the text format. */
class ArmServer {
  requests = 0;
  errors = 0;
  labelled = 0;
  correct = 0;
  buckets = BOUNDS_MS.map(() => 0);
  sumMs = 0;
  /** When Prometheus scraped this arm, and the request count it was told. */
  scrapes: { at: number; requests: number }[] = [];
  readonly server: Server = createServer((req, res) => {
    req.resume();
    this.scrapes.push({ at: Date.now(), requests: this.requests });
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(this.exposition());
  });

  constructor(
    readonly version: string,
    private readonly errorEvery: number,
  ) {}

  /** Requests answered; every `errorEvery`th fails, every 2nd is labelled, 9 in 10 of those right. */
  serve(n: number): void {
    for (let i = 0; i < n; i++) {
      this.requests++;
      if (this.requests % this.errorEvery === 0) this.errors++;
      const ms = LATENCIES_MS[this.requests % LATENCIES_MS.length]!;
      this.sumMs += ms;
      BOUNDS_MS.forEach((le, j) => {
        if (ms <= le) this.buckets[j]!++;
      });
      if (this.requests % 2 === 0 && ++this.labelled % 10 !== 0) this.correct++;
    }
  }

  private exposition(): string {
    const l = `model="${MODEL}",version="${this.version}"`;
    const counter = (name: string, v: number) => `# TYPE ${name} counter\n${name}{${l}} ${v}\n`;
    const h = 'model_request_duration_ms';
    return (
      counter('model_requests_total', this.requests) +
      counter('model_request_errors_total', this.errors) +
      counter('model_predictions_labelled_total', this.labelled) +
      counter('model_predictions_correct_total', this.correct) +
      `# TYPE ${h} histogram\n` +
      BOUNDS_MS.map((le, j) => `${h}_bucket{${l},le="${le}"} ${this.buckets[j]}\n`).join('') +
      `${h}_bucket{${l},le="+Inf"} ${this.requests}\n` +
      `${h}_sum{${l}} ${this.sumMs}\n${h}_count{${l}} ${this.requests}\n`
    );
  }

  /** Resolves on the first scrape served at or after `after` (ms since the epoch). */
  async scrapedAfter(after: number, deadline: number): Promise<{ at: number; requests: number }> {
    for (;;) {
      const s = this.scrapes.find((x) => x.at >= after);
      if (s) return s;
      if (Date.now() > deadline) throw new Error(`arm ${this.version} not scraped since ${after}`);
      await sleep(20);
    }
  }
}

async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  return port;
}

describe('prometheus metrics provider against a real Prometheus', () => {
  const installed = existsSync(PROMETHEUS);
  const baseline = new ArmServer('1.0.0', 100);
  const candidate = new ArmServer('1.1.0', 10);
  let dir = '';
  let prometheus: ChildProcess | null = null;
  let stderr = '';
  let url = '';
  let traffic: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    if (!installed) {
      // CI as scripts/test-all.sh reads it: there a missing binary is a failure, not a skip.
      if (process.env.CI === 'true' || process.env.CI === '1')
        throw new Error(
          `${PROMETHEUS} is missing: install Debian's "prometheus" package (scripts/test-all.sh does)`,
        );
      return;
    }
    dir = await mkdtemp(join(tmpdir(), 'mlops-prometheus-'));
    const targets = [await listen(baseline.server), await listen(candidate.server)];
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        ...targets.map(
          (p, i) => `  - { job_name: arm${i}, static_configs: [{ targets: ['127.0.0.1:${p}'] }] }`,
        ),
        '',
      ].join('\n'),
    );
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ];
    const child = spawn(PROMETHEUS, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    prometheus = child;
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`prometheus did not start (exit ${child.exitCode}): ${stderr}`);
      await sleep(100);
    }
  });

  afterAll(async () => {
    clearInterval(traffic);
    const child = prometheus;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    for (const s of [baseline.server, candidate.server])
      if (s.listening) await new Promise((r) => s.close(r));
    if (dir) await rm(dir, { recursive: true, force: true });
    reg?.cleanup();
  });

  it('rolls a candidate with 10× the baseline error rate back on its windows', async (ctx) => {
    if (!installed) ctx.skip(`${PROMETHEUS} is not installed (apt-get install prometheus)`);
    // A real registry whose rollout policy names this Prometheus, the candidate 1.1.0 started
    // now: every tick below is `mlops rollout tick`, reading its window through the policy.
    reg = await exampleRegistry();
    const policyText = reg.files
      .get('policies/rollout.yaml')!
      .replace('min_samples_per_arm: 1000', 'min_samples_per_arm: 50')
      .concat(
        `metrics:\n  provider: prometheus\n  url: ${url}\n  queries:\n` +
          Object.entries(PROMETHEUS_DEFAULT_QUERIES)
            .map(([k, q]) => `    ${k}: ${JSON.stringify(q)}\n`)
            .join(''),
      );
    const v = 'registry/models/execution-agent/versions';
    const deployment = 'registry/models/execution-agent/deployment.yaml';
    await reg.commit({
      'policies/rollout.yaml': policyText,
      [`${v}/1.1.0.yaml`]: reg.files
        .get(`${v}/1.0.0.yaml`)!
        .replace('version: 1.0.0', 'version: 1.1.0'),
      [deployment]: reg.files.get(deployment)!.replace('candidate: null', 'candidate: 1.1.0'),
    });
    const since = new Date(Math.floor(Date.now() / 1000) * 1000);
    const deadline = since.getTime() + 25_000;
    const author = { name: 'Tick', email: 'tick@example.com' };
    // the candidate is committed straight on main to set the rollout up: the start's
    // verification is replaced (the rollback this test ends in is never verified)
    await startModelRollout(
      {
        repo: reg.repo,
        branch: 'main',
        now: since,
        author,
        updateWorkTree: true,
        forge: new LocalForge(reg.repo, { login: 'tick' }),
        verifyStep: () => Promise.resolve({ approval: 'set up by the test' }),
      },
      MODEL,
    );
    // Traffic starts after each arm reported 0 well inside the window: the window's first
    // sample is then 0, so increase() does not extrapolate back before it.
    const zero = await Promise.all(
      [baseline, candidate].map((a) => a.scrapedAfter(since.getTime() + 1200, deadline)),
    );
    expect(zero.map((z) => z.requests)).toEqual([0, 0]);
    // 5 % of 400 requests a second to the candidate, as at the policy's first stage.
    traffic = setInterval(() => {
      baseline.serve(19);
      candidate.serve(1);
    }, 50);

    const actions: string[] = [];
    let empty = 0;
    let d: TickJson | undefined;
    let w: RolloutWindow | null = null;
    let to = 0;
    let tick = Date.now();
    while (Date.now() < deadline) {
      // A tick after both arms were scraped again (+150 ms for Prometheus to store it).
      await Promise.all([baseline, candidate].map((a) => a.scrapedAfter(tick, deadline)));
      await sleep(150);
      tick = Date.now();
      to = tick;
      const r = await mlops(new Date(to), 'rollout', 'tick', '--json');
      expect(r.code, r.err).toBe(0);
      d = (JSON.parse(r.out) as TickJson[])[0]!;
      w = d.window;
      if (w === null) empty++;
      actions.push(d.action);
      if (d.action === 'rollback') break;
    }
    clearInterval(traffic);
    console.info(`prometheus: ${actions.length} tick(s), ${d?.reason}`);

    // Every tick before held the 5 % stage on real data: none lacked metrics, none committed.
    expect(empty, d?.unreachable ?? 'windows without metrics').toBe(0);
    expect(d?.source).toBe(`prometheus ${url}`);
    expect(actions.slice(0, -1).every((a) => a === 'continue')).toBe(true);
    expect(d?.action, d?.reason).toBe('rollback');
    expect(d?.figures.triggers).toBe('error_rate');
    // the rollback is a commit: the candidate rejected with the reason, its traffic at 0 %
    const dep = (await readRolloutSnapshot(reg.repo, await resolveRef(reg.repo, 'main'), MODEL))
      .deployment;
    expect(dep).toMatchObject({ production: '1.0.0', candidate: null, rollout: null });
    expect(dep.rejected).toEqual([
      { version: '1.1.0', reason: d!.reason, at: new Date(to).toISOString() },
    ]);
    expect(d?.commit).toBe(await resolveRef(reg.repo, 'main'));
    const c = w!.candidate;
    const b = w!.baseline;
    expect(d?.reason).toMatch(/^rollback 1\.1\.0 at 5 %: error rate \d+(\.\d)? % \(/);
    expect(d?.reason).toContain(`(${c.errors} of ${c.requests}) is `);
    expect(d?.reason).toContain(`the baseline's `);
    expect(d?.reason).toContain(`(${b.errors} of ${b.requests}`);
    expect(d?.reason).toMatch(/\(limit 2×\)$/);
    expect(d?.figures.error_rate_ratio).toBeGreaterThan(2);
    expect(c.requests).toBeGreaterThanOrEqual(50);

    // requests and errors come from the same scrapes, so extrapolation scales both alike:
    // the ratio is the servers' own (every 10th / 100th request), up to rounding and the
    // factor (< 2) on the count's last unfinished tenth or hundredth.
    expect(Math.abs(c.errors - c.requests / 10)).toBeLessThanOrEqual(3);
    expect(Math.abs(b.errors - b.requests / 100)).toBeLessThanOrEqual(3);
    expect(Math.abs(c.labelled! - c.requests / 2)).toBeLessThanOrEqual(3);
    expect(Math.abs(b.correct! - 0.9 * b.labelled!)).toBeLessThanOrEqual(3);
    for (const arm of [b, c]) {
      expect(arm.latencyP95Ms).toBeGreaterThan(100);
      expect(arm.latencyP95Ms).toBeLessThanOrEqual(250);
    }

    // The counts against what the servers served: never below the last stored scrape
    // (increase() only extrapolates outwards, and not backwards past a 0); at most that
    // extrapolated from the last sample to `to` over the span since the zero sample.
    for (const [arm, got, z] of [
      [baseline, b.requests, zero[0]!],
      [candidate, c.requests, zero[1]!],
    ] as const) {
      const stored = arm.scrapes.filter((s) => s.at <= to - 100).at(-1)!;
      const upper = Math.ceil((arm.requests * (to - z.at)) / (stored.at - 50 - z.at));
      console.info(`${arm.version}: ${stored.requests} ≤ ${got} ≤ ${upper}`);
      expect(got, `${arm.version} requests`).toBeGreaterThanOrEqual(stored.requests);
      expect(got, `${arm.version} requests`).toBeLessThanOrEqual(upper);
    }
  }, 60_000);
});
