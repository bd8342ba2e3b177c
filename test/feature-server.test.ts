/**
 * The HTTP feature server over the embedded online store, through real HTTP requests on a
 * loopback port: Feast's request and response shapes, statuses, every error, /health and
 * /metrics.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedOnlineStore } from '../src/features/online/embedded.js';
import { exampleDefs } from '../src/features/online/testing-defs.js';
import { createFeatureServer } from '../src/features/serve/index.js';
import type { OnlineStore } from '../src/features/types.js';

const NOW = Date.UTC(2025, 5, 1, 12);
const DAY = 86_400_000;
let root = '';
let store: EmbeddedOnlineStore;
let server: Server;
let url = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mlops-feature-server-'));
  store = await EmbeddedOnlineStore.open(root);
  await store.write('test_stats', [
    {
      key: 't1',
      values: { fail_rate: 0.25, runs: 40, flaky: true, owner: 'ana' },
      eventTs: NOW - 1500,
    },
    {
      key: 't2',
      values: { fail_rate: 0.5, runs: 3, flaky: false, owner: 'bo' },
      eventTs: NOW - DAY - 1,
    },
  ]);
  await store.write('repo_test_stats', [
    { key: 'repo=web&test_id=t1', values: { last_status: 'fail' }, eventTs: NOW - 60_000 },
  ]);
  server = createFeatureServer({ store, defs: exampleDefs(), now: () => new Date(NOW) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await store.close();
  await rm(root, { recursive: true, force: true });
});

const post = async (body: unknown, path = '/get-online-features') => {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    json: (await res.json()) as Record<string, unknown>,
  };
};

describe('feature server', () => {
  it('answers get-online-features in Feast shape, columns per name', async () => {
    const r = await post({
      features: ['test_stats:fail_rate', 'test_stats:flaky'],
      entities: { test_id: ['t1', 't2', 'nope'] },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json).toEqual({
      metadata: { feature_names: ['test_id', 'fail_rate', 'flaky'] },
      results: [
        {
          values: ['t1', 't2', 'nope'],
          statuses: ['PRESENT', 'PRESENT', 'PRESENT'],
          event_timestamps: [
            '1970-01-01T00:00:00Z',
            '1970-01-01T00:00:00Z',
            '1970-01-01T00:00:00Z',
          ],
        },
        {
          values: [0.25, null, null],
          statuses: ['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
          event_timestamps: [
            '2025-06-01T11:59:58.500Z',
            '2025-05-31T11:59:59.999Z',
            '1970-01-01T00:00:00Z',
          ],
        },
        {
          values: [true, null, null],
          statuses: ['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
          event_timestamps: [
            '2025-06-01T11:59:58.500Z',
            '2025-05-31T11:59:59.999Z',
            '1970-01-01T00:00:00Z',
          ],
        },
      ],
    });
  });

  it('resolves a feature service, with full feature names when asked', async () => {
    const r = await post({
      feature_service: 'flaky_model',
      entities: { test_id: ['t1'], repo: ['web'] },
      full_feature_names: true,
    });
    expect(r.status).toBe(200);
    const meta = r.json.metadata as { feature_names: string[] };
    expect(meta.feature_names).toEqual([
      'test_id',
      'repo',
      'test_stats__fail_rate',
      'test_stats__flaky',
      'repo_test_stats__last_status',
    ]);
    const results = r.json.results as { values: unknown[]; event_timestamps: string[] }[];
    expect(results.map((x) => x.values[0])).toEqual(['t1', 'web', 0.25, true, 'fail']);
    expect(results[4]!.event_timestamps).toEqual(['2025-06-01T11:59:00Z']);
  });

  const refused: [string, unknown, number, string, RegExp][] = [
    ['bad JSON', '{"features": [', 400, 'BAD_JSON', /not JSON/],
    ['a body that is not an object', '[1]', 400, 'BAD_REQUEST', /not a JSON object/],
    [
      'an unknown feature',
      { features: ['test_stats:nope'], entities: { test_id: ['t1'] } },
      400,
      'UNKNOWN_FEATURE',
      /no feature nope/,
    ],
    [
      'an unknown view',
      { features: ['nope:x'], entities: { test_id: ['t1'] } },
      400,
      'UNKNOWN_VIEW',
      /nope/,
    ],
    [
      'an offline view',
      { features: ['offline_stats:x'], entities: { test_id: ['t1'] } },
      400,
      'VIEW_NOT_ONLINE',
      /online/,
    ],
    [
      'a missing entity key',
      { features: ['repo_stats:size'], entities: { test_id: ['t1'] } },
      400,
      'MISSING_JOIN_KEY',
      /has no repo/,
    ],
    ['no entities', { features: ['test_stats:runs'] }, 400, 'BAD_REQUEST', /"entities" is missing/],
    [
      'ragged entity columns',
      { features: ['repo_test_stats:last_status'], entities: { test_id: ['t1'], repo: [] } },
      400,
      'BAD_REQUEST',
      /differ in length/,
    ],
    [
      'an unknown service',
      { feature_service: 'nope', entities: { test_id: ['t1'] } },
      400,
      'UNKNOWN_SERVICE',
      /nope/,
    ],
    [
      'a name clash',
      {
        features: ['test_stats:runs', 'repo_stats:runs'],
        entities: { test_id: ['t1'], repo: ['web'] },
      },
      400,
      'NAME_CLASH',
      /full feature names/,
    ],
    [
      'an unknown field',
      { features: ['test_stats:runs'], entities: { test_id: ['t1'] }, project: 'x' },
      400,
      'BAD_REQUEST',
      /unknown field "project"/,
    ],
  ];
  it.each(refused)(
    'answers 400 with a JSON error for %s',
    async (_what, body, status, code, message) => {
      const r = await post(body);
      expect(r.status).toBe(status);
      const error = r.json.error as { code: string; message: string };
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    },
  );

  it('answers 413 for a body over the limit', async () => {
    const r = await post({
      features: ['test_stats:runs'],
      entities: { test_id: ['x'.repeat(1 << 20)] },
    });
    expect(r.status).toBe(413);
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const wrong = await fetch(`${url}/get-online-features`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    await wrong.arrayBuffer();
    expect((await post({}, '/health')).status).toBe(405);
  });

  it('keeps connections alive', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(res.headers.get('keep-alive')).toMatch(/timeout=65/);
    await res.arrayBuffer();
  });

  it('reports health with the store, and 503 when the store fails', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'embedded .mlops/online' });
    const broken: OnlineStore = {
      describe: 'broken',
      write: () => Promise.reject(new Error('down')),
      read: () => Promise.reject(new Error('connection refused')),
      watermark: () => Promise.reject(new Error('connection refused')),
      setWatermark: () => Promise.reject(new Error('down')),
      close: () => Promise.resolve(),
    };
    const other = createFeatureServer({
      store: broken,
      defs: exampleDefs(),
      now: () => new Date(NOW),
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const h = await fetch(`${base}/health`);
      expect(h.status).toBe(503);
      expect(await h.json()).toEqual({
        status: 'unavailable',
        store: 'broken',
        error: 'connection refused',
      });
      const g = await fetch(`${base}/get-online-features`, {
        method: 'POST',
        body: JSON.stringify({ features: ['test_stats:runs'], entities: { test_id: ['t1'] } }),
      });
      expect(g.status).toBe(500);
      expect(await g.json()).toEqual({
        error: { code: 'INTERNAL', message: 'connection refused' },
      });
      const m = await (await fetch(`${base}/metrics`)).text();
      expect(m).toContain('feature_server_store_read_errors_total 1');
    } finally {
      other.closeAllConnections();
      await new Promise((r) => other.close(r));
    }
  });

  it('exports request counts, latency and store reads as Prometheus text', async () => {
    await post({ features: ['test_stats:runs'], entities: { test_id: ['t1'] } });
    await fetch(`${url}/nope/${'x'.repeat(10)}`).then((r) => r.arrayBuffer());
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const value = (line: string) => {
      const m = text.split('\n').find((l) => l.startsWith(line + ' '));
      return m === undefined ? undefined : Number(m.slice(line.length + 1));
    };
    expect(text).toContain('# TYPE feature_server_requests_total counter');
    expect(text).toContain('# TYPE feature_server_request_duration_seconds histogram');
    expect(text).toContain('# TYPE feature_server_store_read_duration_seconds histogram');
    expect(
      value('feature_server_requests_total{path="/get-online-features",code="200"}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value('feature_server_requests_total{path="/get-online-features",code="400"}'),
    ).toBeGreaterThanOrEqual(11);
    // unknown paths share one label value, so a scanner cannot grow the series without bound
    expect(value('feature_server_requests_total{path="other",code="404"}')).toBeGreaterThanOrEqual(
      2,
    );
    expect(text).not.toContain('/nope');
    const reads = value('feature_server_store_read_duration_seconds_count{view="test_stats"}');
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(
      value('feature_server_store_read_duration_seconds_bucket{view="test_stats",le="+Inf"}'),
    ).toBe(reads);
    const count = value(
      'feature_server_request_duration_seconds_count{path="/get-online-features"}',
    )!;
    expect(
      value(
        'feature_server_request_duration_seconds_bucket{path="/get-online-features",le="+Inf"}',
      ),
    ).toBe(count);
  });
});
