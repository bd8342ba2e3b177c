/**
 * Directory manifests: the object a directory pointer's hash names.
 *
 * **md5 (DVC's `.dir`, byte for byte).** A JSON array of `{"md5": <hex>, "relpath": <path>}`
 * sorted by `relpath` in code point order, serialised as Python's
 * `json.dumps(entries, sort_keys=True)` does: `", "` and `": "` as separators, every
 * character outside printable ASCII escaped as `\uXXXX` (lower-case hex, UTF-16 units). The
 * object's hash is the md5 of those bytes, and DVC's pointer writes it with `.dir` appended;
 * it is stored under `files/md5/<2>/<30>.dir`. This is what dvc-data 3 writes
 * (`Tree.as_bytes()` / `Tree.digest()`), so an md5 repository shares a DVC remote.
 * Difference: DVC's `.dir` carries no sizes, so entries read from one have none (their
 * hashes still check them); extra keys DVC may add to an entry (`size`, `isexec`) are read
 * and ignored except `size`.
 *
 * **sha256 (ours).** UTF-8 JSON, no whitespace, keys in this order:
 * `{"manifest":1,"algo":"sha256","files":[{"path":<path>,"sha256":<hex>,"size":<n>},…]}`,
 * files sorted by path in code point order, strings escaped as `JSON.stringify` does. The
 * object's hash is the sha256 of those bytes; it is stored under `files/sha256/<2>/<62>.dir`.
 * A manifest that parses but is not byte-for-byte canonical is refused, so one directory
 * state has exactly one hash.
 *
 * Both: paths are relative with forward slashes; no `..`, empty or `.` component, no
 * backslash or NUL, no `.git`/`.mlops`, no duplicate, and no path that is also a folder of
 * another; a manifest breaking any of these is refused, whoever wrote it.
 */
import { DataError } from './errors.js';
import { hashBytes } from './hash/file.js';
import { isHex, type DataRef, type HashAlgorithm } from './hash/ref.js';
import { comparePaths } from './hash/walk.js';
import { checkRelPath } from './paths.js';

export interface ManifestEntry {
  /** Relative to the directory, forward slashes. */
  path: string;
  hex: string;
  /** Bytes; absent in entries read from a DVC `.dir`. */
  size?: number;
}

export interface Manifest {
  algo: HashAlgorithm;
  /** Sorted by path in code point order. */
  entries: ManifestEntry[];
}

/** A manifest with its serialised bytes and the ref that names them. */
export interface BuiltManifest {
  manifest: Manifest;
  bytes: Buffer;
  ref: DataRef & { size: number; dir: true };
}

/**
 * Builds a directory's manifest from its files (any order): sorts, checks and serialises it.
 * @example
 * const { ref, bytes } = buildManifest('md5', [{ path: 'a.csv', hex: md5hex, size: 10 }]);
 * // ref.dir === true; a DVC pointer says `md5: ${ref.hex}.dir`
 * @throws DataError `BAD_PATH`, `PATH_OUTSIDE_REPO`, `UNKNOWN_FORMAT` for a bad entry.
 */
export function buildManifest(
  algo: HashAlgorithm,
  entries: readonly ManifestEntry[],
): BuiltManifest {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  const manifest: Manifest = { algo, entries: sorted };
  checkEntries(manifest);
  const bytes = serializeManifest(manifest);
  return {
    manifest,
    bytes,
    ref: { algo, hex: hashBytes(bytes, algo), size: bytes.length, dir: true },
  };
}

/**
 * The canonical bytes of a (checked, sorted) manifest; see the module's comment.
 * @example
 * serializeManifest({ algo: 'md5', entries: [{ path: 'a', hex: md5hex }] }).toString();
 * // '[{"md5": "…", "relpath": "a"}]'
 */
export function serializeManifest(m: Manifest): Buffer {
  if (m.algo === 'md5') {
    const items = m.entries.map((e) => `{"md5": "${e.hex}", "relpath": ${pyJsonString(e.path)}}`);
    return Buffer.from(`[${items.join(', ')}]`, 'utf8');
  }
  const files = m.entries.map((e) => {
    if (e.size === undefined) {
      throw new DataError('UNKNOWN_FORMAT', `manifest entry ${e.path} has no size`, {
        path: e.path,
      });
    }
    return `{"path":${JSON.stringify(e.path)},"sha256":"${e.hex}","size":${e.size}}`;
  });
  return Buffer.from(`{"manifest":1,"algo":"sha256","files":[${files.join(',')}]}`, 'utf8');
}

