/**
 * The one definition of a version: Semantic Versioning 2.0.0 (semver.org's strict grammar, no
 * leading `v`, no leading zeros), with MAJOR, MINOR and PATCH of at most 15 digits so that each
 * is an exact JavaScript number. The records' `SemVer` schema (src/records/kinds/common.ts)
 * carries the same pattern; src/registry/semver.test.ts checks that they are equal and agree.
 */

/** The pattern, as JSON Schema and `RegExp` read it. */
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d{0,14})\\.(0|[1-9]\\d{0,14})\\.(0|[1-9]\\d{0,14})(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

const RE = new RegExp(SEMVER_PATTERN);

export interface SemVerParts {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

/**
 * The parts of a version, or null when the text is not one.
 * @example
 * parseSemVer('2.1.0-rc.1') // { major: 2, minor: 1, patch: 0, pre: ['rc', '1'] }
 * parseSemVer('v2.1.0') // null
 */
export function parseSemVer(v: string): SemVerParts | null {
  const m = RE.exec(v);
  if (!m) return null;
  return { major: +m[1]!, minor: +m[2]!, patch: +m[3]!, pre: m[4] ? m[4].split('.') : [] };
}

/**
 * Whether the text is a version.
 * @example
 * isSemVer('1.0.0') // true
 * isSemVer('01.0.0') // false
 */
export function isSemVer(v: string): boolean {
  return RE.test(v);
}

/**
 * Order two versions by semver precedence (build metadata ignored).
 * @example
 * ['1.10.0', '1.2.0', '1.2.0-rc.1'].sort(compareSemVer) // ['1.2.0-rc.1', '1.2.0', '1.10.0']
 */
export function compareSemVer(a: string, b: string): number {
  const x = parseSemVer(a);
  const y = parseSemVer(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  const d = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (d) return Math.sign(d);
  // a release ranks above its pre-releases
  if (!x.pre.length || !y.pre.length) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    // numeric identifiers have no leading zeros: the longer is the larger, at any length
    if (pn && qn && p !== q) return Math.sign(p.length - q.length || (p < q ? -1 : 1));
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
