import * as core from '@actions/core';
import { defaultDeps, main } from './main.js';

// the AWS SDK (an S3 data remote holding the logs) warns on every run under Node 20
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// masked before anything can print it; main reads the inputs from the same environment
const token = core.getInput('token');
if (token) core.setSecret(token);
await main(process.env, defaultDeps(process.env));
