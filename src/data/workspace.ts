import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  loadRecord,
  type Dataset,
  type Finding,
  type Remote,
  type Remotes,
} from '../records/index.js';
import { Cache } from './cache.js';
import { parseDvcFile } from './dvc.js';
import { datasetName } from './pointer-file.js';
import { DataError } from './errors.js';
import type { DataPointer } from './hash/ref.js';
import { LocalObjectStore } from './store/local.js';
import type { HashAlgorithm, ObjectStore } from './store/object-store.js';
import { LazyS3Store } from './store/lazy-s3.js';
import type { Env } from './store/s3-config.js';

/** A pointer as found in the work tree: a Dataset record or one output of a `.dvc` file. */
export interface PointerFile {
  /** The dataset's name (the record's `name`, or the `.dvc` file's stem). */
  name: string;
  /** Where the pointer is: `data/<name>.yaml` or `<dir>/<x>.dvc`. */
  file: string;
  pointer: DataPointer;
  /** The Dataset record, when the pointer is one. */
  record?: Dataset;
  /** The remote it names, if any. */
  remote?: string;
}

/**
 * The data side of a repository: its cache, its remotes and its pointers,
 * read from the work tree (data is about the files you have).
 */
export class DataWorkspace {
  readonly cache: Cache;
  private remotesRead: { value: Remotes | undefined } | undefined;
  private readonly opened: { destroy(): void }[] = [];

  constructor(
    readonly root: string,
    private readonly env: Env,
  ) {
    this.cache = new Cache(root);
  }

  /** `data/remotes.yaml`, read on first use (a command that never stores data never reads it). */
  get remotes(): Remotes | undefined {
    this.remotesRead ??= { value: readRemotes(this.root) };
    return this.remotesRead.value;
  }

  /** `sha256` unless `data/remotes.yaml` says `hash_algorithm: md5`. */
  get algo(): HashAlgorithm {
    return this.remotes?.hash_algorithm ?? 'sha256';
  }

  /**
   * The store of a named remote (or the default one). A local remote's path is
   * relative to the repository root.
   */
  store(name?: string): { name: string; store: ObjectStore } {
    const remotes = this.remotes;
    const chosen = name ?? remotes?.default;
    const remote: Remote | undefined = chosen ? remotes?.remotes[chosen] : undefined;
    if (!remotes || !chosen || !remote) {
      const known = remotes
        ? Object.keys(remotes.remotes).join(', ')
        : 'none: data/remotes.yaml is missing';
      throw new DataError(
        'NOT_FOUND',
        `no remote ${chosen ? `"${chosen}"` : '(no default)'} (known: ${known})`,
      );
    }
    if (remote.type === 'local') {
      const dir = isAbsolute(remote.path) ? remote.path : resolve(this.root, remote.path);
      return { name: chosen, store: new LocalObjectStore(dir) };
    }
    const store = new LazyS3Store(remote, this.env);
    this.opened.push(store);
    return { name: chosen, store };
  }

  /** Close the connections the workspace's stores hold open. */
  close(): void {
    for (const s of this.opened.splice(0)) s.destroy();
  }

  /** Every pointer in the work tree: `data/*.yaml` datasets and `.dvc` files. */
  pointers(): PointerFile[] {
    return [...datasetPointers(this.root), ...dvcPointers(this.root)];
  }

  /** The named pointers (all when `names` is empty); an unknown name is an error. */
  select(names: string[]): PointerFile[] {
    const all = this.pointers();
    if (!names.length) return all;
    return names.map((n) => {
      const p = all.find((x) => x.name === n || x.file === n || x.pointer.path === n);
      if (!p)
        throw new DataError(
          'NOT_FOUND',
          `no dataset "${n}" (have: ${all.map((x) => x.name).join(', ') || 'none'})`,
        );
      return p;
    });
  }
}

function readRemotes(root: string): Remotes | undefined {
  const path = 'data/remotes.yaml';
  if (!existsSync(join(root, path))) return undefined;
  const r = loadRecord(path, readFileSync(join(root, path)));
  if (!r.ok)
    throw new DataError('UNKNOWN_FORMAT', `data/remotes.yaml is invalid: ${describe(r.findings)}`);
  return r.record.value as unknown as Remotes;
}

function datasetPointers(root: string): PointerFile[] {
  const dir = join(root, 'data');
  if (!existsSync(dir)) return [];
  const out: PointerFile[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(f) || f === 'remotes.yaml') continue;
    const path = `data/${f}`;
    const r = loadRecord(path, readFileSync(join(dir, f)));
    if (!r.ok) throw new DataError('UNKNOWN_FORMAT', `${path} is invalid: ${describe(r.findings)}`);
    const d = r.record.value as unknown as Dataset;
    out.push({
      name: d.name,
      file: path,
      record: d,
      remote: d.remote,
      pointer: {
        path: d.path,
        hash: d.hash,
        size: d.size,
        files: d.files,
        dir: d.format === 'directory',
      },
    });
  }
  return out;
}

const SKIP = new Set(['.git', 'node_modules', '.mlops', 'dist']);

/** `.dvc` files anywhere in the work tree (not in .git, node_modules, .mlops). */
function dvcPointers(root: string): PointerFile[] {
  const out: PointerFile[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const abs = join(dir, e.name);
      if (e.isDirectory()) walk(abs, depth + 1);
      else if (e.isFile() && e.name.endsWith('.dvc')) {
        const file = relative(root, abs).split('\\').join('/');
        for (const pointer of parseDvcFile(readFileSync(abs, 'utf8'), file)) {
          out.push({ name: datasetName(e.name.replace(/\.dvc$/, '')), file, pointer });
        }
      }
    }
  };
  walk(root, 0);
  return out;
}

function describe(findings: Finding[]): string {
  return findings.map((f) => `${f.line}:${f.col}: ${f.rule}: ${f.message}`).join('; ');
}
