#!/usr/bin/env node
// Bundles the CLI and every GitHub Action with esbuild.
//
//   node scripts/build.mjs              # both
//   node scripts/build.mjs cli          # dist/cli.js only
//   node scripts/build.mjs actions      # actions/*/dist/index.js only
//   node scripts/build.mjs trainers     # training/*/dist/train.js only
//
// Output is ESM for Node 20+ (actions declare node24; they must also run here). Action bundles
// are committed, so they are built unminified with legal comments inline and with paths
// relative to the repository root: the same sources and esbuild version give the same bytes,
// which is what scripts/check-dist.mjs relies on. The CLI bundle is not committed and is built
// for start-up instead (CLI_OPTIONS).
//
// Next to every bundle it writes, the build copies the files of BUNDLE_ASSETS (parquet-wasm's
// WebAssembly, which src/data/table/parquet-wasm.ts looks for beside the running bundle),
// because bundles run on GitHub runners without node_modules.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse as parseYaml } from 'yaml';

export const root = fileURLToPath(new URL('..', import.meta.url));

export const CLI_ENTRY = 'src/cli/bin.ts';
export const CLI_OUTFILE = 'dist/cli.js';

/**
 * The example trainers written in TypeScript, bundled and committed like the actions: a
 * model's training command runs them with plain `node` in any clone, on any runner, with no
 * install step. They use Node's built-ins only, so they need no assets beside them.
 */
export const TRAINERS = [
  {
    name: 'execution-agent',
    entry: 'training/execution-agent/train.ts',
    outfile: 'training/execution-agent/dist/train.js',
  },
];

// CommonJS dependencies bundled into an ESM file still call `require` (for Node built-ins and
// each other); esbuild's `__require` shim looks for a `require` in scope, so give it one.
const BANNER = [
  "import { createRequire as __mlopsCreateRequire } from 'node:module';",
  'const require = __mlopsCreateRequire(import.meta.url);',
].join('\n');

// Packages that cannot be bundled (native addons, WebAssembly loaded from their own folder)
// go here, and must then be runtime dependencies. None so far.
const EXTERNAL = [];

/**
 * Files every bundle needs beside it at run time: `name` in the bundle's folder, copied from
 * `package` (a file of an installed package, resolved as `require.resolve` would).
 */
export const BUNDLE_ASSETS = [
  { name: 'parquet_wasm_bg.wasm', package: 'parquet-wasm/esm/parquet_wasm_bg.wasm' },
];

/**
 * Where each asset of a bundle comes from and goes to (absolute paths).
 * @param {string} outfile repository-relative bundle path
 * @returns {{ name: string, from: string, to: string }[]}
 */
export function bundleAssets(outfile) {
  const require = createRequire(path.join(root, 'package.json'));
  const dir = path.dirname(path.join(root, outfile));
  return BUNDLE_ASSETS.map((a) => {
    let from;
    try {
      from = require.resolve(a.package);
    } catch {
      throw new BuildError(`${a.package}: not installed (needed beside ${outfile}); run npm ci`);
    }
    return { name: a.name, from, to: path.join(dir, a.name) };
  });
}

/** A build failure worth one clear line, not a stack trace. */
export class BuildError extends Error {}

/**
 * esbuild options shared by the CLI and the actions.
 * @param {string} entry repository-relative entry point
 * @param {string} outfile repository-relative output file
 * @returns {import('esbuild').BuildOptions}
 */
export function esbuildOptions(entry, outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    external: EXTERNAL,
    minify: false,
    legalComments: 'inline',
    sourcemap: false,
    charset: 'utf8',
    logLevel: 'silent',
  };
}

/**
 * The actions to bundle: every `actions/<name>/` with a `src/index.ts`, sorted by name.
 * A folder whose action.yml runs JavaScript but has no entry is an error, not a skip.
 * @returns {{ name: string, entry: string, outfile: string }[]}
 */
export function listActions() {
  const dir = path.join(root, 'actions');
  if (!existsSync(dir)) return [];
  const actions = [];
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const entry = `actions/${name}/src/index.ts`;
    const outfile = `actions/${name}/dist/index.js`;
    if (existsSync(path.join(root, entry))) {
      actions.push({ name, entry, outfile });
      continue;
    }
    const using = actionRuntime(name);
    if (using === undefined || using.startsWith('node')) {
      throw new BuildError(
        `actions/${name}: no ${entry} to bundle into ${outfile}` +
          (using ? ` (action.yml runs.using: ${using})` : ''),
      );
    }
    console.log(`actions/${name}: runs.using ${using}, nothing to bundle`);
  }
  return actions;
}

