import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../test/helpers/fault-proxy.js';
import { startS3rver, type S3rverHandle } from '../../../test/helpers/s3rver.js';
import { objectKey } from './object-store.js';
import { S3ObjectStore, S3StoreError, s3StoreFromRemote, type S3StoreOptions } from './s3.js';
import { checkEndpoint, resolveS3Settings, s3ConfigFromRemote } from './s3-config.js';
import { eachLimit, MAX_PARTS, partSizeFor, ProgressMark } from './s3-multipart.js';
import { backoffDelay, isTransient } from './s3-retry.js';

const MiB = 1024 * 1024;
const FAST_RETRY = { tries: 3, baseDelayMs: 5, maxDelayMs: 20 };

let s3: S3rverHandle;
let proxy: FaultProxy;
let dir: string;
const stores: S3ObjectStore[] = [];

beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['test-bucket', 'paging-bucket'] });
  proxy = await startFaultProxy(s3.endpoint);
  dir = await mkdtemp(join(tmpdir(), 's3-store-'));
});

afterAll(async () => {
  for (const s of stores) s.destroy();
  await proxy?.stop();
  await s3?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function store(
  opts: S3StoreOptions & { bucket?: string; prefix?: string; viaProxy?: boolean } = {},
): S3ObjectStore {
  const { bucket = 'test-bucket', prefix = 'gitops-mlops', viaProxy = false, ...rest } = opts;
  const s = new S3ObjectStore(
    { bucket, prefix, endpoint: viaProxy ? proxy.endpoint : s3.endpoint },
    { env: s3.env, retry: FAST_RETRY, ...rest },
  );
  stores.push(s);
  return s;
}

let counter = 0;
/** A file of random bytes and a content-addressed-looking key for it. */
async function sample(size: number): Promise<{ file: string; key: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const file = join(dir, `src-${++counter}`);
  await writeFile(file, bytes);
  const hex = randomBytes(32).toString('hex');
  return { file, key: objectKey({ algo: 'sha256', hex }), bytes };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('S3ObjectStore on s3rver', () => {
  it('puts, stats, gets, lists and deletes an object, with progress adding up to its size', async () => {
    const s = store();
    const { file, key, bytes } = await sample(10_000);
    let up = 0;
    await s.put(key, file, bytes.length, (n) => (up += n));
    expect(up).toBe(bytes.length);
    expect(await s.stat(key)).toEqual({ size: bytes.length });
    expect(await s.stat('files/sha256/00/absent')).toBeNull();

    const out = join(dir, 'roundtrip.out');
    let down = 0;
    await s.get(key, out, (n) => (down += n));
    expect(down).toBe(bytes.length);
    expect((await readFile(out)).equals(bytes)).toBe(true);

    expect(await collect(s.list(key.slice(0, 16)))).toContainEqual({ key, size: bytes.length });
    // The store's prefix is part of the real key, and the listing strips it.
    const raw = store({ prefix: '' });
    expect(await raw.stat(`gitops-mlops/${key}`)).toEqual({ size: bytes.length });

    await s.delete(key);
    expect(await s.stat(key)).toBeNull();
    expect(await collect(s.list(key))).toEqual([]);
    await s.delete(key); // deleting what is gone is fine
    expect(s.description).toBe('s3://test-bucket/gitops-mlops');
  });

  it('skips an upload when the key already holds an object of the right size', async () => {
    const s = store({ viaProxy: true });
    const { file, key, bytes } = await sample(2_000);
    await s.put(key, file, bytes.length);
    proxy.clear();
    await s.put(key, file, bytes.length);
    expect(proxy.log.map((e) => e.method)).toEqual(['HEAD']);
  });

  it('skips the lookup when the caller knows the key is absent, and still checks the size', async () => {
    const s = store({ viaProxy: true });
    const { file, key, bytes } = await sample(2_000);
    proxy.clear();
    await s.put(key, file, bytes.length, undefined, { knownAbsent: true });
    expect(proxy.log.map((e) => e.method)).toEqual(['PUT', 'HEAD']);
    expect(await s.stat(key)).toEqual({ size: bytes.length });
  });

  it('never overwrites a key holding an object of another size', async () => {
    const s = store();
    const first = await sample(100);
    const other = await sample(200);
    await s.put(first.key, first.file, 100);
    const err = await s.put(first.key, other.file, 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3StoreError);
    expect((err as S3StoreError).code).toBe('CONFLICT');
    expect((err as Error).message).toMatch(
      /upload of s3:\/\/test-bucket\/gitops-mlops\/files\/sha256\/.* already holds an object of 100 bytes, not 200/,
    );
    const out = join(dir, 'conflict.out');
    await s.get(first.key, out);
    expect((await readFile(out)).equals(first.bytes)).toBe(true);
  });

  it('refuses a local file whose size is not the one given', async () => {
    const { file, key } = await sample(50);
    await expect(store().put(key, file, 51)).rejects.toThrow(
      /has 50 bytes, the object should have 51/,
    );
  });

  it('says which object is missing and leaves no file behind', async () => {
    const out = join(dir, 'missing.out');
    await expect(store().get('files/sha256/ff/nothing', out)).rejects.toThrow(
      'download of s3://test-bucket/gitops-mlops/files/sha256/ff/nothing (at http://127.0.0.1:',
    );
    await expect(store().get('files/sha256/ff/nothing', out)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(existsSync(out)).toBe(false);
  });

  it('lists more than 1,000 objects by following continuation tokens', async () => {
    const s = store({ bucket: 'paging-bucket', prefix: 'many' });
    const { file } = await sample(16);
    const keys = Array.from({ length: 1_050 }, (_, i) => `files/md5/${String(i).padStart(4, '0')}`);
    await eachLimit(keys, 16, (k) => s.put(k, file, 16));
    proxy.clear();
    const listed = await collect(
      store({ bucket: 'paging-bucket', prefix: 'many', viaProxy: true }).list('files/'),
    );
    expect(listed).toHaveLength(1_050);
    expect(new Set(listed.map((o) => o.key))).toEqual(new Set(keys));
    expect(listed.every((o) => o.size === 16)).toBe(true);
    const pages = proxy.log.filter((e) => e.method === 'GET' && e.url.includes('list-type=2'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.slice(1).every((e) => e.url.includes('continuation-token='))).toBe(true);
  });

  it('uploads above the threshold in parts, bounded in parallel, and the bytes arrive whole', async () => {
    const s = store({
      viaProxy: true,
      multipartThreshold: 1 * MiB,
      minPartSize: 1 * MiB,
      partConcurrency: 3,
    });
    const size = 5 * MiB + 12_345;
    const { file, key, bytes } = await sample(size);
    proxy.clear();
    let up = 0;
    await s.put(key, file, size, (n) => (up += n));
    expect(up).toBe(size);
    const parts = proxy.log.filter((e) => e.method === 'PUT' && /[?&]partNumber=\d+/.test(e.url));
    expect(parts.map((e) => Number(/partNumber=(\d+)/.exec(e.url)![1])).sort()).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(proxy.log.some((e) => e.method === 'POST' && e.url.includes('uploads'))).toBe(true);
    expect(proxy.log.some((e) => e.method === 'POST' && e.url.includes('uploadId='))).toBe(true);
    expect(proxy.log.some((e) => e.method === 'PUT' && !e.url.includes('partNumber'))).toBe(false);

    const out = join(dir, 'multipart.out');
    await s.get(key, out);
    expect((await readFile(out)).equals(bytes)).toBe(true);
    expect(await s.stat(key)).toEqual({ size });
  });

  it('names a missing bucket, on every operation', async () => {
    const s = store({ bucket: 'no-such-bucket' });
    const { file, key } = await sample(10);
    const sentence = /s3:\/\/no-such-bucket.*: bucket "no-such-bucket" does not exist/;
    await expect(s.put(key, file, 10)).rejects.toThrow(sentence);
    await expect(s.stat(key)).rejects.toThrow(sentence);
    await expect(s.get(key, join(dir, 'nb.out'))).rejects.toThrow(sentence);
    await expect(collect(s.list(''))).rejects.toThrow(sentence);
    await expect(collect(s.list(''))).rejects.toMatchObject({ code: 'NO_SUCH_BUCKET' });
  });

  it('explains bad credentials', async () => {
    const bad = new S3ObjectStore(
      { bucket: 'test-bucket', endpoint: s3.endpoint },
      { env: { AWS_ACCESS_KEY_ID: 'NOT-A-KEY', AWS_SECRET_ACCESS_KEY: 'x' }, retry: FAST_RETRY },
    );
    stores.push(bad);
    await expect(collect(bad.list(''))).rejects.toThrow(
      /list of s3:\/\/test-bucket\/ .*: the access key id is not known to the server \(credentials come from AWS_ACCESS_KEY_ID/,
    );
    await expect(bad.stat('files/md5/00/x')).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    // s3rver does not check V4 signatures; the answers S3 gives are injected instead.
    const s = store({ viaProxy: true });
    proxy.add({ fault: { kind: 'status', status: 403, code: 'SignatureDoesNotMatch' } });
    await expect(collect(s.list(''))).rejects.toThrow(
      /the secret access key does not match the access key id/,
    );
    proxy.add({ fault: { kind: 'status', status: 403, code: 'AccessDenied' } });
    await expect(s.delete('files/md5/00/x')).rejects.toThrow(
      /delete of s3:\/\/test-bucket\/gitops-mlops\/files\/md5\/00\/x .*access denied: the credentials in use may not delete here/,
    );
  });

  it('is made from the s3 remote of data/remotes.yaml with credentials from the environment only', async () => {
    const s = s3StoreFromRemote(
      {
        type: 's3',
        bucket: 'test-bucket',
        prefix: '/gitops-mlops/',
        endpoint: s3.endpoint,
        path_style: true,
      },
      s3.env,
    );
    stores.push(s);
    const { file, key } = await sample(30);
    await s.put(key, file, 30);
    expect(await store().stat(key)).toEqual({ size: 30 });
  });
});

describe('S3 configuration', () => {
  it('refuses credentials in the endpoint URL without echoing them', () => {
    for (const endpoint of [
      'https://key:secret@minio.example.com',
      'http://AKIA123@10.0.0.1:9000',
    ]) {
      let err: unknown;
      try {
        s3StoreFromRemote({ type: 's3', bucket: 'ml-datasets', endpoint }, {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(S3StoreError);
      expect((err as S3StoreError).code).toBe('CONFIG');
      expect((err as Error).message).toMatch(
        /carries credentials; remove them from the URL and set AWS_ACCESS_KEY_ID/,
      );
      expect((err as Error).message).not.toMatch(/secret|AKIA123/);
    }
    expect(() => checkEndpoint('ftp://host')).toThrow(/must be http:\/\/ or https:\/\//);
    expect(() => checkEndpoint('not a url')).toThrow(/is not a URL/);
    expect(checkEndpoint('http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
  });

  it('refuses secret-looking fields in the remote record', () => {
    const remote = {
      type: 's3',
      bucket: 'ml-datasets',
      secret_access_key: 'x',
    } as unknown as Parameters<typeof s3ConfigFromRemote>[0];
    expect(() => s3ConfigFromRemote(remote)).toThrow(
      /unknown field\(s\) secret_access_key; credentials belong in the environment/,
    );
  });

  it('takes region, endpoint and credentials from the environment passed in', () => {
    const r = resolveS3Settings(
      { bucket: 'ml-datasets', prefix: 'a/b/' },
      {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'tok',
        AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      },
    );
    expect(r).toEqual({
      bucket: 'ml-datasets',
      keyPrefix: 'a/b/',
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      pathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'tok' },
    });
    const aws = resolveS3Settings(
      { bucket: 'ml-datasets', region: 'us-west-2' },
      { AWS_PROFILE: 'ml' },
    );
    expect(aws).toEqual({
      bucket: 'ml-datasets',
      keyPrefix: '',
      region: 'us-west-2',
      pathStyle: false,
      profile: 'ml',
    });
    expect(() => resolveS3Settings({ bucket: 'b-1' }, { AWS_ACCESS_KEY_ID: 'id' })).toThrow(
      'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not',
    );
    expect(() => resolveS3Settings({ bucket: 'Bad_Bucket' }, {})).toThrow(
      /is not an S3 bucket name/,
    );
  });
});

describe('multipart arithmetic, backoff, progress', () => {
  it('parts are at least 8 MiB and never more than 10,000', () => {
    expect(partSizeFor(1024 ** 3)).toBe(8 * MiB);
    expect(partSizeFor(200 * 1024 ** 3)).toBe(21 * MiB);
    for (const size of [64 * MiB, 80 * 1024 ** 3, 78_125_000_001, 5 * 1024 ** 4]) {
      const part = partSizeFor(size);
      expect(part % MiB).toBe(0);
      expect(part).toBeGreaterThanOrEqual(8 * MiB);
      expect(Math.ceil(size / part)).toBeLessThanOrEqual(MAX_PARTS);
    }
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { tries: 8, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(300);
    expect(backoffDelay(10, policy, () => 1)).toBe(1_000);
  });

  it('retries what is transient and nothing else', () => {
    const err = (name: string, status?: number) =>
      Object.assign(new Error(name), {
        name,
        ...(status ? { $metadata: { httpStatusCode: status } } : {}),
      });
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isTransient(err('SlowDown', 503))).toBe(true);
    expect(isTransient(err('Unknown', 502))).toBe(true);
    expect(isTransient(err('TimeoutError'))).toBe(true);
    expect(isTransient(err('NoSuchBucket', 404))).toBe(false);
    expect(isTransient(err('AccessDenied', 403))).toBe(false);
    expect(isTransient(new S3StoreError('TRUNCATED', 'x'))).toBe(true);
    expect(isTransient(new S3StoreError('SIZE_MISMATCH', 'x'))).toBe(false);
  });

  it('progress never goes back and adds up once, whatever the retries', () => {
    const seen: number[] = [];
    const mark = new ProgressMark((n) => seen.push(n));
    mark.add(40);
    mark.add(20);
    mark.restart(); // a retry
    mark.add(50);
    mark.add(30);
    mark.add(20);
    expect(seen).toEqual([40, 20, 20, 20]);
    expect(seen.reduce((a, b) => a + b)).toBe(100);
  });
});
