/**
 * The Redis online store against a real redis-server (Debian's, started here on a free
 * loopback port with persistence off): the shared store suite, then what is Redis's own — the
 * key layout, two clients racing, prefixes, and a description without credentials.
 *
 * redis-server must be installed (scripts/test-all.sh installs Debian's package): in CI this
 * test fails without it; elsewhere it is skipped, saying why.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisOnlineStore, describeRedisUrl } from '../src/features/online/redis.js';
import { onlineStoreSuite } from '../src/features/online/store-suite.js';
import {
  REDIS_SERVER,
  redisServerInstalled,
  startRedisServer,
  type RedisServer,
} from '../src/features/online/testing.js';

const installed = redisServerInstalled();
const inCI = process.env.CI === 'true' || process.env.CI === '1';
let server: RedisServer | undefined;
let admin: ReturnType<typeof createClient> | undefined;

beforeAll(async () => {
  if (!installed) {
    // CI as scripts/test-all.sh reads it: there a missing binary is a failure, not a skip.
    if (inCI)
      throw new Error(
        `${REDIS_SERVER} is missing: install Debian's "redis-server" package (scripts/test-all.sh does)`,
      );
    return;
  }
  server = await startRedisServer();
  admin = createClient({ url: server.url });
  admin.on('error', () => undefined);
  await admin.connect();
});

afterAll(async () => {
  if (admin?.isOpen) await admin.close();
  await server?.stop();
});

// Outside CI a missing redis-server skips, saying why; in CI the tests run and beforeAll fails.
const why = installed
  ? ''
  : ` (skipped: ${REDIS_SERVER} is not installed, apt-get install redis-server)`;
describe.skipIf(!installed && !inCI)(`redis online store${why}`, () => {
  onlineStoreSuite(
    'redis',
    () => RedisOnlineStore.connect(server!.url, { prefix: 'suite' }),
    async () => {
      await admin!.flushDb();
    },
  );

  it('keeps one hash per entity key per view, with JSON fields and the row times', async () => {
    const s = await RedisOnlineStore.connect(server!.url, { prefix: 'layout' });
    try {
      const values = { n: 1.5, s: 'ü', b: true, z: null, nan: NaN };
      await s.write('test_stats', [
        { key: 'repo=web&test_id=7', values, eventTs: 10, createdTs: 11 },
      ]);
      await s.setWatermark('test_stats', 99);
      expect(await admin!.hGetAll('mlops:layout:test_stats:repo=web&test_id=7')).toEqual({
        n: '1.5',
        s: '"ü"',
        b: 'true',
        z: 'null',
        nan: '{"$num":"NaN"}',
        __event_ts: '10',
        __created_ts: '11',
      });
      expect(await admin!.hGetAll('mlops:layout:__watermarks')).toEqual({ test_stats: '99' });
      await expect(
        s.write('v', [{ key: 'k', values: { __event_ts: 1 }, eventTs: 1 }]),
      ).rejects.toThrow(/reserved/);
      await expect(s.read('a:b', ['k'])).rejects.toThrow(/':'/);
    } finally {
      await s.close();
    }
  });

  it('keeps the newest row when two clients race on the same keys', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => RedisOnlineStore.connect(server!.url)));
    try {
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      // each client writes every key at many event times, in opposite orders, at once
      const batches = (order: number[], who: string) =>
        order.map((t) => keys.map((key) => ({ key, values: { t, who }, eventTs: t })));
      const up = Array.from({ length: 30 }, (_, i) => i);
      await Promise.all([
        ...batches(up, 'a').map((rows) => a!.write('race', rows)),
        ...batches([...up].reverse(), 'b').map((rows) => b!.write('race', rows)),
      ]);
      for (const hit of await a!.read('race', keys)) expect(hit?.eventTs).toBe(29);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('keeps prefixes apart', async () => {
    const [p, q] = await Promise.all(
      ['p', 'q'].map((prefix) => RedisOnlineStore.connect(server!.url, { prefix })),
    );
    try {
      await p!.write('v', [{ key: 'k', values: { x: 'p' }, eventTs: 1 }]);
      expect(await q!.read('v', ['k'])).toEqual([null]);
      expect(p!.describe).toBe(`redis 127.0.0.1:${server!.port}/0 prefix p`);
    } finally {
      await Promise.all([p!.close(), q!.close()]);
    }
  });
});

describe('redis online store description', () => {
  it('names host, port and database, never the credentials', () => {
    expect(describeRedisUrl('redis://user:s3cret@cache.internal:6380/2')).toBe(
      'redis cache.internal:6380/2',
    );
    expect(describeRedisUrl('redis://127.0.0.1')).toBe('redis 127.0.0.1:6379/0');
  });
});
