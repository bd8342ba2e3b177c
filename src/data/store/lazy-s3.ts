import type { ObjectInfo, ObjectStore } from './object-store.js';
import type { S3StoreOptions } from './s3-options.js';
import {
  resolveS3Settings,
  s3ConfigFromRemote,
  s3Description,
  type Env,
  type S3Remote,
} from './s3-config.js';

type Loaded = ObjectStore & { destroy(): void };

/**
 * An S3 store that loads the AWS SDK on its first request. The SDK is a third of the CLI's
 * bundle and ~45 ms of start-up; a command that never talks to S3 (most of them, and every
 * one on a local remote) should not pay for it.
 * @example
 * const store = new LazyS3Store(remote, process.env); // nothing loaded yet
 * await store.stat('files/sha256/ab/cdef'); // the SDK loads here
 */
export class LazyS3Store implements ObjectStore {
  readonly description: string;
  private loading: Promise<Loaded> | undefined;
  private loaded: Loaded | undefined;

  constructor(
    private readonly remote: S3Remote,
    private readonly env: Env,
    private readonly options: Omit<S3StoreOptions, 'env'> = {},
  ) {
    // settings are resolved now, so a bad remote fails here as it did with the real store
    this.description = s3Description(resolveS3Settings(s3ConfigFromRemote(remote), env));
  }

  private store(): Promise<Loaded> {
    this.loading ??= import('./s3.js').then((m) => {
      this.loaded = m.s3StoreFromRemote(this.remote, this.env, this.options);
      return this.loaded;
    });
    return this.loading;
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    return (await this.store()).stat(key);
  }

  async put(...args: Parameters<ObjectStore['put']>): Promise<void> {
    return (await this.store()).put(...args);
  }

  async get(...args: Parameters<ObjectStore['get']>): Promise<void> {
    return (await this.store()).get(...args);
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    yield* (await this.store()).list(prefix);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }

  /** Closes the SDK's connections, if it was ever loaded. */
  destroy(): void {
    this.loaded?.destroy();
  }
}