/**
 * Reads a manifest object's bytes (whose hash the caller has checked against its name).
 * @example
 * const m = parseManifest(await readFile(cache.path(ref)), ref.algo);
 * @throws DataError `UNKNOWN_FORMAT` for anything but a well-formed manifest of `algo`;
 *   `PATH_OUTSIDE_REPO`/`BAD_PATH` for an entry that could write outside its directory.
 */
export function parseManifest(bytes: Uint8Array, algo: HashAlgorithm): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw bad(`manifest is not JSON`, e);
  }
  const entries: ManifestEntry[] = [];
  if (algo === 'md5') {
    if (!Array.isArray(raw)) throw bad('a DVC .dir manifest must be a JSON array');
    for (const item of raw as unknown[]) {
      const o = asObject(item);
      if (typeof o.md5 !== 'string' || typeof o.relpath !== 'string') {
        throw bad('a DVC .dir entry needs "md5" and "relpath" strings');
      }
      const e: ManifestEntry = { path: o.relpath, hex: o.md5 };
      if (typeof o.size === 'number') e.size = o.size;
      entries.push(e);
    }
  } else {
    const o = asObject(raw);
    if (o.manifest !== 1 || o.algo !== 'sha256' || !Array.isArray(o.files)) {
      throw bad('not a version 1 sha256 manifest');
    }
    for (const item of o.files as unknown[]) {
      const f = asObject(item);
      if (
        typeof f.path !== 'string' ||
        typeof f.sha256 !== 'string' ||
        typeof f.size !== 'number'
      ) {
        throw bad('a manifest entry needs "path", "sha256" and "size"');
      }
      entries.push({ path: f.path, hex: f.sha256, size: f.size });
    }
  }
  const m: Manifest = { algo, entries };
  checkEntries(m);
  if (algo === 'sha256' && !serializeManifest(m).equals(Buffer.from(bytes))) {
    throw bad('the manifest is not in canonical form');
  }
  return m;
}

/**
 * Total bytes and file count of a manifest (size null when an entry has none).
 * @example
 * const { size, files } = manifestTotals(await cache.readManifest(ref));
 */
export function manifestTotals(m: Manifest): { size: number | null; files: number } {
  let size: number | null = 0;
  for (const e of m.entries) size = size === null || e.size === undefined ? null : size + e.size;
  return { size, files: m.entries.length };
}

/**
 * The refs of a manifest's files.
 * @example
 * const refs = entryRefs(await cache.readManifest(dirRef));
 */
export function entryRefs(m: Manifest): DataRef[] {
  return m.entries.map((e) =>
    e.size === undefined
      ? { algo: m.algo, hex: e.hex }
      : { algo: m.algo, hex: e.hex, size: e.size },
  );
}

function checkEntries(m: Manifest): void {
  let prev: string | null = null;
  for (const e of m.entries) {
    if (checkRelPath(e.path, 'manifest entry') !== e.path) {
      throw bad(`manifest entry "${e.path}" is not in normal form`);
    }
    if (!isHex(m.algo, e.hex))
      throw bad(`manifest entry ${e.path}: "${e.hex}" is not an ${m.algo}`);
    if (e.size !== undefined && (!Number.isSafeInteger(e.size) || e.size < 0)) {
      throw bad(`manifest entry ${e.path}: size ${e.size} is not a byte count`);
    }
    if (prev !== null && comparePaths(prev, e.path) >= 0) {
      throw bad(`manifest entries are not sorted, or repeat, at "${e.path}"`);
    }
    prev = e.path;
  }
  // A file "a" and a folder "a/…" need not be neighbours ("a", "a b", "a/c"): check all.
  const names = new Set(m.entries.map((e) => e.path));
  for (const e of m.entries) {
    for (let i = e.path.indexOf('/'); i > 0; i = e.path.indexOf('/', i + 1)) {
      if (names.has(e.path.slice(0, i)))
        throw bad(`"${e.path.slice(0, i)}" is both a file and a folder`);
    }
  }
}

/**
 * A string as Python's `json.dumps` (ensure_ascii) writes it: `"` and `\` escaped, `\n`
 * `\r` `\t` `\b` `\f` short, every other unit outside 0x20–0x7e as `\uXXXX` in lower case.
 */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += SHORT[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

const SHORT: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('expected a JSON object');
  return v as Record<string, unknown>;
}

function bad(message: string, cause?: unknown): DataError {
  return new DataError('UNKNOWN_FORMAT', message, {}, cause === undefined ? undefined : { cause });
}
