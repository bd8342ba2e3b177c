#!/usr/bin/env node
// Fails when a committed bundle (actions/<name>/dist/index.js, training/<name>/dist/train.js)
// is not what the current sources build to. Each bundle is rebuilt in memory with the exact options of
// scripts/build.mjs (same output path, nothing written) and compared byte for byte with the
// file in the work tree, which in CI is the committed one. The files build.mjs copies beside
// each bundle (BUNDLE_ASSETS: parquet-wasm's .wasm) are compared with their source the same way.
//
//   node scripts/check-dist.mjs      # exit 0 fresh, 1 stale or missing, 2 build error
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { BuildError, TRAINERS, bundle, bundleAssets, listActions, root } from './build.mjs';

/** @returns {Promise<string[]>} one line per stale, missing or orphaned bundle */
export async function checkDist() {
  const problems = [];
  const actions = listActions();
  for (const { name, entry, outfile } of actions) {
    const built = await bundle(entry, outfile, { write: false });
    const file = path.join(root, outfile);
    if (!existsSync(file)) {
      problems.push(
        `actions/${name}: dist/index.js is missing; run \`npm run build\` and commit it`,
      );
      continue;
    }
    const committed = readFileSync(file);
    if (!Buffer.from(built).equals(committed)) {
      problems.push(
        `actions/${name}: dist/index.js is stale (${committed.length} bytes committed, ` +
          `${built.length} built from ${entry}); run \`npm run build\` and commit it`,
      );
    }
    for (const asset of bundleAssets(outfile)) {
      const committedAsset = existsSync(asset.to) ? readFileSync(asset.to) : undefined;
      if (!committedAsset) {
        problems.push(
          `actions/${name}: dist/${asset.name} is missing; run \`npm run build\` and commit it`,
        );
      } else if (!readFileSync(asset.from).equals(committedAsset)) {
        problems.push(
          `actions/${name}: dist/${asset.name} differs from ${path.relative(root, asset.from)}; ` +
            'run `npm run build` and commit it',
        );
      }
    }
  }
  for (const t of TRAINERS) {
    const built = await bundle(t.entry, t.outfile, { write: false, assets: false });
    const file = path.join(root, t.outfile);
    if (!existsSync(file)) {
      problems.push(`${t.outfile} is missing; run \`npm run build\` and commit it`);
    } else if (!Buffer.from(built).equals(readFileSync(file))) {
      problems.push(
        `${t.outfile} is stale (built from ${t.entry}); run \`npm run build\` and commit it`,
      );
    }
  }
  // A bundle whose sources are gone would still run on GitHub; flag it too.
  const dir = path.join(root, 'actions');
  const bundled = new Set(actions.map((a) => a.name));
  if (existsSync(dir)) {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory() || bundled.has(d.name)) continue;
      if (existsSync(path.join(dir, d.name, 'dist', 'index.js'))) {
        problems.push(`actions/${d.name}: dist/index.js has no src/index.ts to build it from`);
      }
    }
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  checkDist().then(
    (problems) => {
      for (const p of problems) console.error(p);
      if (problems.length) process.exit(1);
      console.log(
        `bundles are fresh (${listActions().length} actions, ${TRAINERS.length} trainers checked)`,
      );
    },
    (err) => {
      console.error(err instanceof BuildError ? `check-dist: ${err.message}` : err);
      process.exit(2);
    },
  );
}
