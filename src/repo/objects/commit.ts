import { RepoError } from '../errors.js';

/** What a history walk needs of a commit, read without decoding the rest. */
export interface CommitHeader {
  tree: string;
  parents: string[];
  /** Committer time, seconds since the epoch: the order `git log` walks in. */
  time: number;
}

/**
 * A person and time line (`author`, `committer`). `timezoneOffset` follows isomorphic-git and
 * `Date#getTimezoneOffset`: minutes *behind* UTC, so `+0100` is `-60`.
 */
export interface Signature {
  name: string;
  email: string;
  timestamp: number;
  timezoneOffset: number;
}

export interface Commit extends CommitHeader {
  author: Signature;
  committer: Signature;
  message: string;
}

const NL = 0x0a;

function latin1(buf: Uint8Array, from: number, to: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('latin1');
}

function startsAt(buf: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Reads tree, parents and committer time from a raw commit. */
export function parseCommitHeader(buf: Uint8Array): CommitHeader {
  if (!startsAt(buf, 0, 'tree ') || buf[45] !== NL) bad('commit: no tree line');
  const tree = latin1(buf, 5, 45);
  const parents: string[] = [];
  let pos = 46;
  while (startsAt(buf, pos, 'parent ')) {
    parents.push(latin1(buf, pos + 7, pos + 47));
    pos += 48;
  }
  // Find the committer line (author comes first; there may be others in between).
  let time = 0;
  while (pos < buf.length && buf[pos] !== NL) {
    const end = buf.indexOf(NL, pos);
    const lineEnd = end < 0 ? buf.length : end;
    if (startsAt(buf, pos, 'committer ')) {
      time = signatureTime(buf, pos, lineEnd);
      break;
    }
    pos = lineEnd + 1;
  }
  return { tree, parents, time };
}

/** The timestamp of a `name <email> 1700000000 +0100` line: the number before the last space. */
function signatureTime(buf: Uint8Array, from: number, to: number): number {
  const tzSpace = buf.lastIndexOf(0x20, to - 1);
  let i = tzSpace - 1;
  let value = 0;
  let scale = 1;
  while (i > from && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
    value += (buf[i]! - 0x30) * scale;
    scale *= 10;
    i--;
  }
  return value;
}

/** Decodes a whole commit: header, author, committer and message. */
export function parseCommit(buf: Uint8Array): Commit {
  const header = parseCommitHeader(buf);
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  let author: Signature | undefined;
  let committer: Signature | undefined;
  for (const line of head.split('\n')) {
    if (line.startsWith('author ')) author = parseSignature(line.slice(7));
    else if (line.startsWith('committer ')) committer = parseSignature(line.slice(10));
  }
  if (!author || !committer) bad('commit: no author or committer');
  return { ...header, author, committer, message };
}

/** Parses `Name <email> 1700000000 +0100`. */
export function parseSignature(s: string): Signature {
  const lt = s.indexOf('<');
  const gt = s.lastIndexOf('>');
  if (lt < 0 || gt < lt) bad(`commit: bad signature "${s}"`);
  const [ts = '0', tz = '+0000'] = s
    .slice(gt + 1)
    .trim()
    .split(/\s+/);
  const sign = tz.startsWith('-') ? -1 : 1;
  const digits = tz.replace(/^[+-]/, '').padStart(4, '0');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return {
    name: s.slice(0, lt).trim(),
    email: s.slice(lt + 1, gt),
    timestamp: Number(ts),
    // `-0` would not equal 0 in deep comparisons.
    timezoneOffset: minutes === 0 ? 0 : -sign * minutes,
  };
}

/** Reads what an annotated tag points at. */
export function parseTagTarget(buf: Uint8Array): { object: string; type: string } {
  const text = latin1(buf, 0, Math.min(buf.length, 200));
  const m = /^object ([0-9a-f]{40})\ntype (\w+)\n/.exec(text);
  if (!m) bad('tag: no object and type lines');
  return { object: m[1]!, type: m[2]! };
}

function bad(why: string): never {
  throw new RepoError('CORRUPT_OBJECT', why);
}
