import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDatasets } from '../src/demo/datasets.js';
import { exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
const at = (p: string) => join(reg.dir, p);
const read = (p: string) => readFileSync(at(p), 'utf8');
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const remoteObject = (hash: string) =>
  at(`.mlops/remote/files/sha256/${hash.slice(0, 2)}/${hash.slice(2)}`);

beforeAll(async () => {
  reg = await exampleRegistry();
  mkdirSync(at('datasets'));
  // written "long ago", so the stat cache may vouch for them (a file changed within the
  // last 2 s is always re-hashed, as git treats racily clean files)
  const past = new Date(Date.now() - 60_000);
  for (const [p, t] of exampleDatasets()) {
    writeFileSync(at(p), t);
    utimesSync(at(p), past, past);
  }
});
afterAll(() => reg.cleanup());

describe('mlops data: add, push, pull through the local remote', () => {
  it('add writes the pointer the example ships (the same bytes hash the same) and git-ignores the file', async () => {
    const before = read('data/test-executions.yaml');
    const r = await reg.mlops('data', 'add', 'datasets/test-executions.csv');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^datasets\/test-executions\.csv → data\/test-executions\.yaml \(up to date\): sha256:17151a6748c1…, 296\.9 KiB, 1 file \(1 hashed, 0 known from the stat cache\)/,
    );
    expect(read('data/test-executions.yaml')).toBe(before);
    expect(read('.gitignore').split('\n')).toContain('/datasets/test-executions.csv');
    const again = await reg.mlops('data', 'add', 'datasets/test-executions.csv', '--json');
    expect(JSON.parse(again.out)).toMatchObject({ hashed: 0, fromStatCache: 1 });
  });

  it('a new dataset gets a new pointer with rows and columns', async () => {
    writeFileSync(at('datasets/small.csv'), 'id,score\na,1.5\nb,\nc,3\n');
    const r = await reg.mlops('data', 'add', 'datasets/small.csv', '--name', 'small');
    expect(r.code).toBe(0);
    const text = read('data/small.yaml');
    expect(text).toContain(`hash: sha256:${sha256('id,score\na,1.5\nb,\nc,3\n')}`);
    expect(text).toMatch(
      /rows: 3\ncolumns:\n {2}- name: id\n {4}type: string\n {2}- name: score\n {4}type: float64\n/,
    );
    expect((await reg.mlops('validate')).code).toBe(0);
  });

  it('round trip: push, lose the cache and the file, pull back byte-identical', async () => {
    for (const p of ['datasets/test-history.csv', 'datasets/requirements-corpus.jsonl'])
      expect((await reg.mlops('data', 'add', p)).code).toBe(0);
    const push = await reg.mlops('data', 'push');
    expect(push.code).toBe(0);
    expect(push.out).toMatch(/^pushed 4 objects .*, 0 already there, 0 failed/);
    expect((await reg.mlops('data', 'push')).out).toMatch(
      /^pushed 0 objects .*, 4 already there, 0 failed/,
    );
    const original = readFileSync(at('datasets/test-executions.csv'));
    rmSync(at('.mlops/cache'), { recursive: true });
    rmSync(at('datasets/test-executions.csv'));
    const status = await reg.mlops('data', 'status', 'test-executions');
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/test-executions\s+missing\s+missing\s+ok/);
    const pull = await reg.mlops('data', 'pull');
    expect(pull.code).toBe(0);
    expect(readFileSync(at('datasets/test-executions.csv')).equals(original)).toBe(true);
    expect((await reg.mlops('data', 'status')).code).toBe(0);
    expect((await reg.mlops('data', 'verify', '--remote')).out).toBe(
      '8 checked: 8 ok, 0 missing, 0 corrupt\n',
    );
  });

  it('check runs the expectations and prints one row each', async () => {
    const r = await reg.mlops('data', 'check', 'test-executions');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/between\(pass_rate_7d\)\s+pass\s+5,000\s+0\s+0\.00/);
  });
});

describe('bad input loses nothing', () => {
  it('a path outside the repository', async () => {
    const r = await reg.mlops('data', 'add', '../outside.csv');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/outside the repository/);
  });

  it('an unknown dataset or remote', async () => {
    expect((await reg.mlops('data', 'push', 'nope')).err).toMatch(
      /no dataset "nope" \(have: requirements-corpus, small, test-executions, test-history\)/,
    );
    expect((await reg.mlops('data', 'push', '--remote', 'backup')).err).toMatch(
      /no remote "backup" \(known: local, s3\)/,
    );
  });

  it('expectations on data that is not a table', async () => {
    writeFileSync(at('datasets/blob.bin'), Buffer.from([0, 1, 2, 3]));
    expect((await reg.mlops('data', 'add', 'datasets/blob.bin', '--name', 'blob')).code).toBe(0);
    const pointer = read('data/blob.yaml');
    expect(pointer).toContain('format: binary');
    writeFileSync(
      at('data/blob.yaml'),
      pointer + 'expectations:\n  - type: row_count_between\n    min: 1\n',
    );
    const r = await reg.mlops('data', 'check', 'blob');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'mlops: blob: expectations need a csv, parquet, arrow or jsonl file; this dataset is binary\n',
    );
    rmSync(at('data/blob.yaml'));
  });

  it('a remote object whose bytes are not its name is refused, and the old work-tree file is kept', async () => {
    const pointer = read('data/test-history.yaml');
    const hash = /hash: sha256:([0-9a-f]{64})/.exec(pointer)![1]!;
    chmodSync(remoteObject(hash), 0o644);
    writeFileSync(remoteObject(hash), 'tampered bytes');
    rmSync(at('.mlops/cache'), { recursive: true });
    writeFileSync(at('datasets/test-history.csv'), 'old,local,copy\n');
    const r = await reg.mlops('data', 'pull', 'test-history');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SIZE_MISMATCH|HASH_MISMATCH/);
    expect(read('datasets/test-history.csv')).toBe('old,local,copy\n');
    expect(existsSync(at(`.mlops/cache/files/sha256/${hash.slice(0, 2)}/${hash.slice(2)}`))).toBe(
      false,
    );
  });
});

