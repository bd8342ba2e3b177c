/**
 * The storage a change's data is checked against. A pull request must not choose where the
 * check sends its requests: the remotes come from the base (what the protected branch says),
 * never from the change, and when the change edits `data/remotes.yaml` the check runs without
 * the job's credentials, so that nothing signed leaves the job on the change's behalf.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Remote, Remotes } from '../records/index.js';
import { LocalObjectStore } from './store/local.js';
import { LazyS3Store } from './store/lazy-s3.js';
import type { ObjectStore } from './store/object-store.js';
import type { Env } from './store/s3-config.js';
import { DataError } from './errors.js';
import { DataWorkspace } from './workspace.js';

/** What validation tells a data check about the storage it may use. */
export interface StorageContext {
  /** `data/remotes.yaml` of the base; undefined when the base has none. */
  remotes: Remotes | undefined;
  /** The change edits `data/remotes.yaml`: check without any credentials. */
  withoutCredentials: boolean;
}

/**
 * Variables that carry a credential or pick one: dropped from the environment of a check made
 * without credentials. Region and endpoint overrides stay (they are the job's, not the change's).
 */
const CREDENTIAL_VARIABLE =
  /^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN|PROFILE|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|CONTAINER_CREDENTIALS_.*|CONTAINER_AUTHORIZATION_TOKEN.*|SHARED_CREDENTIALS_FILE|CONFIG_FILE|CREDENTIAL_EXPIRATION))$/;

/**
 * The environment without its credentials.
 * @example
 * withoutCredentials({ AWS_ACCESS_KEY_ID: 'k', AWS_REGION: 'eu-west-1' }) // { AWS_REGION: 'eu-west-1' }
 */
export function withoutCredentials(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !CREDENTIAL_VARIABLE.test(k)));
}

/**
 * A data workspace whose remotes are the base's, not the work tree's; with
 * `withoutCredentials`, its S3 stores send unsigned requests and see no credential variable.
 */
class BaseStorageWorkspace extends DataWorkspace {
  private readonly stores: { destroy(): void }[] = [];

  constructor(
    root: string,
    private readonly checkEnv: Env,
    private readonly context: StorageContext,
  ) {
    super(root, checkEnv);
  }

  override get remotes(): Remotes | undefined {
    return this.context.remotes;
  }

  override store(name?: string): { name: string; store: ObjectStore } {
    const remotes = this.context.remotes;
    const chosen = name ?? remotes?.default;
    const remote: Remote | undefined =
      chosen && remotes && Object.hasOwn(remotes.remotes, chosen)
        ? remotes.remotes[chosen]
        : undefined;
    if (!chosen || !remote) {
      const known = remotes
        ? Object.keys(remotes.remotes).join(', ')
        : 'none: the base has no data/remotes.yaml';
      throw new DataError(
        'NOT_FOUND',
        `no remote ${chosen ? `"${chosen}"` : '(no default)'} in the base's data/remotes.yaml (known: ${known}); a change's data is checked against the base's remotes only: add a remote in a pull request of its own first`,
      );
    }
    if (remote.type === 'local') {
      const dir = isAbsolute(remote.path) ? remote.path : resolve(this.root, remote.path);
      return { name: chosen, store: new LocalObjectStore(dir) };
    }
    const store = new LazyS3Store(remote, this.checkEnv, {
      ...(this.context.withoutCredentials ? { anonymous: true } : {}),
    });
    this.stores.push(store);
    return { name: chosen, store };
  }

  override close(): void {
    for (const s of this.stores.splice(0)) s.destroy();
    super.close();
  }
}

/**
 * The workspace a change's data check uses: the base's remotes and, when the change edits
 * them, no credentials. Without a context (a caller of the older signature), the work tree's
 * remotes and the environment as given.
 * @example
 * const ws = checkWorkspace(root, process.env, { remotes: baseRemotes, withoutCredentials: true });
 * try { await ws.store('s3').store.stat(key); } finally { ws.close(); }
 */
export function checkWorkspace(
  root: string,
  env: Env,
  context: StorageContext | undefined,
): DataWorkspace {
  if (!context) return new DataWorkspace(root, env);
  return new BaseStorageWorkspace(
    root,
    context.withoutCredentials ? withoutCredentials(env) : env,
    context,
  );
}
