import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataWorkspace } from '../src/data/index.js';
import { exampleDatasets, seededRandom } from '../src/demo/datasets.js';
import {
  EmbeddedOnlineStore,
  RedisOnlineStore,
  cell,
  getOnlineFeatures,
  historicalFeatures,
  loadFeatureDefs,
  materialize,
  selectFeatures,
  type OnlineStore,
} from '../src/features/index.js';
import {
  redisServerInstalled,
  startRedisServer,
  type RedisServer,
} from '../src/features/online/testing.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

// Offline/online consistency: right after materializing up to T, an online read at T gives
// for every entity exactly what the point-in-time join gives for an entity row at T.
const VIEW = 'test_execution_features';
const FEATURES = ['execution_time_ms', 'pass_rate_7d', 'flakiness_score'];
const DAY = 86_400_000;
let reg: TestRegistry;
let scratch: string;
let redis: RedisServer | undefined;
const inCI = process.env.CI === 'true' || process.env.CI === '1';

beforeAll(async () => {
  reg = await exampleRegistry();
  mkdirSync(join(reg.dir, 'datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(join(reg.dir, p), t);
  scratch = mkdtempSync(join(tmpdir(), 'mlops-consistency-'));
  if (redisServerInstalled() || inCI) redis = await startRedisServer();
});
afterAll(async () => {
  reg.cleanup();
  rmSync(scratch, { recursive: true, force: true });
  await redis?.stop();
});

const stores: [string, (n: number) => Promise<OnlineStore>][] = [
  ['embedded', (n) => EmbeddedOnlineStore.open(join(scratch, `embedded-${n}`))],
  ['redis', (n) => RedisOnlineStore.connect(redis!.url, { prefix: `consistency-${n}` })],
];

describe.each(stores)('offline/online consistency on the %s store', (name, open) => {
  it('online reads right after materialization equal the historical join at that time', async (ctx) => {
    if (name === 'redis' && !redis)
      ctx.skip('redis-server is not installed (apt-get install redis-server)');
    const defs = loadFeatureDefs(reg.dir);
    const selection = selectFeatures(defs, [VIEW]);
    const ws = new DataWorkspace(reg.dir, {});
    const rnd = seededRandom(name === 'redis' ? 11 : 7);
    let compared = 0;
    let present = 0;
    try {
      for (let round = 0; round < 4; round++) {
        // a time inside the data's two months, and a fresh store
        const T = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 62 * DAY);
        const store = await open(round);
        try {
          await materialize(ws, store, selection, { start: T - selection[0]!.ttlMs, end: T });
          const ids = Array.from(
            { length: 40 },
            () => `t${String(Math.floor(rnd() * 260)).padStart(4, '0')}`,
          );
          const file = join(scratch, `entities-${name}-${round}.csv`);
          const at = new Date(T).toISOString();
          writeFileSync(
            file,
            ['test_id,event_timestamp', ...ids.map((id) => `${id},${at}`)].join('\n') + '\n',
          );
          const offline = await historicalFeatures(ws, { entities: file, selection });
          const online = await getOnlineFeatures(
            store,
            defs,
            {
              features: FEATURES.map((f) => `${VIEW}:${f}`),
              entityRows: ids.map((test_id) => ({ test_id })),
            },
            T,
          );
          ids.forEach((_, i) => {
            for (const f of FEATURES) {
              const col = offline.columns.find((c) => c.name === f)!;
              const want = cell(col, i);
              expect(online.rows[i]![f], `${ids[i]} ${f} at ${at}`).toEqual(
                typeof want === 'bigint' ? Number(want) : want,
              );
              compared++;
              if (want !== null) present++;
            }
          });
        } finally {
          await store.close();
        }
      }
    } finally {
      ws.close();
    }
    // the sample covered both found and not-found entities
    expect(compared).toBe(4 * 40 * 3);
    expect(present).toBeGreaterThan(compared / 4);
    expect(present).toBeLessThan(compared);
  });
});
