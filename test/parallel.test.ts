import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryRepo } from '../bench/gen-registry.js';
import { commitEdits, openRepo, readBlob, listFiles } from '../src/repo/index.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const branch = `broken-${process.pid}`;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  // 70 models × 10 versions with their cards and runs: 2,251 records
  dir = registryRepo(70, 10).dir;
  const repo = await openRepo(dir);
  const main = execFileSync('git', ['rev-parse', 'main'], { cwd: dir }).toString().trim();
  const [version] = await listFiles(repo, main, ['registry/models/m0001/versions/1.3.0.yaml']);
  const text = new TextDecoder().decode(await readBlob(repo, version!.oid));
  await commitEdits(repo, {
    branch,
    expectedParent: null,
    startPoint: main,
    edits: [
      { path: version!.path, content: text.replace(/size: \d+/, 'size: huge') },
      { path: 'model-cards/m0002/1.4.0.yaml', delete: true },
      {
        path: 'registry/models/m0003/deployment.yaml',
        content: 'kind: Deployment\nschema_version: 1\nmodel: m0003\n',
      },
    ],
    message: 'break three models',
    author: { name: 't', email: 't@example.com', timestamp: 1767225600, timezoneOffset: 0 },
  });
});
afterAll(() => {
  if (dir) execFileSync('git', ['branch', '-D', branch], { cwd: dir, stdio: 'ignore' });
});

function validate(jobs: number) {
  const r = spawnSync(
    'node',
    [CLI, 'validate', '--ref', branch, '--json', '--jobs', String(jobs)],
    { cwd: dir, maxBuffer: 1 << 26 },
  );
  return {
    code: r.status,
    report: JSON.parse(r.stdout.toString()) as {
      findings: unknown[];
      threads: number;
      checkedFiles: number;
    },
  };
}

describe('validation on several threads', () => {
  it('finds exactly what one thread finds', () => {
    const one = validate(1);
    const two = validate(2);
    expect(one.report.threads).toBe(1);
    expect(two.report.threads).toBe(2);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    const rules = (one.report.findings as { path: string; rule: string }[]).map(
      (f) => `${f.path} ${f.rule}`,
    );
    expect(rules).toEqual([
      'registry/models/m0001/versions/1.3.0.yaml schema/type',
      'registry/models/m0002/versions/1.4.0.yaml reference',
      'registry/models/m0003/deployment.yaml schema/required',
      'registry/models/m0003/deployment.yaml schema/required',
      'registry/models/m0003/deployment.yaml schema/required',
      'registry/models/m0003/deployment.yaml schema/required',
      'registry/models/m0003/deployment.yaml schema/required',
    ]);
    expect(two.report.findings).toEqual(one.report.findings);
    expect(two.report.checkedFiles).toBe(one.report.checkedFiles);
  });
});
