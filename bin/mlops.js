#!/usr/bin/env node
// The `mlops` command: runs the bundled CLI (dist/cli.js, built by `npm run build`).
import { existsSync } from 'node:fs';
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
await import(cli.href);
