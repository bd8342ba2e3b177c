import { createHash } from 'node:crypto';
import { RepoError } from './errors.js';

/** One entry of git's index (`.git/index`), as `gitformat-index(5)` lays it out. */
export interface IndexEntry {
  path: string;
  /** Blob (or gitlink) oid. */
  oid: string;
  /** `0o100644`, `0o100755`, `0o120000` or `0o160000`. */
  mode: number;
  /** 0 for a normal entry, 1–3 for the sides of a conflict. */
  stage: number;
  /** The stat data git compares to tell whether the file changed; zeros make git re-read it. */
  stat: IndexStat;
  /** The assume-valid bit. */
  assumeValid: boolean;
  /** The extended flags (skip-worktree, intent-to-add): version 3 and later. */
  extended: number;
}

export interface IndexStat {
  ctimeS: number;
  ctimeNs: number;
  mtimeS: number;
  mtimeNs: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
  size: number;
}

export interface GitIndex {
  version: 2 | 3 | 4;
  /** Sorted by path (bytes), then stage. */
  entries: IndexEntry[];
  /** Extensions kept as they are (only those still valid after entries change). */
  extensions: { signature: string; data: Buffer }[];
}

export const ZERO_STAT: IndexStat = {
  ctimeS: 0,
  ctimeNs: 0,
  mtimeS: 0,
  mtimeNs: 0,
  dev: 0,
  ino: 0,
  uid: 0,
  gid: 0,
  size: 0,
};

/**
 * Optional extensions that stay valid when entries are added, removed or changed: the
 * resolve-undo record is keyed by path. Every other optional one (the cache tree, the
 * untracked cache, the fsmonitor bitmap, entry offsets) describes the entries as they were,
 * so it is dropped and git rebuilds it.
 */
const KEPT = new Set(['REUC']);

/**
 * Parses git's index file (versions 2, 3 and 4). A required extension we cannot keep up to
 * date (a split or sparse index) is refused, since rewriting the index would break it.
 *
 * @throws RepoError `UNSUPPORTED_INDEX`
 * @example
 * const index = parseIndex(readFileSync('.git/index'));
 * index.entries.find((e) => e.path === 'registry/models/m/deployment.yaml')?.oid;
 */
export function parseIndex(buf: Buffer): GitIndex {
  const bad = (why: string): never => {
    throw new RepoError('UNSUPPORTED_INDEX', `.git/index: ${why}`, {});
  };
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') bad('not an index file');
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3 && version !== 4) bad(`index version ${version}`);
  const count = buf.readUInt32BE(8);
  const end = buf.length - 20;
  const entries: IndexEntry[] = [];
  let at = 12;
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 0; i < count; i++) {
    if (at + 62 > end) bad('truncated entry');
    const start = at;
    const stat: IndexStat = {
      ctimeS: buf.readUInt32BE(at),
      ctimeNs: buf.readUInt32BE(at + 4),
      mtimeS: buf.readUInt32BE(at + 8),
      mtimeNs: buf.readUInt32BE(at + 12),
      dev: buf.readUInt32BE(at + 16),
      ino: buf.readUInt32BE(at + 20),
      uid: buf.readUInt32BE(at + 28),
      gid: buf.readUInt32BE(at + 32),
      size: buf.readUInt32BE(at + 36),
    };
    const mode = buf.readUInt32BE(at + 24);
    const oid = buf.toString('hex', at + 40, at + 60);
    const flags = buf.readUInt16BE(at + 60);
    at += 62;
    let extended = 0;
    if (flags & 0x4000) {
      if (version < 3) bad('extended flags in a version 2 index');
      extended = buf.readUInt16BE(at);
      at += 2;
    }
    let path: Buffer;
    if (version === 4) {
      const [strip, next] = readVarint(buf, at);
      const nul = buf.indexOf(0, next);
      if (nul < 0 || nul > end || strip > previous.length) bad('bad path');
      path = Buffer.concat([
        previous.subarray(0, previous.length - strip),
        buf.subarray(next, nul),
      ]);
      at = nul + 1;
    } else {
      const nul = buf.indexOf(0, at);
      if (nul < 0 || nul > end) bad('bad path');
      path = buf.subarray(at, nul);
      at = start + padded(nul - start);
    }
    previous = path;
    entries.push({
      path: path.toString('utf8'),
      oid,
      mode,
      stage: (flags >> 12) & 3,
      stat,
      assumeValid: (flags & 0x8000) !== 0,
      extended,
    });
  }
  const extensions: GitIndex['extensions'] = [];
  while (at + 8 <= end) {
    const signature = buf.toString('latin1', at, at + 4);
    const size = buf.readUInt32BE(at + 4);
    if (at + 8 + size > end) bad(`truncated extension ${signature}`);
    const first = signature.charCodeAt(0);
    if (first < 65 || first > 90) bad(`required extension "${signature}" is not supported`);
    if (KEPT.has(signature)) {
      extensions.push({ signature, data: Buffer.from(buf.subarray(at + 8, at + 8 + size)) });
    }
    at += 8 + size;
  }
  return { version: version as 2 | 3 | 4, entries, extensions };
}

