import { loadRecord, type LoadResult, type LoadedRecord } from '../records/index.js';

/**
 * What a tree (a commit or the work tree) must answer: the files under a
 * folder, and the bytes of one file. A commit answers from git objects, one
 * folder at a time, so a rule that checks one reference reads one folder.
 */
export interface TreeSource {
  /** Files under a folder prefix (ending in `/`), recursively. */
  list(prefix: string): Promise<string[]>;
  read(path: string): Promise<Uint8Array | undefined>;
}

/**
 * The records of one tree, listed and loaded on demand and at most once.
 * Rules ask it for what they reference, so validating a small change reads
 * only the folders that change touches.
 */
export class RecordIndex {
  private readonly results = new Map<string, Promise<LoadResult | undefined>>();
  /** Folders listed (or being listed), and every file seen in them. */
  private readonly listed = new Map<string, Promise<void>>();
  private readonly files = new Set<string>();
  private runsById: Promise<Map<string, string>> | undefined;

  constructor(private readonly source: TreeSource) {}

  /** Files under a folder prefix, sorted. */
  async under(prefix: string): Promise<string[]> {
    await this.listFolder(prefix);
    return [...this.files].filter((p) => p.startsWith(prefix)).sort();
  }

  async has(path: string): Promise<boolean> {
    await this.listFolder(path.slice(0, path.lastIndexOf('/') + 1));
    return this.files.has(path);
  }

  /** The raw bytes of a path of this tree. */
  async bytes(path: string): Promise<Uint8Array | undefined> {
    return (await this.has(path)) ? this.source.read(path) : undefined;
  }

  /** Parse and check one file (memoized); undefined when the path is absent. */
  load(path: string): Promise<LoadResult | undefined> {
    let r = this.results.get(path);
    if (!r) {
      r = this.bytes(path).then((bytes) => (bytes ? loadRecord(path, bytes) : undefined));
      this.results.set(path, r);
    }
    return r;
  }

  /** The record at a path when it loaded cleanly. */
  async record(path: string): Promise<LoadedRecord | undefined> {
    const r = await this.load(path);
    return r?.ok ? r.record : undefined;
  }

  /**
   * A run's path from its id. Runs live under their experiment's folder, which
   * is usually the model's: that folder is tried first, then all runs.
   */
  async runPath(id: string, experiment?: string): Promise<string | undefined> {
    if (experiment) {
      const guess = `registry/runs/${experiment}/${id}.yaml`;
      if (await this.has(guess)) return guess;
    }
    this.runsById ??= this.under('registry/runs/').then((paths) => {
      const byId = new Map<string, string>();
      for (const p of paths) {
        const m = /^registry\/runs\/[^/]+\/([^/]+)\.yaml$/.exec(p);
        if (m) byId.set(m[1]!, p);
      }
      return byId;
    });
    return (await this.runsById).get(id);
  }

  /** List a folder unless it, or a folder above it, is listed already. */
  private listFolder(prefix: string): Promise<void> {
    for (let at = prefix; ; at = at.slice(0, at.lastIndexOf('/', at.length - 2) + 1)) {
      const done = this.listed.get(at);
      if (done) return done;
      if (at === '') break;
    }
    const done = this.source.list(prefix).then((paths) => {
      for (const p of paths) this.files.add(p);
    });
    this.listed.set(prefix, done);
    return done;
  }
}
