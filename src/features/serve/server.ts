/**
 * The HTTP feature server: Feast's `POST /get-online-features` over an online store, with
 * `GET /health` and `GET /metrics` (Prometheus text) beside it. A plain node:http server, not
 * yet listening: the caller picks the address, and closes it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getOnlineFeatures, OnlineFeaturesError, type FeatureDefs } from '../online/get.js';
import type { OnlineStore } from '../types.js';
import { feastResponseJson, parseFeastRequest } from './feast.js';
import { ServerMetrics } from './metrics.js';

export interface FeatureServerOptions {
  store: OnlineStore;
  /** The loaded records; `services` resolves `feature_service` requests. */
  defs: FeatureDefs;
  /** The clock that ttl is measured against (a test passes a fixed one). */
  now: () => Date;
  /** The largest request body accepted, bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

const ROUTES: Record<string, string> = {
  '/get-online-features': 'POST',
  '/health': 'GET',
  '/metrics': 'GET',
};

/** An error answered as JSON: `{"error": {"code", "message"}}`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The store, timing each read into the metrics. */
function timedStore(store: OnlineStore, metrics: ServerMetrics): OnlineStore {
  return {
    describe: store.describe,
    write: (view, rows) => store.write(view, rows),
    // no async wrapper: one promise per read, not three (this is the hot path)
    read: (view, keys) => {
      const t0 = performance.now();
      let read: ReturnType<OnlineStore['read']>;
      try {
        read = Promise.resolve(store.read(view, keys));
      } catch (err) {
        // thrown, not rejected: still a failed read, passed on as it came
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        read = Promise.reject(err);
      }
      return read.then(
        (hits) => {
          metrics.storeRead(view, (performance.now() - t0) / 1000, true);
          return hits;
        },
        (err: unknown) => {
          metrics.storeRead(view, (performance.now() - t0) / 1000, false);
          throw err;
        },
      );
    },
    watermark: (view) => store.watermark(view),
    setWatermark: (view, ms) => store.setWatermark(view, ms),
    close: () => store.close(),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is over ${limit} bytes`));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () =>
      // one chunk (a small body, the usual case): no copy into a new buffer
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/** The request's path, without its query. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), 'application/json');

export function createFeatureServer(opts: FeatureServerOptions): Server {
  const metrics = new ServerMetrics();
  const store = timedStore(opts.store, metrics);
  const limit = opts.maxBodyBytes ?? 1 << 20;

  async function getFeatures(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req, limit);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, 'BAD_JSON', `the body is not JSON: ${(err as Error).message}`);
    }
    const request = parseFeastRequest(body, opts.defs);
    const result = await getOnlineFeatures(store, opts.defs, request, opts.now());
    send(res, 200, feastResponseJson(result), 'application/json');
  }

  async function health(res: ServerResponse): Promise<void> {
    try {
      // a round trip to the store (Redis: one HGET), so "ok" means it answers
      await opts.store.watermark('__health__');
      sendJson(res, 200, { status: 'ok', store: opts.store.describe });
    } catch (err) {
      const error = (err as Error).message;
      sendJson(res, 503, { status: 'unavailable', store: opts.store.describe, error });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const path = pathOf(req);
    const method = ROUTES[path];
    if (!method) throw new HttpError(404, 'NOT_FOUND', `no such path: ${path}`);
    if (req.method !== method) {
      res.setHeader('allow', method);
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} takes ${method}, not ${req.method}`);
    }
    if (path === '/get-online-features') await getFeatures(req, res);
    else if (path === '/health') await health(res);
    else send(res, 200, metrics.text(), 'text/plain; version=0.0.4; charset=utf-8');
    return path;
  }

  const server = createServer((req, res) => {
    const t0 = performance.now();
    handle(req, res)
      .catch((err: unknown) => {
        const e =
          err instanceof HttpError
            ? err
            : err instanceof OnlineFeaturesError
              ? new HttpError(400, err.code, err.message)
              : new HttpError(500, 'INTERNAL', (err as Error)?.message ?? String(err));
        // an unread body cannot be skipped on a kept-alive connection: close it instead
        if (e.status === 413) res.setHeader('connection', 'close');
        if (!res.headersSent)
          sendJson(res, e.status, { error: { code: e.code, message: e.message } });
        else res.destroy();
        return e.status === 404 ? 'other' : pathOf(req);
      })
      .then((path) => metrics.request(path, res.statusCode, (performance.now() - t0) / 1000))
      .catch(() => undefined);
  });
  // keep-alive: a client (or a load balancer) reuses connections for well over the default 5 s
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
