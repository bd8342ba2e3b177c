import { isValidationWorker, serveValidationJob } from '../validate/index.js';
import { main } from './main.js';

// The bundle is also the script of validation threads (see validate/parallel.ts).
if (isValidationWorker()) {
  await serveValidationJob();
} else {
  process.exitCode = await main(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    isTTY: Boolean(process.stdout.isTTY),
  });
}
