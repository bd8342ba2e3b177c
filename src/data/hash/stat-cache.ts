import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { ensureToolDir } from '../tool-dir.js';
import { dirname, join } from 'node:path';
import { isFsError } from '../errors.js';
import { hashBytes } from './file.js';
import { isHex, type HashAlgorithm } from './ref.js';

/**
 * Where the stat cache lives, under the repository root.
 * @example
 * join(repoRoot, STAT_CACHE_PATH); // <root>/.mlops/cache/stat.json
 */
export const STAT_CACHE_PATH = '.mlops/cache/stat.json';

const MAGIC = 'mlops-stat-cache 1';

/**
 * A file is trusted from its stat only when it had not changed for this long before it was
 * hashed: a write landing in the same timestamp tick as the hash could otherwise keep size
 * and mtime and go unseen (git's "racy clean" problem). Two seconds covers the coarsest
 * common file systems (FAT, exFAT); ext4, XFS and APFS stamp in nanoseconds.
 */
export const RACY_NS = 2_000_000_000n;

/** The identity of a file as `stat` sees it: inode, times in nanoseconds, size. */
export interface StatKey {
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
  size: number;
}

interface Entry extends StatKey {
  sha256: string;
  md5: string;
}

/**
 * Digests of files keyed by repository-relative path and stat identity (inode, mtime and
 * ctime in nanoseconds, size), so an unchanged file is never hashed twice. Stored as one
 * JSON object under a header line carrying the body's sha256; a file that fails any check
 * is ignored as a whole (and rebuilt on the next save), never partly trusted.
 *
 * The file: `mlops-stat-cache 1 <sha256 of the body>\n{"<path>":[ino,mtime_ns,ctime_ns,
 * size,sha256,md5],…}` with times and inode as decimal strings and a missing digest as `""`.
 *
 * @example
 * const stats = await StatCache.load(repoRoot);
 * await hashTree(repoRoot, 'datasets/images', 'sha256', { statCache: stats });
 * // saved by hashTree: the next run reads only the files whose stat changed
 */
export class StatCache {
  private readonly entries: Map<string, Entry>;
  private changed = false;

  private constructor(
    readonly file: string | null,
    entries: Map<string, Entry>,
    /** True when a stat cache was found and refused as corrupt. */
    readonly wasCorrupt: boolean,
  ) {
    this.entries = entries;
    this.changed = wasCorrupt; // a refused file is rewritten on the next save
  }

  /** An empty cache that is never saved (tests, one-off hashing). */
  static memory(): StatCache {
    return new StatCache(null, new Map(), false);
  }

  /**
   * Loads `<root>/.mlops/cache/stat.json`; a missing file is an empty cache, a corrupt one
   * is an empty cache with `wasCorrupt` set.
   * @example
   * const stats = await StatCache.load(repoRoot);
   */
  static async load(root: string): Promise<StatCache> {
    const file = join(root, STAT_CACHE_PATH);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if (isFsError(e, 'ENOENT')) return new StatCache(file, new Map<string, Entry>(), false);
      throw e;
    }
    const entries = decode(text);
    return new StatCache(file, entries ?? new Map<string, Entry>(), entries === null);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The digest recorded for `path` if the file still has the identity `st`. */
  lookup(path: string, st: StatKey, algo: HashAlgorithm): string | undefined {
    const e = this.entries.get(path);
    if (!e || e.ino !== st.ino || e.size !== st.size) return undefined;
    if (e.mtimeNs !== st.mtimeNs || e.ctimeNs !== st.ctimeNs) return undefined;
    return e[algo] || undefined;
  }

  /**
   * Records a digest, unless the file's mtime is less than {@link RACY_NS} before `startNs`
   * (when hashing began): a write in that tick could change it again unseen. Only the
   * mtime: a write sets it to now, and a file whose mtime was set back (`touch -d`, `tar`,
   * `rsync -t`) is still keyed by its ctime, so any later change is seen.
   */
  record(path: string, st: StatKey, algo: HashAlgorithm, hex: string, startNs: bigint): void {
    if (BigInt(st.mtimeNs) >= startNs - RACY_NS) {
      if (this.entries.delete(path)) this.changed = true;
      return;
    }
    const old = this.entries.get(path);
    const same = old && old.ino === st.ino && old.size === st.size;
    const keep = same && old.mtimeNs === st.mtimeNs && old.ctimeNs === st.ctimeNs ? old : null;
    if (keep?.[algo] === hex) return;
    const entry: Entry = {
      ino: st.ino,
      mtimeNs: st.mtimeNs,
      ctimeNs: st.ctimeNs,
      size: st.size,
      sha256: keep?.sha256 ?? '',
      md5: keep?.md5 ?? '',
    };
    entry[algo] = hex;
    this.entries.set(path, entry);
    this.changed = true;
  }

  /** Drops entries under `dir/` (or `dir` itself) whose path is not in `seen`. */
  prune(dir: string, seen: ReadonlySet<string>): void {
    const prefix = `${dir}/`;
    for (const path of this.entries.keys()) {
      if ((path === dir || path.startsWith(prefix)) && !seen.has(path)) {
        this.entries.delete(path);
        this.changed = true;
      }
    }
  }

  /** Writes the cache if anything changed: to a temporary file renamed over the old one. */
  async save(): Promise<void> {
    if (!this.file || !this.changed) return;
    const body: Record<string, [string, string, string, number, string, string]> = {};
    for (const [path, e] of this.entries) {
      body[path] = [e.ino, e.mtimeNs, e.ctimeNs, e.size, e.sha256, e.md5];
    }
    const json = JSON.stringify(body);
    const text = `${MAGIC} ${hashBytes(Buffer.from(json), 'sha256')}\n${json}`;
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    // the file is <root>/.mlops/cache/stat.json: the tool's folder keeps itself out of git
    if (this.file.endsWith(STAT_CACHE_PATH)) {
      ensureToolDir(this.file.slice(0, -STAT_CACHE_PATH.length));
    }
    await mkdir(dirname(this.file), { recursive: true });
    try {
      await writeFile(tmp, text);
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    this.changed = false;
  }
}

const DIGITS = /^\d{1,24}$/;

/** The entries of a stat cache file, or null when anything about it is wrong. */
function decode(text: string): Map<string, Entry> | null {
  const nl = text.indexOf('\n');
  if (nl < 0) return null;
  const header = text.slice(0, nl);
  const json = text.slice(nl + 1);
  if (header !== `${MAGIC} ${hashBytes(Buffer.from(json), 'sha256')}`) return null;
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const out = new Map<string, Entry>();
  for (const [path, v] of Object.entries(body as Record<string, unknown>)) {
    if (!Array.isArray(v) || v.length !== 6) return null;
    const [ino, mtimeNs, ctimeNs, size, sha256, md5] = v as unknown[];
    if (typeof ino !== 'string' || typeof mtimeNs !== 'string' || typeof ctimeNs !== 'string')
      return null;
    if (!DIGITS.test(ino) || !DIGITS.test(mtimeNs) || !DIGITS.test(ctimeNs)) return null;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return null;
    if (typeof sha256 !== 'string' || (sha256 !== '' && !isHex('sha256', sha256))) return null;
    if (typeof md5 !== 'string' || (md5 !== '' && !isHex('md5', md5))) return null;
    out.set(path, { ino, mtimeNs, ctimeNs, size, sha256, md5 });
  }
  return out;
}
