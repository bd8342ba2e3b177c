import * as core from '@actions/core';
import { isHashWorker, serveHashJob } from '../../../src/data/index.js';
import { defaultDeps, main } from './main.js';

// The bundle is also the script of hashing threads (see src/data/hash/worker.ts).
if (isHashWorker()) {
  await serveHashJob();
} else {
  // the AWS SDK warns on every run under Node 20, which we support
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // masked before anything can print it; main reads the inputs from the same environment
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  await main(process.env, defaultDeps(process.env));
}
