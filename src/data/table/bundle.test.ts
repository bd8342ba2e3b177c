/**
 * parquet-wasm from an esbuild bundle that runs without node_modules, as dist/cli.js and
 * actions/<name>/dist/index.js do on a GitHub runner: the wasm must be found beside the bundle.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARQUET_WASM_FILE } from './parquet-wasm.js';
import { tempDir, writeParquet } from './testing.js';

const { dir, cleanup } = tempDir('mlops-bundle-');
afterAll(cleanup);
const bundle = join(dir, 'app.mjs');
const wasm = join(dir, PARQUET_WASM_FILE);

beforeAll(async () => {
  const index = fileURLToPath(new URL('./index.ts', import.meta.url));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { readTable, parquetWasmSource } from ${JSON.stringify(index)};\n` +
      'const t = await readTable(process.argv[2]);\n' +
      'console.log(JSON.stringify({ rows: t.numRows, sum: t.getChild("x").toArray().reduce((a, b) => a + b, 0), from: parquetWasmSource() }));\n',
  );
  // the options of scripts/build.mjs that matter here
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
  });
  await writeParquet(
    join(dir, 'x.parquet'),
    tableFromArrays({ x: Float64Array.from([1, 2, 3.5]) }),
  );
}, 60_000);

function runBundle() {
  return spawnSync(process.execPath, [bundle, join(dir, 'x.parquet')], {
    cwd: dir,
    encoding: 'utf8',
  });
}

describe('a bundle without node_modules', () => {
  it('loads the wasm from beside the bundle', () => {
    copyFileSync(
      createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'),
      wasm,
    );
    const r = runBundle();
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ rows: 3, sum: 6.5, from: wasm });
  });

  it('says what is missing when the wasm is not there', () => {
    rmSync(wasm);
    const r = runBundle();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `${wasm}: parquet: parquet-wasm's parquet_wasm_bg.wasm not found (looked at ${wasm}); ` +
        'a bundle needs it beside it: run `npm run build`',
    );
  });
});
