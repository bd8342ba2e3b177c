import picomatch from 'picomatch';

/** A `high_risk_paths` entry, checked and ready to match repository-relative paths. */
export interface PathPattern {
  /** The entry as written. */
  entry: string;
  /**
   * Where in the tree every match lies, as a path prefix: the entry itself for a folder or a
   * path, the folder before the first glob character (`policies/` for `policies/*.yaml`), or ''
   * for a glob that may match anywhere (`**\/*.lock`).
   */
  prefix: string;
  /** Whether a repository-relative path (forward slashes) lies under the entry. */
  test(path: string): boolean;
}

/**
 * Reads a `high_risk_paths` entry: a folder (`policies/`, everything under it), a path
 * (`.github`: that file, or everything under that folder), or a glob matched with picomatch,
 * dot files included (`policies/*.yaml`, `actions/**`); a path lies under a glob when it or one
 * of its folders matches. A leading `./` or `/` is ignored. Anything else is refused with why:
 * an empty entry, `..`, a backslash, a negation (`!x` would mark every other path), an
 * unbalanced bracket or brace.
 * @example
 * const p = pathPattern('policies/*.yaml');
 * p.ok && p.pattern.test('policies/governance.yaml') // true
 * pathPattern('policies/[a') // { ok: false, why: 'not a valid glob: Missing closing: "]" …' }
 */
export function pathPattern(
  entry: string,
): { ok: true; pattern: PathPattern } | { ok: false; why: string } {
  const bad = (why: string) => ({ ok: false as const, why });
  if (entry.trim() !== entry) return bad('has spaces at its start or end');
  const e = entry.replace(/^\.?\//, '');
  if (e === '') return bad('names no path');
  if (e.includes('\\') || e.includes('\0')) {
    return bad('contains a backslash or NUL; folders are separated by "/"');
  }
  if (e.startsWith('!')) return bad('is a negation ("!"), which would mark every other path');
  const parts = e.replace(/\/$/, '').split('/');
  if (parts.includes('..'))
    return bad('contains ".." and could name a path outside the repository');
  if (parts.some((p) => p === '' || p === '.')) return bad('contains an empty or "." folder');
  const scan = picomatch.scan(e);
  const special = /[*?[\]{}()]/.test(e);
  if (!special) {
    const folder = e.endsWith('/');
    return {
      ok: true,
      pattern: {
        entry,
        prefix: e,
        test: folder
          ? (path) => path.startsWith(e)
          : (path) => path === e || path.startsWith(`${e}/`),
      },
    };
  }
  let re: RegExp;
  try {
    re = picomatch.makeRe(e, { dot: true, strictBrackets: true });
  } catch (err) {
    return bad(`is not a valid glob: ${(err as Error).message}`);
  }
  if (!scan.isGlob) return bad('holds glob characters but is not a glob picomatch can read');
  return {
    ok: true,
    pattern: {
      entry,
      prefix: scan.base ? `${scan.base}/` : '',
      test: (path) => {
        // the path itself, then each folder it lies in: a glob naming a folder covers its contents
        for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
          if (re.test(path.slice(0, end))) return true;
        }
        return false;
      },
    },
  };
}
