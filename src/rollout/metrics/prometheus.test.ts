import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PROMETHEUS_DEFAULT_QUERIES,
  PrometheusMetricsProvider,
  PrometheusQueryError,
  promqlTemplate,
} from './prometheus.js';

// A tiny HTTP server on loopback answering in the shapes of Prometheus's /api/v1/query.

type Answer = { status: number; body: unknown } | 'hang';
let answer: (query: string) => Answer = () => vector(null);
const seen: URLSearchParams[] = [];

const vector = (v: string | null): Answer => ({
  status: 200,
  body: {
    status: 'success',
    data: { resultType: 'vector', result: v === null ? [] : [{ metric: {}, value: [1, v] }] },
  },
});

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    seen.push(params);
    const a = answer(params.get('query') ?? '');
    if (a === 'hang') return;
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
});

const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-01T01:00:00.500Z') };
const versions = { baseline: '1.2.0', candidate: '1.3.0' };
const provider = (timeoutMs?: number, at = url) =>
  new PrometheusMetricsProvider({
    model: 'fraud',
    url: at,
    queries: PROMETHEUS_DEFAULT_QUERIES,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
const figure = (q: string) =>
  /model_(requests|request_errors|request_duration_ms|predictions_labelled|predictions_correct)/
    .exec(q)?.[1]
    ?.replace('request_', '') ?? '?';
const isCandidate = (q: string) => q.includes('version="1.3.0"');

describe('promqlTemplate', () => {
  it('escapes backslashes and quotes in string literals, and leaves label braces alone', () => {
    const q = promqlTemplate(`x{a="{model}",b='{arm}'}[{window}] + y{c=\`{version}\`}`, {
      model: 'a\\"b',
      arm: "it's",
      version: '1.0.0',
      window: '60s',
    });
    expect(q).toBe(`x{a="a\\\\\\"b",b='it\\'s'}[60s] + y{c=\`1.0.0\`}`);
  });

  it('keeps an escaped quote inside a literal from ending it', () => {
    expect(promqlTemplate('x{a="\\"{model}"}', { model: '"' })).toBe('x{a="\\"\\""}');
  });

  it('throws naming the template for an unknown placeholder', () => {
    expect(() => promqlTemplate('sum(x{model="{modle}"})', { model: 'm' })).toThrow(
      'unknown placeholder {modle} in PromQL template "sum(x{model=\\"{modle}\\"})" (known: {model})',
    );
  });

  it('refuses a value that would become PromQL outside quotes', () => {
    expect(promqlTemplate('x[{window}]', { window: '3600s' })).toBe('x[3600s]');
    expect(() => promqlTemplate('x{m={model}}', { model: 'a"} or up{' })).toThrow(
      PrometheusQueryError,
    );
    expect(() => promqlTemplate('x{m=`{model}`}', { model: 'a`b' })).toThrow(/backtick/);
  });
});

describe('PrometheusMetricsProvider', () => {
  it('evaluates each template per arm at the window end and reads the counts', async () => {
    const values: Record<string, [string, string]> = {
      requests: ['9500.4', '500.2'],
      errors: ['95.2', '520.9'],
      duration_ms: ['80.5', '82'],
      predictions_labelled: ['300', '20.6'],
      predictions_correct: ['270.4', '30'],
    };
    answer = (q) => vector(values[figure(q)]![isCandidate(q) ? 1 : 0]);
    const p = provider();
    expect(p.describe).toBe(`prometheus ${url.slice(0, -1)}`);
    expect(await p.window(range, versions)).toEqual({
      baseline: { requests: 9500, errors: 95, latencyP95Ms: 80.5, labelled: 300, correct: 270 },
      // errors clamped to requests, correct to labelled
      candidate: { requests: 500, errors: 500, latencyP95Ms: 82, labelled: 21, correct: 21 },
    });
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((s) => s.get('time')))).toEqual(new Set(['1772326800.5']));
    expect(seen.map((s) => s.get('query'))).toContain(
      'sum(increase(model_requests_total{model="fraud",version="1.3.0"}[3601s]))',
    );
  });

  it('reads an empty vector as 0 requests and a NaN or missing latency as null', async () => {
    answer = (q) => {
      if (figure(q) === 'duration_ms') return vector(isCandidate(q) ? 'NaN' : null);
      if (figure(q) === 'requests' && !isCandidate(q)) return vector('12');
      return vector(null);
    };
    expect(await provider().window(range, versions)).toEqual({
      baseline: { requests: 12, errors: 0, latencyP95Ms: null, labelled: 0, correct: 0 },
      candidate: { requests: 0, errors: 0, latencyP95Ms: null, labelled: 0, correct: 0 },
    });
  });

  it('reads a scalar result', async () => {
    answer = (q) =>
      figure(q) === 'requests'
        ? {
            status: 200,
            body: { status: 'success', data: { resultType: 'scalar', result: [1, '7'] } },
          }
        : vector(null);
    const w = await provider().window(range, versions);
    expect([w?.baseline.requests, w?.candidate.requests]).toEqual([7, 7]);
  });

  it('reads zero counts when neither arm had a request, or the range is empty: a wait, not a failure', async () => {
    answer = () => vector('0');
    const zero = { requests: 0, errors: 0, latencyP95Ms: null };
    const w = await provider().window(range, versions);
    expect([w?.baseline.requests, w?.candidate.requests, w?.candidate.errors]).toEqual([0, 0, 0]);
    expect(await provider().window({ from: range.to, to: range.to }, versions)).toEqual({
      baseline: zero,
      candidate: zero,
    });
  });

  it('throws PrometheusQueryError with the server message for a bad query (400)', async () => {
    answer = () => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected "]"' },
    });
    const err = await provider()
      .window(range, versions)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect((err as Error).message).toMatch(
      /^(requests|errors|latency_p95_ms|labelled|correct) \((baseline|candidate)\): Prometheus rejected .+ \(400\): 1:5: parse error: unexpected "\]"$/,
    );
  });

  it('throws for a matrix result, several series, a negative or infinite count', async () => {
    const cases: [Answer, RegExp][] = [
      [
        { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } },
        /returned a matrix, not a vector or scalar/,
      ],
      [
        {
          status: 200,
          body: {
            status: 'success',
            data: { resultType: 'vector', result: [{ value: [1, '1'] }, { value: [1, '2'] }] },
          },
        },
        /returned 2 series; aggregate it/,
      ],
      [vector('-3'), /is -3, not a count/],
      [vector('+Inf'), /is \+Inf, not a count/],
      [{ status: 200, body: '<html>' }, /no Prometheus JSON/],
    ];
    for (const [a, message] of cases) {
      answer = (q) => (figure(q) === 'requests' && isCandidate(q) ? a : vector('1'));
      await expect(provider().window(range, versions)).rejects.toThrow(message);
    }
    answer = (q) => (figure(q) === 'duration_ms' ? vector('+Inf') : vector('1'));
    await expect(provider().window(range, versions)).rejects.toThrow(/past the last finite/);
  });

  it('retries a 5xx once: null after two, the figures after one', async () => {
    answer = () => ({ status: 503, body: 'overloaded' });
    const p = provider();
    expect(await p.window(range, versions)).toBeNull();
    expect(p.unreachable).toMatch(/answered 503 for .+: overloaded/);
    expect(seen).toHaveLength(20);

    const failed = new Set<string>();
    answer = (q) => (failed.has(q) ? vector('5') : (failed.add(q), { status: 502, body: '' }));
    const w = await p.window(range, versions);
    expect(w?.candidate).toEqual({
      requests: 5,
      errors: 5,
      latencyP95Ms: 5,
      labelled: 5,
      correct: 5,
    });
    expect(p.unreachable).toBeNull();
  });

  it('throws at construction for a url that is not http(s)', () => {
    expect(() => provider(undefined, 'prometheus:9090')).toThrow(
      'prometheus url "prometheus:9090" is not an http(s) URL (e.g. http://prometheus:9090)',
    );
    expect(() => provider(undefined, 'not a url')).toThrow(PrometheusQueryError);
  });

  it('returns null when Prometheus refuses the connection or times out', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const p = provider(1000, `http://127.0.0.1:${port}`);
    expect(await p.window(range, versions)).toBeNull();
    expect(p.unreachable).toMatch(/unreachable for .+ECONNREFUSED/);

    answer = () => 'hang';
    const slow = provider(100);
    expect(await slow.window(range, versions)).toBeNull();
    expect(slow.unreachable).toMatch(/unreachable for .+(timeout|aborted)/i);
  });
});