/**
 * Writes an index in its version (3 when an entry needs extended flags), with its SHA-1
 * checksum. Entries must be sorted ({@link compareEntries}).
 *
 * @example
 * writeFileSync('.git/index.lock', serializeIndex(index));
 */
export function serializeIndex(index: GitIndex): Buffer {
  const needsExtended = index.entries.some((e) => e.extended !== 0);
  const version = index.version === 2 && needsExtended ? 3 : index.version;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.write('DIRC', 0, 'latin1');
  header.writeUInt32BE(version, 4);
  header.writeUInt32BE(index.entries.length, 8);
  parts.push(header);
  let previous = Buffer.alloc(0);
  for (const e of index.entries) {
    const path = Buffer.from(e.path, 'utf8');
    const ext = e.extended !== 0 ? 2 : 0;
    const fixed = Buffer.alloc(62 + ext);
    const s = e.stat;
    const words = [s.ctimeS, s.ctimeNs, s.mtimeS, s.mtimeNs, s.dev, s.ino, e.mode, s.uid, s.gid];
    words.forEach((w, i) => fixed.writeUInt32BE(w >>> 0, i * 4));
    fixed.writeUInt32BE(s.size >>> 0, 36);
    fixed.write(e.oid, 40, 'hex');
    const flags =
      (e.assumeValid ? 0x8000 : 0) |
      (ext ? 0x4000 : 0) |
      ((e.stage & 3) << 12) |
      Math.min(path.length, 0xfff);
    fixed.writeUInt16BE(flags, 60);
    if (ext) fixed.writeUInt16BE(e.extended, 62);
    parts.push(fixed);
    if (version === 4) {
      let common = 0;
      while (common < path.length && common < previous.length && path[common] === previous[common])
        common++;
      parts.push(writeVarint(previous.length - common), path.subarray(common), Buffer.alloc(1));
    } else {
      const length = fixed.length + path.length;
      parts.push(path, Buffer.alloc(padded(length) - length));
    }
    previous = path;
  }
  for (const x of index.extensions) {
    const head = Buffer.alloc(8);
    head.write(x.signature, 0, 'latin1');
    head.writeUInt32BE(x.data.length, 4);
    parts.push(head, x.data);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/** Git's order: by path bytes, then by stage. */
export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  const c = Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8'));
  return c !== 0 ? c : a.stage - b.stage;
}

/** An empty index, as git writes one. */
export function emptyIndex(): GitIndex {
  return { version: 2, entries: [], extensions: [] };
}

/** The checksum at the end of an index file, hex. */
export function indexChecksum(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(bytes.length - 20)).toString('hex');
}

/** Entry length padded with 1 to 8 NULs to a multiple of 8 (versions 2 and 3). */
function padded(length: number): number {
  return (length + 8) & ~7;
}

/** Git's offset varint (version 4 path prefixes): big-endian 7-bit groups, each +1. */
function readVarint(buf: Buffer, at: number): [number, number] {
  let c = buf[at++]!;
  let value = c & 127;
  while (c & 128) {
    c = buf[at++]!;
    value = ((value + 1) << 7) | (c & 127);
  }
  return [value, at];
}

function writeVarint(value: number): Buffer {
  const bytes = [value & 127];
  while ((value >>= 7)) bytes.unshift(128 | (--value & 127));
  return Buffer.from(bytes);
}
