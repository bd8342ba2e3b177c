/**
 * Online feature serving: 10 features × 1 entity per request over 10,000 materialized keys.
 *
 * 1. In-process `getOnlineFeatures` on the embedded store, 100,000 calls timed one by one:
 *    p50 and p99 (target p99 < 1 ms), beside a bare `store.read` of one key (the floor).
 * 2. The HTTP feature server under `wrk -t1 -c50 -d10s --latency` (Debian's wrk; a Lua script
 *    posts Feast's request shape for a random one of the 10,000 keys), backed by (a) the
 *    embedded store and (b) a real redis-server started here: wrk's p50 and p99 (target p99 <
 *    10 ms) and requests/s, beside the same wrk against a bare node:http server answering a
 *    constant JSON of the same size (the floor of node:http on this machine).
 *
 * The servers run in this process, wrk in its own: on a small machine they share the cores,
 * which is why wrk gets one thread. Run alone: `npx tsx bench/features-online.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedOnlineStore } from '../src/features/online/embedded.js';
import { getOnlineFeatures } from '../src/features/online/get.js';
import { RedisOnlineStore } from '../src/features/online/redis.js';
import { startRedisServer } from '../src/features/online/testing.js';
import { wideDefs } from '../src/features/online/testing-defs.js';
import { createFeatureServer } from '../src/features/serve/index.js';
import type { OnlineRow, OnlineStore } from '../src/features/types.js';
import { figure, printFigures, type Figure } from './figure.js';

const KEYS = 10_000;
const FEATURES = 10;
const CALLS = 100_000;
const WRK = '/usr/bin/wrk';
const WRK_ARGS = ['-t1', '-c50', '-d10s', '--latency'];

const NOW = Date.UTC(2025, 5, 1);
const defs = wideDefs(FEATURES);
const featureRefs = defs.views[0]!.schema.map((f) => `wide:${f.name}`);
const keyOf = (i: number) => `t${String(i).padStart(5, '0')}`;

function rows(): OnlineRow[] {
  return Array.from({ length: KEYS }, (_, i) => {
    const values: Record<string, number> = {};
    for (let f = 0; f < FEATURES; f++) values[`f${f}`] = (i * 31 + f) / 7;
    return { key: keyOf(i), values, eventTs: NOW - 3_600_000 };
  });
}

const significant = (x: number) => Number(x.toPrecision(3));
const quantile = (sorted: number[], q: number) => sorted[Math.floor((sorted.length - 1) * q)]!;

/** p50 and p99 (ms) of `fn` timed one call at a time, after a warm-up. */
async function latencies(fn: () => Promise<unknown>, calls: number): Promise<[number, number]> {
  for (let i = 0; i < 5_000; i++) await fn();
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await fn();
    times[i] = performance.now() - t;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return [quantile(sorted, 0.5), quantile(sorted, 0.99)];
}

interface WrkResult {
  p50: number;
  p99: number;
  rps: number;
  summary: string;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) throw new Error(`wrk: cannot read the latency ${text}`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
}

