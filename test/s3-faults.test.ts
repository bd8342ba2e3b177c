/**
 * The S3 store against a misbehaving network: a real s3rver behind the fault proxy. Transient
 * failures are retried until the bytes arrive whole; truncated or lying answers are refused
 * with a clear error; an upload that fails or is killed halfway leaves no object.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { objectKey } from '../src/data/store/object-store.js';
import { S3ObjectStore, S3StoreError, type S3StoreOptions } from '../src/data/store/s3.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { startS3rver, type S3rverHandle } from './helpers/s3rver.js';

const MiB = 1024 * 1024;
const BUCKET = 'fault-bucket';

let s3: S3rverHandle;
let proxy: FaultProxy;
let dir: string;
const stores: S3ObjectStore[] = [];

beforeAll(async () => {
  s3 = await startS3rver({ buckets: [BUCKET] });
  proxy = await startFaultProxy(s3.endpoint);
  dir = await mkdtemp(join(tmpdir(), 's3-faults-'));
});

afterAll(async () => {
  for (const s of stores) s.destroy();
  await proxy?.stop();
  await s3?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => proxy.clear());

/** A store that goes through the proxy, with quick retries. */
function flaky(options: S3StoreOptions = {}): S3ObjectStore {
  const s = new S3ObjectStore(
    { bucket: BUCKET, prefix: 'faults', endpoint: proxy.endpoint },
    { env: s3.env, retry: { tries: 4, baseDelayMs: 5, maxDelayMs: 40 }, ...options },
  );
  stores.push(s);
  return s;
}

