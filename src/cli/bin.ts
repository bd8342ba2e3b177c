import { isHashWorker, serveHashJob } from '../data/index.js';
import { isValidationWorker, serveValidationJob } from '../validate/index.js';
import { processSignals } from '../tracking/index.js';
import { main } from './main.js';

// The bundle is also the script of validation and hashing threads (see validate/parallel.ts
// and data/hash/worker.ts).
if (isValidationWorker()) {
  await serveValidationJob();
} else if (isHashWorker()) {
  await serveHashJob();
} else {
  // the AWS SDK warns on every run under Node 20, which we support
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    isTTY: Boolean(process.stdout.isTTY),
    onSignal: processSignals,
  });
}
