/**
 * The @aws-sdk/client-s3 client of an S3 object store: one attempt per request (the store
 * retries, rewinding file streams the SDK cannot), no console logging, checksums only where
 * required, and keep-alive sockets with the store's timeouts.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { ResolvedS3Settings } from './s3-config.js';
import type { S3StoreOptions } from './s3-options.js';

const quiet = () => undefined;
const ANONYMOUS = { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' };
const UNSIGNED = { sign: <T>(request: T) => Promise.resolve(request) };
const SILENT = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

/**
 * The client for resolved settings, with the connection options of `options` (connect and
 * idle timeouts, sockets).
 *
 * @example
 * const client = createS3Client(resolveS3Settings(config, process.env), { idleTimeoutMs: 5000 });
 */
export function createS3Client(s: ResolvedS3Settings, options: S3StoreOptions = {}): S3Client {
  const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  return new S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.pathStyle,
    ...(options.anonymous
      ? // static placeholders keep the default chain (which reads process.env) from running;
        // the no-op signer leaves every request without an Authorization header
        { credentials: ANONYMOUS, signer: UNSIGNED }
      : {
          ...(s.credentials ? { credentials: s.credentials } : {}),
          ...(s.profile ? { profile: s.profile } : {}),
        }),
    maxAttempts: 1,
    // Our errors say everything; the SDK would otherwise warn on the console about streams it
    // cannot retry (we retry them ourselves).
    logger: SILENT,
    followRegionRedirects: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      socketTimeout: options.idleTimeoutMs ?? 60_000,
      httpAgent: agent,
      httpsAgent: agent,
    },
  });
}