/** A store that talks to s3rver directly, to see what really got stored. */
function direct(): S3ObjectStore {
  const s = new S3ObjectStore(
    { bucket: BUCKET, prefix: 'faults', endpoint: s3.endpoint },
    { env: s3.env, retry: { tries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
  );
  stores.push(s);
  return s;
}

let n = 0;
async function sample(size: number) {
  const bytes = randomBytes(size);
  const file = join(dir, `src-${++n}`);
  await writeFile(file, bytes);
  return { file, bytes, key: objectKey({ algo: 'sha256', hex: randomBytes(32).toString('hex') }) };
}

/** Puts an object directly (no faults) and returns it. */
async function stored(size: number) {
  const s = await sample(size);
  await direct().put(s.key, s.file, size);
  return s;
}

const objectPath = (key: string) =>
  new RegExp(`/${BUCKET}/faults/${key.replace(/\//g, '\\/')}(\\?|$)`);
const count = (method: string, re: RegExp) =>
  proxy.log.filter((e) => e.method === method && re.test(e.url)).length;

async function storedBytes(key: string): Promise<Buffer | null> {
  if (!(await direct().stat(key))) return null;
  const out = join(dir, `check-${++n}`);
  await direct().get(key, out);
  return readFile(out);
}

describe('transient failures are retried and the bytes arrive whole', () => {
  it('an upload answered 500 once', async () => {
    const { file, key, bytes } = await sample(20_000);
    proxy.add({ method: 'PUT', path: objectPath(key), fault: { kind: 'status', status: 500 } });
    await flaky().put(key, file, bytes.length);
    expect(count('PUT', objectPath(key))).toBe(2);
    expect((await storedBytes(key))?.equals(bytes)).toBe(true);
  });

  it('a download throttled with 503 SlowDown twice', async () => {
    const { key, bytes } = await stored(20_000);
    proxy.add({
      method: 'GET',
      path: objectPath(key),
      times: 2,
      fault: { kind: 'status', status: 503 },
    });
    const out = join(dir, 'slowdown.out');
    await flaky().get(key, out);
    expect(count('GET', objectPath(key))).toBe(3);
    expect((await readFile(out)).equals(bytes)).toBe(true);
  });

  it('an upload whose connection drops mid-body', async () => {
    const { file, key, bytes } = await sample(300_000);
    proxy.add({
      method: 'PUT',
      path: objectPath(key),
      fault: { kind: 'drop-request', afterBytes: 50_000 },
    });
    await flaky().put(key, file, bytes.length);
    expect(proxy.log.find((e) => e.method === 'PUT')?.fault).toBe('drop-request');
    expect((await storedBytes(key))?.equals(bytes)).toBe(true);
  });

  it('a download whose connection drops mid-body, progress counted once', async () => {
    const { key, bytes } = await stored(300_000);
    proxy.add({
      method: 'GET',
      path: objectPath(key),
      fault: { kind: 'drop-response', afterBytes: 100_000 },
    });
    const out = join(dir, 'dropped.out');
    let progress = 0;
    await flaky().get(key, out, (b) => (progress += b));
    expect(count('GET', objectPath(key))).toBe(2);
    expect((await readFile(out)).equals(bytes)).toBe(true);
    expect(progress).toBe(bytes.length);
  });

  it('a stalled answer is timed out and asked again', async () => {
    const { key, bytes } = await stored(5_000);
    proxy.add({ method: 'GET', path: objectPath(key), fault: { kind: 'stall', ms: 2_000 } });
    const out = join(dir, 'stalled.out');
    const t = Date.now();
    await flaky({ idleTimeoutMs: 300 }).get(key, out);
    expect(Date.now() - t).toBeLessThan(1_900);
    expect((await readFile(out)).equals(bytes)).toBe(true);
  });

  it('a large download comes in ranged parts, and a part cut off is fetched again alone', async () => {
    const size = 5 * MiB + 3;
    const { key, bytes } = await stored(size);
    // The third GET is cut off halfway.
    proxy.add({ method: 'GET', path: objectPath(key), skip: 2, fault: { kind: 'drop-response' } });
    const out = join(dir, 'ranged.out');
    let progress = 0;
    await flaky({ downloadPartSize: MiB, partConcurrency: 2 }).get(
      key,
      out,
      (b) => (progress += b),
    );
    expect((await readFile(out)).equals(bytes)).toBe(true);
    expect(progress).toBe(size);
    const gets = proxy.log.filter((e) => e.method === 'GET');
    expect(gets[0]!.range).toBe(`bytes=0-${MiB - 1}`);
    expect(gets).toHaveLength(7); // 6 parts, one of them twice
    expect(new Set(gets.map((e) => e.range)).size).toBe(6);
    expect(gets.filter((e) => e.fault === 'drop-response')).toHaveLength(1);
  });

  it('an empty object', async () => {
    const { file, key } = await sample(0);
    await flaky().put(key, file, 0);
    const out = join(dir, 'empty.out');
    await flaky().get(key, out, undefined, { size: 0 });
    expect((await readFile(out)).length).toBe(0);
  });

  it('a multipart upload whose part fails once is retried part by part', async () => {
    const size = 3 * MiB + 7;
    const { file, key, bytes } = await sample(size);
    const part2 = /[?&]partNumber=2(&|$)/;
    proxy.add({ method: 'PUT', path: part2, fault: { kind: 'drop-request', afterBytes: 200_000 } });
    await flaky({ multipartThreshold: MiB, minPartSize: MiB }).put(key, file, size);
    expect(count('PUT', part2)).toBe(2);
    expect(count('PUT', /[?&]partNumber=1(&|$)/)).toBe(1);
    expect((await storedBytes(key))?.equals(bytes)).toBe(true);
  });

  it('gives up after the last try with a message that says how often and why', async () => {
    const { file, key } = await sample(1_000);
    proxy.add({
      method: 'PUT',
      path: objectPath(key),
      times: Infinity,
      fault: { kind: 'status', status: 500 },
    });
    const err = (await flaky()
      .put(key, file, 1_000)
      .catch((e: unknown) => e)) as S3StoreError;
    expect(err.code).toBe('GAVE_UP');
    expect(err.message).toMatch(
      /^upload of s3:\/\/fault-bucket\/faults\/files\/sha256\/.* failed after 4 tries; last: InternalError, HTTP 500/,
    );
    expect(count('PUT', objectPath(key))).toBe(4);
    expect(await direct().stat(key)).toBeNull();
  });
});

describe('corrupt answers are refused', () => {
  it('a body truncated under its original Content-Length', async () => {
    const { key } = await stored(1_000);
    proxy.add({
      method: 'GET',
      path: objectPath(key),
      times: Infinity,
      fault: { kind: 'truncate', keepBytes: 600 },
    });
    const out = join(dir, 'truncated.out');
    const err = (await flaky()
      .get(key, out)
      .catch((e: unknown) => e)) as S3StoreError;
    expect(err).toBeInstanceOf(S3StoreError);
    expect(err.code).toBe('TRUNCATED');
    expect(err.message).toMatch(
      /download of s3:\/\/fault-bucket\/faults\/files\/sha256\/.* failed after 4 tries/,
    );
    expect(err.message).toMatch(/the connection ended after 600 of 1000 bytes \(Content-Length\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('a Content-Length larger than the body', async () => {
    const { key } = await stored(1_000);
    proxy.add({
      method: 'GET',
      path: objectPath(key),
      times: Infinity,
      fault: { kind: 'lie-length', delta: 500 },
    });
    const out = join(dir, 'lying.out');
    const err = (await flaky()
      .get(key, out)
      .catch((e: unknown) => e)) as S3StoreError;
    expect(err.code).toBe('INCONSISTENT');
    expect(err.message).toMatch(
      /failed after 4 tries; last: .*the answer's Content-Length \(1500\) disagrees with its content \(bytes 0-999\/1000: 1000 bytes\)/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a Content-Length smaller than the object', async () => {
    const { key } = await stored(1_000);
    proxy.add({
      method: 'GET',
      path: objectPath(key),
      times: Infinity,
      fault: { kind: 'lie-length', delta: -200 },
    });
    const out = join(dir, 'short.out');
    await expect(flaky().get(key, out)).rejects.toThrow(
      /Content-Length \(800\) disagrees with its content/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('an object of another size than the caller expects', async () => {
    const { key } = await stored(1_000);
    const out = join(dir, 'other-size.out');
    const err = (await flaky()
      .get(key, out, undefined, { size: 1_200 })
      .catch((e: unknown) => e)) as S3StoreError;
    expect(err.code).toBe('SIZE_MISMATCH');
    expect(err.message).toMatch(/the server says the object has 1000 bytes, it should have 1200/);
    expect(count('GET', objectPath(key))).toBe(1); // not retried: the remote is wrong, not the link
    expect(existsSync(out)).toBe(false);
  });

  it('a truncation that happens once is retried', async () => {
    const { key, bytes } = await stored(1_000);
    proxy.add({ method: 'GET', path: objectPath(key), fault: { kind: 'truncate' } });
    const out = join(dir, 'truncated-once.out');
    await flaky().get(key, out);
    expect((await readFile(out)).equals(bytes)).toBe(true);
  });
});

describe('a failed or killed multipart upload leaves no object', () => {
  it('when a part fails for good: the upload is aborted and the error says so', async () => {
    const size = 3 * MiB;
    const { file, key } = await sample(size);
    proxy.add({
      method: 'PUT',
      path: /[?&]partNumber=2(&|$)/,
      times: Infinity,
      fault: { kind: 'drop-request' },
    });
    const err = (await flaky({ multipartThreshold: MiB, minPartSize: MiB })
      .put(key, file, size)
      .catch((e: unknown) => e)) as S3StoreError;
    expect(err).toBeInstanceOf(S3StoreError);
    expect(err.message).toMatch(
      /upload of s3:\/\/fault-bucket\/faults\/files\/sha256\/.* \(part 2 of 3\) failed after 4 tries/,
    );
    // s3rver does not implement AbortMultipartUpload; the abort is sent and its refusal reported.
    expect(count('DELETE', /[?&]uploadId=/)).toBeGreaterThanOrEqual(1);
    expect(err.message).toMatch(/could not be aborted .*lifecycle rule/);
    expect(count('POST', /[?&]uploadId=/)).toBe(0); // never completed
    expect(await direct().stat(key)).toBeNull();
  });

  it('when the uploading process is killed halfway', async () => {
    const size = 4 * MiB;
    const { file, key } = await sample(size);
    // Part 3 hangs, so the process is surely mid-upload when it is killed.
    proxy.add({
      method: 'PUT',
      path: /[?&]partNumber=3(&|$)/,
      times: Infinity,
      fault: { kind: 'stall', ms: 60_000 },
    });
    const storeModule = fileURLToPath(new URL('../src/data/store/s3.ts', import.meta.url));
    const script = `
      const { S3ObjectStore } = await import(${JSON.stringify(storeModule)});
      const store = new S3ObjectStore(
        { bucket: ${JSON.stringify(BUCKET)}, prefix: 'faults', endpoint: ${JSON.stringify(proxy.endpoint)} },
        { env: ${JSON.stringify(s3.env)}, multipartThreshold: ${MiB}, minPartSize: ${MiB}, partConcurrency: 1 },
      );
      await store.put(${JSON.stringify(key)}, ${JSON.stringify(file)}, ${size});
      console.log('finished');
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 200 && count('PUT', /[?&]partNumber=3(&|$)/) === 0; i++) await sleep(50);
    expect(count('PUT', /[?&]partNumber=3(&|$)/), output).toBe(1);
    expect(count('PUT', /[?&]partNumber=2(&|$)/)).toBe(1);
    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('finished');
    expect(await direct().stat(key)).toBeNull();
  });
});
