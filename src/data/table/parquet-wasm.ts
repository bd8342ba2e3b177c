/**
 * Loading parquet-wasm's WebAssembly ourselves, so it works both from source and from an
 * esbuild bundle that runs without node_modules (dist/cli.js, actions/<name>/dist/index.js on
 * a GitHub runner).
 *
 * We use parquet-wasm's `esm` build, whose JavaScript glue esbuild inlines into the bundle;
 * the glue's own default (`fetch(new URL('parquet_wasm_bg.wasm', import.meta.url))`) cannot
 * work in Node, so the bytes are read here and handed to its init function. Where they are
 * looked for, in order:
 *
 * 1. next to the running module: `new URL('./parquet_wasm_bg.wasm', import.meta.url)`. In a
 *    bundle, `import.meta.url` is the bundle's own file, and `scripts/build.mjs` copies the
 *    wasm there (dist/, actions/<name>/dist/);
 * 2. in node_modules: `createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')`,
 *    which is where it is when running from source (tests, tsx).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as ParquetWasmModule from 'parquet-wasm/esm';
import { TableError, causeMessage } from './errors.js';

/** The parquet-wasm module, initialised. */
export type ParquetWasm = typeof ParquetWasmModule;

/** The wasm file's name, as parquet-wasm ships it and as the build copies it. */
export const PARQUET_WASM_FILE = 'parquet_wasm_bg.wasm';

/**
 * The places the wasm is looked for, in order (see the module's comment).
 *
 * @example
 * parquetWasmCandidates()
 * // from source: ['/repo/src/data/table/parquet_wasm_bg.wasm',
 * //               '/repo/node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm']
 * // from dist/cli.js: ['/repo/dist/parquet_wasm_bg.wasm', …]
 */
export function parquetWasmCandidates(): string[] {
  const out = [fileURLToPath(new URL(`./${PARQUET_WASM_FILE}`, import.meta.url))];
  try {
    out.push(createRequire(import.meta.url).resolve(`parquet-wasm/esm/${PARQUET_WASM_FILE}`));
  } catch {
    // no node_modules here (a bundle on a runner): only the first place counts
  }
  return out;
}

let loading: Promise<ParquetWasm> | undefined;
/** Where the wasm was loaded from, once it is. */
let loadedFrom: string | undefined;

/**
 * parquet-wasm, initialised once per process; later calls share the first one's promise.
 * A failure is not cached, so a later call tries again.
 *
 * @example
 * const pw = await loadParquetWasm();
 * const table = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
 */
export function loadParquetWasm(): Promise<ParquetWasm> {
  loading ??= init().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** The file the wasm was read from, or undefined before {@link loadParquetWasm} settles. */
export function parquetWasmSource(): string | undefined {
  return loadedFrom;
}

async function init(): Promise<ParquetWasm> {
  const candidates = parquetWasmCandidates();
  let bytes: Buffer | undefined;
  let from: string | undefined;
  for (const path of candidates) {
    try {
      bytes = await readFile(path);
      from = path;
      break;
    } catch {
      // try the next place
    }
  }
  if (!bytes || !from) {
    throw new TableError(
      'WASM_UNAVAILABLE',
      candidates[0]!,
      'parquet',
      `parquet-wasm's ${PARQUET_WASM_FILE} not found (looked at ${candidates.join(', ')}); ` +
        'a bundle needs it beside it: run `npm run build`',
    );
  }
  const pw = await import('parquet-wasm/esm');
  try {
    await pw.default({ module_or_path: bytes });
  } catch (e) {
    throw new TableError(
      'WASM_UNAVAILABLE',
      from,
      'parquet',
      `cannot instantiate parquet-wasm (${causeMessage(e)}); is it the version the bundle was built with?`,
      undefined,
      { cause: e },
    );
  }
  loadedFrom = from;
  return pw;
}
