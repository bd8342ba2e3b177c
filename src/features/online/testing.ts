/**
 * A throwaway redis-server for tests and benchmarks: Debian's binary on a free loopback port,
 * in a temp dir, with persistence off. Not part of the public surface.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function redisServerInstalled(): boolean {
  return existsSync(REDIS_SERVER);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/** Resolves true once `PING` gets `+PONG` on the port. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts redis-server and waits until it answers. Another process may take the free port
 * between the probe and the start: then it tries another, up to three times.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mlops-redis-'));
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly'];
    args.push('no', '--dir', dir, '--loglevel', 'warning');
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (c: Buffer) => (log = (log + c.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (err) => (log += String(err)));
    const deadline = Date.now() + 10_000;
    while (child.exitCode === null && Date.now() < deadline) {
      if (await pong(port)) {
        return {
          url: `redis://127.0.0.1:${port}/0`,
          port,
          async stop() {
            await stopChild(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await stopChild(child);
    lastError = `exit ${child.exitCode}: ${log}`;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start (${lastError})`);
}