async function wrk(url: string, script: string): Promise<WrkResult> {
  const child = spawn(WRK, [...WRK_ARGS, '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`wrk exited ${code}: ${out}`);
  if (/Non-2xx|Socket errors/.test(out)) throw new Error(`wrk saw failed requests:\n${out}`);
  const at = (q: string) => toMs(new RegExp(`^\\s*${q}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '?');
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const summary = out.split('\n').find((l) => l.includes('requests in')) ?? '';
  return { p50: at('50'), p99: at('99'), rps, summary: summary.trim() };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

/** wrk against the feature server over `store`. */
async function serveAndLoad(store: OnlineStore, script: string): Promise<WrkResult> {
  const server = createFeatureServer({ store, defs, now: () => new Date(NOW) });
  const url = await listen(server);
  try {
    return await wrk(`${url}/get-online-features`, script);
  } finally {
    await stop(server);
  }
}

export async function run(): Promise<Figure[]> {
  if (!existsSync(WRK)) throw new Error(`${WRK} is missing: apt-get install wrk`);
  const dir = await mkdtemp(join(tmpdir(), 'mlops-bench-online-'));
  const figures: Figure[] = [];
  try {
    const script = join(dir, 'post.lua');
    await writeFile(
      script,
      [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        `local head = '{"features":${JSON.stringify(featureRefs)},"entities":{"test_id":["'`,
        'request = function()',
        `  local id = string.format("t%05d", math.random(0, ${KEYS - 1}))`,
        `  return wrk.format(nil, nil, nil, head .. id .. '"]}}')`,
        'end',
        '',
      ].join('\n'),
    );
    const data = rows();

    // 1. in process, embedded
    const embedded = await EmbeddedOnlineStore.open(dir);
    await embedded.write('wide', data);
    let i = 0;
    const [getP50, getP99] = await latencies(() => {
      const request = { features: featureRefs, entityRows: [{ test_id: keyOf(i++ % KEYS) }] };
      return getOnlineFeatures(embedded, defs, request, NOW);
    }, CALLS);
    const [readP50, readP99] = await latencies(
      () => embedded.read('wide', [keyOf(i++ % KEYS)]),
      CALLS,
    );
    const peerRead = 'store.read of 1 key';
    // figure() keeps two decimals of a millisecond; these are microseconds
    const exact = (f: Figure, ours: number, peer: number): Figure => ({
      ...f,
      ours_ms: significant(ours),
      peer_ms: significant(peer),
      ratio: significant(ours / peer),
    });
    const name = (q: string) => `in-process getOnlineFeatures ${q}, 10 × 1 (embedded)`;
    figures.push(
      exact(figure(name('p50'), getP50, peerRead, readP50), getP50, readP50),
      exact(figure(name('p99'), getP99, peerRead, readP99, 'ours < 1 ms'), getP99, readP99),
    );

    // the floor: node:http answering a constant body the size of ours, under the same wrk
    const sample = await sampleResponse(embedded);
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': sample.length });
        res.end(sample);
      });
    });
    const bareUrl = await listen(bare);
    const floor = await wrk(`${bareUrl}/get-online-features`, script).finally(() => stop(bare));
    const peerHttp = `bare node:http, ${WRK_ARGS.join(' ')}`;

    // 2a. HTTP, embedded
    const httpEmbedded = await serveAndLoad(embedded, script);
    await embedded.close();

    // 2b. HTTP, Redis
    const redis = await startRedisServer();
    let httpRedis: WrkResult;
    try {
      const store = await RedisOnlineStore.connect(redis.url, { prefix: 'bench' });
      await store.write('wide', data);
      httpRedis = await serveAndLoad(store, script).finally(() => store.close());
    } finally {
      await redis.stop();
    }

    for (const [what, r] of [
      ['bare node:http', floor],
      ['feature server, embedded', httpEmbedded],
      ['feature server, redis', httpRedis],
    ] as const)
      console.log(
        `  ${what}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps} requests/s (${r.summary})`,
      );
    console.log(
      `  in-process: getOnlineFeatures p50 ${getP50.toFixed(4)} ms, p99 ${getP99.toFixed(4)} ms over ${CALLS} calls`,
    );
    figures.push(
      figure('HTTP p50, 10 × 1 (embedded)', httpEmbedded.p50, peerHttp, floor.p50),
      figure('HTTP p99, 10 × 1 (embedded)', httpEmbedded.p99, peerHttp, floor.p99, 'ours < 10 ms'),
      figure('HTTP p50, 10 × 1 (redis)', httpRedis.p50, peerHttp, floor.p50),
      figure('HTTP p99, 10 × 1 (redis)', httpRedis.p99, peerHttp, floor.p99, 'ours < 10 ms'),
    );
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One response of the feature server, as bytes: the bare server's constant body. */
async function sampleResponse(store: OnlineStore): Promise<Buffer> {
  const server = createFeatureServer({ store, defs, now: () => new Date(NOW) });
  const url = await listen(server);
  try {
    const res = await fetch(`${url}/get-online-features`, {
      method: 'POST',
      body: JSON.stringify({ features: featureRefs, entities: { test_id: [keyOf(1)] } }),
    });
    return Buffer.from(await res.arrayBuffer());
  } finally {
    await stop(server);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
