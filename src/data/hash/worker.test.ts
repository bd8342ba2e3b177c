/**
 * Worker threads run the bundled tool's own file, so they are tested through a bundle: an
 * entry that dispatches as src/cli/bin.ts does, built with esbuild into a temp folder and
 * run with plain node.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { Cache } from '../cache.js';
import { CHUNK } from './file.js';
import { hashTree } from './tree.js';

/** `expect.stringMatching`, typed: a message that matches. */
const like = (re: RegExp): string => expect.stringMatching(re) as string;

const ENTRY = `
import { isHashWorker, serveHashJob, hashTree, Cache } from './src/data/index.ts';
import { runHashTasks } from './src/data/hash/worker.ts';

if (isHashWorker()) {
  await serveHashJob();
} else {
  const [mode, root, target, threads] = process.argv.slice(2);
  try {
    if (mode === 'tree') {
      const cache = new Cache(root);
      const r = await hashTree(root, target, 'sha256', { jobs: Number(threads), statCache: false, ingest: cache });
      console.log(JSON.stringify(r));
    } else {
      await runHashTasks(JSON.parse(target), { algo: 'md5', ingest: null, threads: Number(threads), onResult() {} });
      console.log(JSON.stringify('no error'));
    }
  } catch (e) {
    console.log(JSON.stringify({ error: e.message, code: e.code, name: e.name }));
  }
}
`;

const REPO = join(import.meta.dirname, '..', '..', '..');
let bundle: string;
let out: string;

/** Bundles as scripts/build.mjs does (ESM, and a `require` for CommonJS dependencies). */
async function bundleTo(outfile: string, entry: { stdin: string } | { file: string }) {
  await build({
    ...('stdin' in entry
      ? { stdin: { contents: entry.stdin, resolveDir: REPO, loader: 'ts' as const } }
      : { entryPoints: [join(REPO, entry.file)] }),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
  });
}

beforeAll(async () => {
  out = tempDir('mlops-bundle-');
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  bundle = join(out, 'hash-bundle.js');
  await bundleTo(bundle, { stdin: ENTRY });
});

function run(...args: string[]): unknown {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`bundle failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('hashing on worker threads (bundled)', () => {
  it("the CLI's entry (src/cli/bin.ts) serves a hash thread", async () => {
    const cli = join(out, 'cli.js');
    await bundleTo(cli, { file: 'src/cli/bin.ts' });
    const root = tempDir();
    writeFileSync(join(root, 'a'), 'alpha');
    const probe = join(out, 'probe.js');
    writeFileSync(
      probe,
      `import { Worker } from 'node:worker_threads';
const w = new Worker(${JSON.stringify(cli)}, { workerData: { mlopsHashJob: true, algo: 'md5', ingest: null } });
w.on('message', (m) => { if (m.done) { console.log(JSON.stringify(m.done)); w.postMessage({ end: true }); } });
w.postMessage({ batch: [{ i: 7, abs: ${JSON.stringify(join(root, 'a'))} }] });
`,
    );
    const r = spawnSync(process.execPath, [probe], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const done = JSON.parse(r.stdout) as { i: number; facts: { hex: string; size: number } }[];
    expect(done.map((d) => [d.i, d.facts.hex, d.facts.size])).toEqual([
      [7, '2c1743a391305fbf367df8e4f069f9f9', 5], // md5 of "alpha"
    ]);
  });

  it('gives exactly what the main thread gives, and fills the cache the same way', async () => {
    const root = tempDir();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++)
      files[`d/s${String(i).padStart(3, '0')}.bin`] = randomBytes(i * 37);
    files['d/big/one.bin'] = randomBytes(2 * CHUNK + 777); // streamed through the temp file
    files['d/big/two.bin'] = randomBytes(CHUNK); // read whole, written from the buffer
    for (const [p, b] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), b);
    }
    const threaded = run('tree', root, 'd', '2') as {
      entries: unknown[];
      threads: number;
      stored: number;
    };
    expect(threaded.threads).toBe(2);
    expect(threaded.stored).toBe(302);
    const here = await hashTree(root, 'd', 'sha256', { statCache: false });
    expect(here.threads).toBe(0);
    expect(threaded.entries).toEqual(here.entries);
    const cache = new Cache(root);
    for (const e of here.entries) {
      const bytes = readFileSync(cache.path({ algo: 'sha256', hex: e.hex }));
      expect(bytes.equals(files[`d/${e.path}`]!)).toBe(true);
    }
  });

  it("carries a worker's failure back with its code, and stops", () => {
    const root = tempDir();
    writeFileSync(join(root, 'ok'), 'ok');
    const tasks = (paths: string[]) => JSON.stringify(paths.map((abs, i) => ({ i, abs, size: 2 })));
    expect(run('tasks', root, tasks([join(root, 'ok'), join(root, 'missing')]), '2')).toMatchObject(
      {
        code: 'ENOENT',
        error: like(/missing/),
      },
    );
    expect(run('tasks', root, tasks([root]), '1')).toMatchObject({
      code: 'UNSUPPORTED_FILE',
      name: 'DataError',
    });
    expect(run('tasks', root, tasks([join(root, 'ok')]), '2')).toBe('no error');
  });
});
