import { readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';
import { startS3rver, type S3rverHandle } from './helpers/s3rver.js';

let reg: TestRegistry;
let s3: S3rverHandle;
const at = (p: string) => join(reg.dir, p);

beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['ml-datasets'] });
  reg = await exampleRegistry();
  reg.env = s3.env;
  // the example's s3 remote, pointed at the test server
  const remotes = readFileSync(at('data/remotes.yaml'), 'utf8').replace(
    '    region: us-east-1',
    `    region: us-east-1\n    endpoint: ${s3.endpoint}\n    path_style: true`,
  );
  writeFileSync(at('data/remotes.yaml'), remotes);
  mkdirSync(at('datasets'));
  for (const [p, t] of exampleDatasets()) writeFileSync(at(p), t);
});
afterAll(async () => {
  reg?.cleanup();
  await s3?.stop();
});

describe('mlops data through S3 (a real s3rver on 127.0.0.1)', () => {
  it('round trip: add, push, lose cache and file, pull back byte-identical', async () => {
    expect((await reg.mlops('validate')).code).toBe(0);
    for (const p of exampleDatasets().keys())
      expect((await reg.mlops('data', 'add', p)).code).toBe(0);
    const push = await reg.mlops('data', 'push', '--remote', 's3');
    expect(push.err).not.toMatch(/failed|error/i);
    expect(push.out).toMatch(/^pushed 3 objects .*, 0 already there, 0 failed/);
    expect(existsSync(join(s3.directory, 'ml-datasets'))).toBe(true);
    const original = readFileSync(at('datasets/test-executions.csv'));
    rmSync(at('.mlops/cache'), { recursive: true });
    rmSync(at('datasets/test-executions.csv'));
    const status = await reg.mlops('data', 'status', '--json', 'test-executions');
    // status asks each pointer's own remote (local here), so ask S3 through pull
    expect(JSON.parse(status.out)).toMatchObject([{ worktree: 'missing', cache: 'missing' }]);
    const pull = await reg.mlops('data', 'pull', '--remote', 's3', 'test-executions');
    expect(pull.code).toBe(0);
    expect(pull.out).toMatch(/^pulled 1 object /);
    expect(readFileSync(at('datasets/test-executions.csv')).equals(original)).toBe(true);
    const verify = await reg.mlops('data', 'verify', '--remote', 's3', 'test-executions');
    expect(verify.out).toBe('2 checked: 2 ok, 0 missing, 0 corrupt\n');
  });

  it('wrong credentials give a clear message, not a stack trace', async () => {
    reg.env = { ...s3.env, AWS_ACCESS_KEY_ID: 'nobody' };
    const r = await reg.mlops('data', 'push', '--remote', 's3', 'test-executions');
    reg.env = s3.env;
    expect(r.code).toBe(1);
    expect(r.err).not.toMatch(/internal error| {4}at /);
    expect(r.err).toMatch(
      /ACCESS_DENIED: stat of s3:\/\/ml-datasets\/gitops-mlops\/files\/sha256\/17\/.*: access denied \(HTTP 403.*credentials come from AWS_ACCESS_KEY_ID/,
    );
  });
});
