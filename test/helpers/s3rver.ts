/**
 * A real S3 server for tests and benches: s3rver in a child process on 127.0.0.1, on a free
 * port, over a temporary directory. s3rver's continuation tokens use DES, which Node 17+
 * only offers with `--openssl-legacy-provider`, hence the child process.
 *
 * @example
 * const s3 = await startS3rver({ buckets: ['test'] });
 * const store = new S3ObjectStore({ bucket: 'test', endpoint: s3.endpoint }, { env: s3.env });
 * await s3.stop();
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The credentials s3rver accepts. */
export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Where s3rver keeps the buckets. */
  directory: string;
  /** Credentials as a store factory takes them. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const LAUNCHER = `'use strict';
const [, , modulePath, directory, buckets] = process.argv;
const S3rver = require(modulePath);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: JSON.parse(buckets).map((name) => ({ name, configs: [] })),
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (err) => { console.error(err); process.exit(1); },
);
const stop = () => server.close().then(() => process.exit(0), () => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
`;

/** Starts s3rver with the given buckets; resolves once it listens. */
export async function startS3rver(
  options: { buckets?: string[]; directory?: string } = {},
): Promise<S3rverHandle> {
  const base = await mkdtemp(join(tmpdir(), 's3rver-'));
  const directory = options.directory ?? join(base, 'data');
  const launcher = join(base, 'launch-s3rver.cjs');
  await writeFile(launcher, LAUNCHER);
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      launcher,
      modulePath,
      directory,
      JSON.stringify(options.buckets ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`s3rver did not start within 20 s: ${stderr}`));
    }, 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code} before listening: ${stderr}`));
    });
  });
  child.stdout!.resume();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    env: { ...S3RVER_ENV },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      // The data directory is inside `base` unless the caller chose one.
      await rm(base, { recursive: true, force: true });
    },
  };
}
