/**
 * DVC interop: DVC 3 `.dvc` files read as pointers and written from them.
 *
 * A DVC 3 file (`dvc add`) looks like
 * ```yaml
 * outs:
 * - md5: 3863d0e317dee0a55c4e59d2ec0eef33.dir
 *   size: 36009
 *   nfiles: 2
 *   hash: md5
 *   path: images
 * ```
 * with `path` relative to the `.dvc` file's folder, `.dir` marking a directory (whose
 * manifest is the md5 format of `manifest.ts`) and `size`/`nfiles` counting the data.
 * Without `hash: md5` the file is DVC 2's, whose md5s are of text with CRLF turned to LF
 * and whose objects sit in the remote's old layout: those are refused, not misread.
 */
import { posix } from 'node:path';
import { parse, stringify } from 'yaml';
import { DataError } from './errors.js';
import type { DataPointer } from './hash/ref.js';
import { checkRelPath } from './paths.js';

/**
 * The outputs of a `.dvc` file as pointers with repository-relative paths.
 * @param dvcPath the `.dvc` file's repository-relative path (its folder anchors `path`).
 * @example
 * const [p] = parseDvcFile(await readFile('data/images.dvc', 'utf8'), 'data/images.dvc');
 * // p: { path: 'data/images', hash: 'md5:3863d0e3…', size: 36009, files: 2, dir: true }
 * @throws DataError `UNKNOWN_FORMAT` (not YAML, no `outs`, DVC 2, a non-md5 output),
 *   `PATH_OUTSIDE_REPO` for an output path that leaves the repository.
 */
export function parseDvcFile(text: string, dvcPath: string): DataPointer[] {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true, maxAliasCount: 16 });
  } catch (e) {
    throw bad(dvcPath, `is not YAML: ${(e as Error).message}`, e);
  }
  const outs = (doc as { outs?: unknown } | null)?.outs;
  if (!Array.isArray(outs) || outs.length === 0) throw bad(dvcPath, 'has no `outs:` list');
  const base = posix.dirname(checkRelPath(dvcPath, '.dvc file'));
  return outs.map((raw, i) => {
    const where = `outs[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw bad(dvcPath, `${where} is not a mapping`);
    const o = raw as Record<string, unknown>;
    if (typeof o.path !== 'string' || o.path === '') throw bad(dvcPath, `${where} has no path`);
    if (o.hash === undefined && typeof o.md5 === 'string') {
      throw bad(
        dvcPath,
        `${where} is a DVC 2 output (no \`hash: md5\`): its md5 may be of CRLF-normalised ` +
          `text and its object is in the old remote layout; re-add it with DVC 3`,
      );
    }
    if (o.hash !== 'md5') throw bad(dvcPath, `${where} has hash "${String(o.hash)}", not md5`);
    const m = typeof o.md5 === 'string' ? /^([0-9a-f]{32})(\.dir)?$/.exec(o.md5) : null;
    if (!m) throw bad(dvcPath, `${where} has no md5 of 32 hex digits (with .dir for a folder)`);
    const dir = m[2] !== undefined;
    if (!isCount(o.size)) throw bad(dvcPath, `${where} has no size`);
    if (dir && o.nfiles !== undefined && !isCount(o.nfiles)) {
      throw bad(dvcPath, `${where} has an nfiles that is not a count`);
    }
    const path = checkRelPath(posix.join(base, o.path), `${dvcPath}: ${where}.path`);
    return {
      path,
      hash: `md5:${m[1]}`,
      size: o.size,
      files: dir ? (isCount(o.nfiles) ? o.nfiles : 0) : 1,
      dir,
    };
  });
}

/**
 * A DVC 3 `.dvc` file for md5 pointers, keys in DVC's order (`md5`, `size`, `nfiles`,
 * `hash`, `path`), paths made relative to the `.dvc` file's folder.
 * @example
 * toDvcFile([{ path: 'data/images', hash: 'md5:3863d0e3…', size: 36009, files: 2, dir: true }],
 *   'data/images.dvc');
 * // 'outs:\n- md5: 3863d0e3….dir\n  size: 36009\n  nfiles: 2\n  hash: md5\n  path: images\n'
 * @throws DataError `UNKNOWN_FORMAT` for a sha256 pointer (DVC names content by md5 only),
 *   `PATH_OUTSIDE_REPO` for a pointer outside the `.dvc` file's folder.
 */
export function toDvcFile(pointers: readonly DataPointer[], dvcPath: string): string {
  const base = posix.dirname(checkRelPath(dvcPath, '.dvc file'));
  const lines = ['outs:'];
  for (const p of pointers) {
    const m = /^md5:([0-9a-f]{32})$/.exec(p.hash);
    if (!m) throw bad(dvcPath, `cannot hold ${p.hash}: DVC names content by md5 only`);
    const rel = base === '.' ? p.path : posix.relative(base, p.path);
    if (rel === '' || rel.startsWith('..')) {
      throw new DataError(
        'PATH_OUTSIDE_REPO',
        `${p.path} is not under ${base}/, beside ${dvcPath}`,
        {
          path: p.path,
        },
      );
    }
    lines.push(`- md5: ${m[1]}${p.dir ? '.dir' : ''}`, `  size: ${p.size}`);
    if (p.dir) lines.push(`  nfiles: ${p.files}`);
    lines.push('  hash: md5', `  path: ${stringify(rel).trimEnd()}`);
  }
  return `${lines.join('\n')}\n`;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function bad(file: string, message: string, cause?: unknown): DataError {
  return new DataError(
    'UNKNOWN_FORMAT',
    `${file} ${message}`,
    { file },
    cause === undefined ? undefined : { cause },
  );
}
