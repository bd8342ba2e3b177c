/**
 * One mlops command in its own process, for the kill tests (test/kill-*.test.ts): it loads
 * the command's modules, prints READY, waits for a line on stdin (the test starts the next
 * child while it checks the last), runs `mlops ARGV…` in CWD with the clock fixed at NOW, and
 * prints `EXIT <code>`. The test SIGKILLs it at a random moment of the command's life,
 * counted from that line (start-up is not the command's own work).
 *
 *   node <this file, bundled> CWD NOW_ISO ARGV…
 *
 * The environment (GIT_AUTHOR_NAME, PATH…) is the process's own.
 */
import { main } from '../../src/cli/main.js';

const [cwd, nowIso, ...argv] = process.argv.slice(2);
const now = new Date(nowIso!);
const sink = { out: () => undefined, err: () => undefined };
const io = {
  cwd: cwd!,
  env: process.env,
  now: () => now,
  isTTY: false,
};
// Loads the command (help for it reads nothing from the repository and writes nothing).
await main([argv[0]!, '--help'], { ...io, ...sink });
process.stdout.write('READY\n');
await new Promise((go) => process.stdin.once('data', go));
process.stdin.destroy();
const code = await main(argv, {
  ...io,
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
});
process.stdout.write(`EXIT ${code}\n`);
process.exitCode = code;
