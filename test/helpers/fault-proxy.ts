/**
 * An HTTP proxy on 127.0.0.1 in front of a test S3 server that misbehaves on request: per
 * rule (method, URL regex, how many times) it answers an error status, drops the connection
 * while the request or the response body is on the wire, stalls, truncates a body while
 * keeping its Content-Length, or lies about Content-Length. Every request is logged, so a
 * test can also see what the client sent (parts, retries, aborts).
 *
 * A dropped request is never forwarded: like S3, the server never sees half an upload.
 *
 * @example
 * const proxy = await startFaultProxy(s3.endpoint);
 * proxy.add({ method: 'GET', path: /\/files\//, fault: { kind: 'status', status: 503, code: 'SlowDown' } });
 * // … a store with endpoint: proxy.endpoint …
 * expect(proxy.log.filter((e) => e.method === 'GET')).toHaveLength(2);
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type Fault =
  /** Answer this status with an S3 error document, without asking the server. */
  | { kind: 'status'; status: number; code?: string }
  /** Read this many bytes of the request body (default: half), then drop the connection. */
  | { kind: 'drop-request'; afterBytes?: number }
  /** Send the headers and this many body bytes (default: half), then drop the connection. */
  | { kind: 'drop-response'; afterBytes?: number }
  /** Hold the server's answer this long before passing it on. */
  | { kind: 'stall'; ms: number }
  /** Keep the original Content-Length but send only this many bytes (default: half), then close. */
  | { kind: 'truncate'; keepBytes?: number }
  /** Announce Content-Length + delta, send the real body, then close. */
  | { kind: 'lie-length'; delta: number };

export interface FaultRule {
  method?: string;
  /** Tested against the request URL (path and query). */
  path?: RegExp;
  /** Let this many matching requests through first; default 0. */
  skip?: number;
  /** How many requests it applies to; default 1, `Infinity` for all. */
  times?: number;
  fault: Fault;
}

export interface ProxyLogEntry {
  method: string;
  url: string;
  /** The Range header, when there was one. */
  range?: string;
  /** The status sent, when one was. */
  status?: number;
  fault?: Fault['kind'];
}

export interface FaultProxy {
  endpoint: string;
  log: ProxyLogEntry[];
  add(rule: FaultRule): void;
  /** Forgets the rules and the log. */
  clear(): void;
  stop(): Promise<void>;
}

interface LiveRule extends FaultRule {
  toSkip: number;
  left: number;
}

function errorDocument(status: number, code: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>injected by the fault proxy (HTTP ${status})</Message>` +
    '<RequestId>fault-proxy</RequestId></Error>'
  );
}

function defaultCode(status: number): string {
  if (status === 503) return 'SlowDown';
  if (status === 500) return 'InternalError';
  if (status === 429) return 'TooManyRequests';
  return 'InjectedError';
}

/** Writes a raw HTTP head on the socket with the given headers (pairs as in `rawHeaders`). */
function writeHead(socket: Socket, status: number, message: string, pairs: [string, string][]) {
  const lines = [`HTTP/1.1 ${status} ${message}`, ...pairs.map(([k, v]) => `${k}: ${v}`)];
  socket.write(lines.join('\r\n') + '\r\n\r\n');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy in front of `target` (`http://127.0.0.1:port`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const rules: LiveRule[] = [];
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();

  const match = (req: http.IncomingMessage): Fault | undefined => {
    const rule = rules.find(
      (r) =>
        r.left > 0 &&
        (!r.method || r.method === req.method) &&
        (!r.path || r.path.test(req.url ?? '')),
    );
    if (!rule) return undefined;
    if (rule.toSkip > 0) {
      rule.toSkip--;
      return undefined;
    }
    rule.left--;
    return rule.fault;
  };

  const server = http.createServer((req, res) => {
    const fault = match(req);
    const entry: ProxyLogEntry = {
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(fault ? { fault: fault.kind } : {}),
    };
    log.push(entry);
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const socket = req.socket;

    if (fault?.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const body = errorDocument(fault.status, fault.code ?? defaultCode(fault.status));
        entry.status = fault.status;
        res.writeHead(fault.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      });
      return;
    }
    if (fault?.kind === 'drop-request') {
      const declared = Number(req.headers['content-length'] ?? 0);
      const limit = fault.afterBytes ?? Math.floor(declared / 2);
      let seen = 0;
      const drop = () => socket.destroy();
      if (limit <= 0) return drop();
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen >= limit) drop();
      });
      req.on('end', drop);
      return;
    }

    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (up) => {
        void (async () => {
          const status = up.statusCode ?? 502;
          if (fault?.kind === 'stall') await sleep(fault.ms);
          if (socket.destroyed) {
            up.resume();
            return;
          }
          entry.status = status;
          if (!fault || fault.kind === 'stall') {
            res.writeHead(
              status,
              up.statusMessage || http.STATUS_CODES[status] || 'OK',
              up.rawHeaders,
            );
            res.flushHeaders(); // as the server sent them, before any body
            up.pipe(res);
            return;
          }
          // Raw modes: write the answer by hand, then close the connection.
          const body = await readAll(up);
          const pairs: [string, string][] = [];
          for (let i = 0; i + 1 < up.rawHeaders.length; i += 2) {
            const k = up.rawHeaders[i]!;
            if (/^(content-length|connection|keep-alive|transfer-encoding)$/i.test(k)) continue;
            pairs.push([k, up.rawHeaders[i + 1]!]);
          }
          pairs.push(['Connection', 'close']);
          const message = up.statusMessage ?? 'OK';
          if (fault.kind === 'lie-length') {
            pairs.push(['Content-Length', String(Math.max(0, body.length + fault.delta))]);
            writeHead(socket, status, message, pairs);
            socket.end(body);
          } else {
            pairs.push(['Content-Length', String(body.length)]);
            writeHead(socket, status, message, pairs);
            if (fault.kind === 'truncate') {
              socket.end(body.subarray(0, fault.keepBytes ?? Math.floor(body.length / 2)));
            } else {
              socket.write(body.subarray(0, fault.afterBytes ?? Math.floor(body.length / 2)), () =>
                socket.destroy(),
              );
            }
          }
        })();
      },
    );
    forward.on('error', () => socket.destroy());
    req.pipe(forward);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    add(rule) {
      rules.push({ ...rule, toSkip: rule.skip ?? 0, left: rule.times ?? 1 });
    },
    clear() {
      rules.length = 0;
      log.length = 0;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
