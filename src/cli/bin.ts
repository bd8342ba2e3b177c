import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  now: () => new Date(),
  isTTY: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
