#!/usr/bin/env node
// The `mlops` command: runs the bundled CLI (dist/cli.js, built by `npm run build`).
import { existsSync } from 'node:fs';
import module from 'node:module';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    `mlops: ${fileURLToPath(cli)} is missing; run \`npm run build\` in ` +
      `${fileURLToPath(new URL('..', import.meta.url))} first\n`,
  );
  process.exit(2);
}
// Node 22.1+ keeps V8's compiled code of the 4 MB bundle between runs (a third of a start-up
// here); on Node 20 this is a no-op.
module.enableCompileCache?.();
await import(cli.href);
