/**
 * The generated nginx split in front of real servers: Debian's nginx on loopback proxies to
 * two node:http servers that answer with their arm's name. For each rollout weight the config
 * is regenerated and nginx restarted, then 20,000 users with distinct keys are sent through it.
 *
 * nginx must be installed (scripts/test-all.sh installs Debian's package): without it this
 * test fails, it does not skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxConfig } from '../src/rollout/traffic/index.js';

const ROLLOUT = 'fraud-1.3.0';
const USERS = 20_000;
const CONCURRENCY = 32;
const TOLERANCE = 1.5;

type Arm = 'control' | 'candidate';

function findNginx(): string | null {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/sbin',
  ];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return null;
}

function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server | ReturnType<typeof createNetServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  const port = await listen(probe);
  await close(probe);
  return port;
}

function armServer(arm: Arm): Server {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': arm.length });
    res.end(arm);
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

class Nginx {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly binary: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** (Re)starts nginx with the split for this weight. */
  async start(snippet: string): Promise<void> {
    await this.stop();
    const d = this.dir;
    const conf = join(d, 'nginx.conf');
    await writeFile(
      conf,
      [
        'worker_processes 1;',
        `error_log ${d}/error.log warn;`,
        'events { worker_connections 1024; }',
        'http {',
        `  access_log ${d}/access.log;`,
        `  client_body_temp_path ${d}/client_body;`,
        `  proxy_temp_path ${d}/proxy;`,
        `  fastcgi_temp_path ${d}/fastcgi;`,
        `  uwsgi_temp_path ${d}/uwsgi;`,
        `  scgi_temp_path ${d}/scgi;`,
        snippet,
        '  server {',
        `    listen 127.0.0.1:${this.port};`,
        '    keepalive_requests 100000;',
        '    location / {',
        '      proxy_http_version 1.1;',
        '      proxy_set_header Connection "";',
        '      proxy_pass http://$mlops_fraud_upstream;',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const args = ['-p', `${d}/`, '-e', `${d}/error.log`, '-c', conf];
    const child = spawn(this.binary, [...args, '-g', `daemon off; pid ${d}/nginx.pid;`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        const log = await readFile(join(d, 'error.log'), 'utf8').catch(() => '');
        throw new Error(`nginx did not start (exit ${child.exitCode}): ${stderr}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

describe('nginx split_clients from the rollout state', () => {
  const nginxBinary = findNginx();
  let dir = '';
  let control: Server;
  let candidate: Server;
  let upstreams: { control: string[]; candidate: string[] };
  let nginx: Nginx;
  let agent: Agent;

  beforeAll(async () => {
    if (!nginxBinary) {
      throw new Error(
        'nginx is not installed: this test needs the nginx binary from Debian\'s "nginx" ' +
          'package (scripts/test-all.sh installs it; or: apt-get install -y nginx)',
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'mlops-nginx-'));
    control = armServer('control');
    candidate = armServer('candidate');
    upstreams = {
      control: [`127.0.0.1:${await listen(control)}`],
      candidate: [`127.0.0.1:${await listen(candidate)}`],
    };
    nginx = new Nginx(nginxBinary, dir, await freePort());
  });

  afterAll(async () => {
    agent?.destroy();
    await nginx?.stop();
    if (control) await close(control);
    if (candidate) await close(candidate);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Regenerates the config for this weight and restarts nginx; fresh client connections. */
  async function serve(weight: number, step: number): Promise<void> {
    agent?.destroy();
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    await nginx.start(
      nginxConfig({ model: 'fraud', rolloutId: ROLLOUT, step, weight, upstreams, keepalive: 16 }),
    );
  }

  function get(key: string | null): Promise<Arm> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = key === null ? {} : { 'x-user-id': key };
      const req = request(
        { host: '127.0.0.1', port: nginx.port, path: '/predict', agent, headers },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            if (res.statusCode !== 200 || (body !== 'control' && body !== 'candidate')) {
              reject(new Error(`nginx answered ${res.statusCode}: ${body}`));
            } else {
              resolve(body);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The arm each key reached, with at most CONCURRENCY requests in flight. */
  async function arms(keys: string[]): Promise<Arm[]> {
    const out = new Array<Arm>(keys.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const i = next++;
        out[i] = await get(keys[i]!);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return out;
  }

  const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
  const sticky = Array.from({ length: 200 }, (_, i) => `sticky-${i}`);

  it('splits 20,000 users within ±1.5 points, sticky per key, and only grows the candidate', async () => {
    const started = Date.now();
    let previous: Set<string> | null = null;
    const shares: string[] = [];
    for (const [step, weight] of [5, 20, 50].entries()) {
      await serve(weight, step);
      const result = await arms(users);
      const inCandidate = new Set(users.filter((_, i) => result[i] === 'candidate'));
      const share = (100 * inCandidate.size) / USERS;
      shares.push(`${weight}% → ${share.toFixed(2)}%`);
      expect(Math.abs(share - weight), `candidate share at ${weight} %`).toBeLessThanOrEqual(
        TOLERANCE,
      );

      // the same key always reaches the same arm
      const first = await arms(sticky);
      const second = await arms(sticky);
      expect(second).toEqual(first);
      expect(await arms(users.slice(0, 500))).toEqual(result.slice(0, 500));

      // users in the candidate at the smaller weight are still in it
      if (previous) {
        const lost = [...previous].filter((u) => !inCandidate.has(u));
        expect(lost, `users who left the candidate at ${weight} %`).toEqual([]);
      }
      previous = inCandidate;

      // a request without a key, or with an empty one, reaches the control
      expect(await get(null)).toBe('control');
      expect(await get('')).toBe('control');
    }
    console.info(`nginx split: ${shares.join(', ')} in ${Date.now() - started} ms`);
  }, 120_000);

  it('sends everything to the control at 0 % and to the candidate at 100 %', async () => {
    const sample = users.slice(0, 1000);
    await serve(0, 0);
    expect(new Set(await arms(sample))).toEqual(new Set(['control']));
    expect(await get(null)).toBe('control');
    await serve(100, 3);
    expect(new Set(await arms(sample))).toEqual(new Set(['candidate']));
    expect(await get(null)).toBe('candidate');
  }, 60_000);
});
