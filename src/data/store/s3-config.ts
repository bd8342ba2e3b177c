/**
 * Configuration of the S3 store: the `s3` remote of `data/remotes.yaml` turned into client
 * settings, with credentials taken only from the environment passed in (or the AWS default
 * chain), never from the remote record. Nothing here reads `process.env`.
 */
import type { Remote } from '../../records/kinds/dataset.js';
import { S3StoreError } from './s3-errors.js';

/** The `s3` remote as `data/remotes.yaml` writes it. */
export type S3Remote = Extract<Remote, { type: 's3' }>;

/** The environment to read credentials, region and endpoint from (`process.env` in the CLI). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the objects live. Holds no secret, by construction. */
export interface S3StoreConfig {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/`. */
  prefix?: string;
  region?: string;
  /** A custom endpoint (MinIO, s3rver, Ceph…): `http(s)://host[:port]`. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`); the default when an endpoint is set. */
  pathStyle?: boolean;
}

/** What the client needs, resolved from config and environment. */
export interface ResolvedS3Settings {
  bucket: string;
  /** `''` or `prefix/`. */
  keyPrefix: string;
  region: string;
  endpoint?: string;
  pathStyle: boolean;
  /** Static credentials from the environment, or undefined for the AWS default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** `AWS_PROFILE`, for the default chain. */
  profile?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function configError(message: string, data: Record<string, unknown> = {}): S3StoreError {
  return new S3StoreError('CONFIG', message, data);
}

/** An endpoint with any `user:password@` replaced, for messages. */
function redact(endpoint: string): string {
  return endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

/**
 * Checks an endpoint URL: http or https, a host, no credentials, no query or fragment.
 * Returns it without a trailing `/`.
 *
 * @example
 * checkEndpoint('http://127.0.0.1:9000/') // 'http://127.0.0.1:9000'
 * checkEndpoint('https://key:secret@minio.example') // throws: credentials in the endpoint are refused
 */
export function checkEndpoint(endpoint: string): string {
  // Before parsing, so that a malformed URL with a secret in it is never echoed.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(endpoint)) {
    throw configError(
      `the S3 endpoint "${redact(endpoint)}" carries credentials; remove them from the URL and ` +
        'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment instead',
      { endpoint: redact(endpoint) },
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw configError(`the S3 endpoint "${endpoint}" is not a URL`, { endpoint });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`the S3 endpoint "${endpoint}" must be http:// or https://`, { endpoint });
  }
  if (url.search || url.hash) {
    throw configError(`the S3 endpoint "${endpoint}" must not have a query or fragment`, {
      endpoint,
    });
  }
  return endpoint.replace(/\/+$/, '');
}

/** `'/a/b/'` → `'a/b/'`, `''` → `''`. */
export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return p ? `${p}/` : '';
}

/**
 * Resolves a store config against the environment: region (config, `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, else `us-east-1`), endpoint (config, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`), credentials (`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`
 * [+ `AWS_SESSION_TOKEN`], else the AWS default chain with `AWS_PROFILE`).
 *
 * @example
 * resolveS3Settings({ bucket: 'ml-datasets', endpoint: 'http://127.0.0.1:4568' },
 *   { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }).pathStyle // true
 */
export function resolveS3Settings(config: S3StoreConfig, env: Env): ResolvedS3Settings {
  if (!BUCKET.test(config.bucket)) {
    throw configError(
      `"${config.bucket}" is not an S3 bucket name (3–63 lower-case letters, digits, dots, hyphens)`,
      { bucket: config.bucket },
    );
  }
  const rawEndpoint = config.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const endpoint = rawEndpoint ? checkEndpoint(rawEndpoint) : undefined;
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (Boolean(id) !== Boolean(secret)) {
    throw configError(
      id
        ? 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not'
        : 'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not',
    );
  }
  const credentials =
    id && secret
      ? {
          accessKeyId: id,
          secretAccessKey: secret,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return {
    bucket: config.bucket,
    keyPrefix: normalizePrefix(config.prefix),
    region: config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    pathStyle: config.pathStyle ?? endpoint !== undefined,
    ...(credentials ? { credentials } : {}),
    ...(env.AWS_PROFILE && !credentials ? { profile: env.AWS_PROFILE } : {}),
  };
}

/**
 * The store config of an `s3` remote record (snake_case → camelCase). Any field that could
 * hold a secret is refused here rather than passed on.
 *
 * @example
 * s3ConfigFromRemote({ type: 's3', bucket: 'ml-datasets', prefix: 'gitops-mlops', path_style: true })
 * // { bucket: 'ml-datasets', prefix: 'gitops-mlops', pathStyle: true }
 */
export function s3ConfigFromRemote(remote: S3Remote): S3StoreConfig {
  const extra = Object.keys(remote).filter(
    (k) => !['type', 'bucket', 'prefix', 'region', 'endpoint', 'path_style'].includes(k),
  );
  if (extra.length) {
    throw configError(
      `the s3 remote has unknown field(s) ${extra.join(', ')}; credentials belong in the ` +
        'environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never in data/remotes.yaml',
      { fields: extra },
    );
  }
  return {
    bucket: remote.bucket,
    ...(remote.prefix !== undefined ? { prefix: remote.prefix } : {}),
    ...(remote.region !== undefined ? { region: remote.region } : {}),
    ...(remote.endpoint !== undefined ? { endpoint: checkEndpoint(remote.endpoint) } : {}),
    ...(remote.path_style !== undefined ? { pathStyle: remote.path_style } : {}),
  };
}

/** How a store is named in messages: `s3://bucket/prefix`. */
export function s3Description(s: Pick<ResolvedS3Settings, 'bucket' | 'keyPrefix'>): string {
  return `s3://${s.bucket}${s.keyPrefix ? `/${s.keyPrefix.slice(0, -1)}` : ''}`;
}