function actionRuntime(name) {
  for (const file of ['action.yml', 'action.yaml']) {
    const p = path.join(root, 'actions', name, file);
    if (!existsSync(p)) continue;
    const doc = parseYaml(readFileSync(p, 'utf8'));
    const using = doc?.runs?.using;
    return typeof using === 'string' ? using : undefined;
  }
  return undefined;
}

/**
 * Bundles one entry. With `write: false` nothing is written and the bytes are returned.
 * @param {string} entry
 * @param {string} outfile
 * @param {{ write?: boolean, assets?: boolean, options?: import('esbuild').BuildOptions }} [options]
 *   `assets: false` for a bundle that needs none of BUNDLE_ASSETS beside it (the trainers);
 *   `options` on top of {@link esbuildOptions}
 * @returns {Promise<Uint8Array>}
 */
export async function bundle(entry, outfile, { write = true, assets = true, options = {} } = {}) {
  if (!existsSync(path.join(root, entry))) {
    throw new BuildError(`${entry}: entry point not found (needed for ${outfile})`);
  }
  let result;
  try {
    result = await build({ ...esbuildOptions(entry, outfile), ...options, write });
  } catch (err) {
    const errors = /** @type {{ errors?: import('esbuild').Message[] }} */ (err).errors;
    if (!errors?.length) throw err;
    const lines = errors.map((m) =>
      m.location
        ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}`
        : m.text,
    );
    throw new BuildError(`${outfile}: build failed\n  ${lines.join('\n  ')}`);
  }
  if (write) {
    // The banner declares `require`; a bundled module declaring its own top-level `require`
    // would make the output unparsable, so prove it parses.
    try {
      execFileSync(process.execPath, ['--check', path.join(root, outfile)], { stdio: 'pipe' });
    } catch (err) {
      throw new BuildError(`${outfile}: output does not parse\n${String(err.stderr ?? err)}`);
    }
    if (assets) for (const asset of bundleAssets(outfile)) copyFileSync(asset.from, asset.to);
    return readFileSync(path.join(root, outfile));
  }
  const out = result.outputFiles?.[0];
  if (!out) throw new BuildError(`${outfile}: esbuild returned no output`);
  return out.contents;
}

/**
 * The CLI bundle is not committed, so it is built for start-up rather than for diffs: every
 * `mlops` command first decodes and parses all of its ~5 MB, before any of its own work (the
 * fixed cost of `mlops train`, bench/tracking.bench.ts). Without whitespace and comments there
 * is a third less to parse, and a file of ASCII only is decoded into a one-byte string, which
 * V8 scans faster than the two-byte string a single `’` in a comment forces on all of it.
 * Names are kept, so stack traces still say which function; the licences go beside it.
 */
export const CLI_OPTIONS = { minifyWhitespace: true, charset: 'ascii', legalComments: 'external' };

export async function buildCli() {
  await bundle(CLI_ENTRY, CLI_OUTFILE, { options: CLI_OPTIONS });
  const file = path.join(root, CLI_OUTFILE);
  asciiOnly(file);
  execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' });
  console.log(`built ${CLI_OUTFILE}`);
}

/**
 * esbuild's `charset: 'ascii'` leaves characters in regular expression literals as they are
 * (isomorphic-git's `/[\ud800-\uffff]/` is written with the character itself); a `\uXXXX`
 * escape means the same there as in a string, so escape what is left.
 * @param {string} file
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const escaped = text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (escaped !== text) writeFileSync(file, escaped);
}

export async function buildActions() {
  for (const action of listActions()) {
    await bundle(action.entry, action.outfile);
    console.log(`built ${action.outfile}`);
  }
}

export async function buildTrainers() {
  for (const t of TRAINERS) {
    await bundle(t.entry, t.outfile, { assets: false });
    console.log(`built ${t.outfile}`);
  }
}

async function run(args) {
  const targets = args.length ? args : ['cli', 'actions', 'trainers'];
  for (const t of targets) {
    if (t === 'cli') await buildCli();
    else if (t === 'actions') await buildActions();
    else if (t === 'trainers') await buildTrainers();
    else throw new BuildError(`unknown target '${t}' (expected: cli, actions, trainers)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).catch((err) => {
    if (err instanceof BuildError) {
      console.error(`build: ${err.message}`);
      process.exit(1);
    }
    throw err;
  });
}
