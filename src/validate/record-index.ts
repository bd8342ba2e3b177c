import { loadRecord, type LoadResult, type LoadedRecord } from '../records/index.js';

/** Reads the bytes of one path of the tree being validated. */
export type ReadBytes = (path: string) => Promise<Uint8Array | undefined>;

/**
 * The records of one tree (a commit or the work tree), loaded on demand and
 * at most once. Rules ask it for what they reference, so validating a small
 * change reads only the files that change touches.
 */
export class RecordIndex {
  private readonly results = new Map<string, Promise<LoadResult | undefined>>();
  private runsById: Map<string, string> | undefined;
  readonly paths: ReadonlySet<string>;

  constructor(
    paths: Iterable<string>,
    private readonly read: ReadBytes,
  ) {
    this.paths = new Set(paths);
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** The raw bytes of a path of this tree. */
  bytes(path: string): Promise<Uint8Array | undefined> {
    return this.paths.has(path) ? this.read(path) : Promise.resolve(undefined);
  }

  /** Parse and check one file (memoized); undefined when the path is absent. */
  load(path: string): Promise<LoadResult | undefined> {
    let r = this.results.get(path);
    if (!r) {
      r = this.paths.has(path)
        ? this.read(path).then((bytes) => (bytes ? loadRecord(path, bytes) : undefined))
        : Promise.resolve(undefined);
      this.results.set(path, r);
    }
    return r;
  }

  /** The record at a path when it loaded cleanly. */
  async record(path: string): Promise<LoadedRecord | undefined> {
    const r = await this.load(path);
    return r?.ok ? r.record : undefined;
  }

  /** A run's path from its id alone (runs live under their experiment's folder). */
  runPath(id: string): string | undefined {
    if (!this.runsById) {
      this.runsById = new Map();
      for (const p of this.paths) {
        const m = /^registry\/runs\/[^/]+\/([^/]+)\.yaml$/.exec(p);
        if (m) this.runsById.set(m[1]!, p);
      }
    }
    return this.runsById.get(id);
  }

  /** Paths under a folder prefix, sorted. */
  under(prefix: string): string[] {
    return [...this.paths].filter((p) => p.startsWith(prefix)).sort();
  }
}