describe('validate runs the expectations of a changed dataset', () => {
  it('a PR whose new data breaks an expectation fails on that expectation’s line, with the count', async () => {
    const rows = exampleDatasets().get('datasets/test-executions.csv')!.split('\n');
    // push three pass rates above 1
    for (const i of [10, 20, 30])
      rows[i] = rows[i]!.replace(/,(0\.\d+|1\.0000),(0\.\d+),(passed|failed)$/, ',1.2500,$2,$3');
    writeFileSync(at('datasets/test-executions.csv'), rows.join('\n'));
    expect((await reg.mlops('data', 'add', 'datasets/test-executions.csv')).code).toBe(0);
    expect((await reg.mlops('data', 'push', 'test-executions')).code).toBe(0);
    const pointer = read('data/test-executions.yaml');
    await reg.commit({ 'data/test-executions.yaml': pointer }, { branch: 'bad-data' });
    const r = await reg.mlops('validate', '--base', 'main', '--ref', 'bad-data');
    expect(r.code).toBe(1);
    const line = lineOf(pointer, '- type: between');
    expect(r.err).toContain(
      `data/test-executions.yaml:${line}:5: expectation/between: between(pass_rate_7d, 0..1) failed: 3 of 5,000 values unexpected (0.06 %; at most 0.00 % allowed); e.g. 1.25, 1.25, 1.25`,
    );
    // and --no-data skips it
    expect(
      (await reg.mlops('validate', '--base', 'main', '--ref', 'bad-data', '--no-data')).code,
    ).toBe(0);
  });

  it('a pointer naming data nobody pushed fails on its hash line', async () => {
    const pointer = read('data/test-executions.yaml').replace(
      /hash: sha256:[0-9a-f]{64}/,
      `hash: sha256:${'0'.repeat(64)}`,
    );
    await reg.commit({ 'data/test-executions.yaml': pointer }, { branch: 'unpushed-data' });
    const r = await reg.mlops('validate', '--base', 'main', '--ref', 'unpushed-data');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `data/test-executions\\.yaml:${lineOf(pointer, 'hash:')}:7: data/unavailable: test-executions: the data \\(sha256:0{64}\\) is not in the cache and could not be pulled from remote "local"`,
      ),
    );
  });
});

describe('DVC interop and gc', () => {
  it('import-dvc turns a .dvc file into a pointer with its md5', async () => {
    const bytes = readFileSync(at('datasets/requirements-corpus.jsonl'));
    const md5 = createHash('md5').update(bytes).digest('hex');
    writeFileSync(
      at('datasets/corpus.jsonl.dvc'),
      `outs:\n- md5: ${md5}\n  size: ${bytes.length}\n  hash: md5\n  path: requirements-corpus.jsonl\n`,
    );
    const r = await reg.mlops('data', 'import-dvc');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`datasets/corpus.jsonl.dvc → data/corpus.yaml (md5:${md5.slice(0, 12)}…)\n`);
    const text = read('data/corpus.yaml');
    expect((await reg.mlops('validate')).code).toBe(0);
    expect(text).toContain(`hash: md5:${md5}`);
    expect(text).toContain('path: datasets/requirements-corpus.jsonl');
  });

  it('gc deletes what no pointer names, and nothing else', async () => {
    const v1 = 'id,score\nv,1\n';
    writeFileSync(at('datasets/small.csv'), v1);
    expect((await reg.mlops('data', 'add', 'datasets/small.csv', '--name', 'small')).code).toBe(0);
    writeFileSync(at('datasets/small.csv'), 'id,score\nz,9\n');
    expect((await reg.mlops('data', 'add', 'datasets/small.csv', '--name', 'small')).code).toBe(0);
    const oldKey = `files/sha256/${sha256(v1).slice(0, 2)}/${sha256(v1).slice(2)}`;
    const dry = await reg.mlops('data', 'gc', '--dry-run', '--json');
    expect(dry.err).toBe('');
    expect((JSON.parse(dry.out) as { deleted: string[] }).deleted).toContain(oldKey);
    expect(existsSync(at(`.mlops/cache/${oldKey}`))).toBe(true);
    const r = await reg.mlops('data', 'gc');
    expect(r.code).toBe(0);
    expect(existsSync(at(`.mlops/cache/${oldKey}`))).toBe(false);
    expect((await reg.mlops('data', 'status', '--no-remote', 'small')).code).toBe(0);
  });
});
