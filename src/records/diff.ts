import type { FieldPath } from './position.js';

/** One field that differs between two versions of a record. */
export interface FieldChange {
  path: (string | number)[];
  before: unknown;
  after: unknown;
}

/**
 * The fields that differ between two plain values, as deep as both sides are
 * mappings; a list that changed length or an added/removed key is one change.
 * @example
 * fieldChanges({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } })
 * // [{ path: ['b', 'c'], before: 2, after: 3 }]
 */
export function fieldChanges(
  before: unknown,
  after: unknown,
  at: (string | number)[] = [],
): FieldChange[] {
  if (before === after) return [];
  const objects = isObject(before) && isObject(after);
  if (!objects || Array.isArray(before) !== Array.isArray(after))
    return [{ path: at, before, after }];
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return [{ path: at, before, after }];
    return before.flatMap((x, i) => fieldChanges(x, after[i], [...at, i]));
  }
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => {
    if (!Object.hasOwn(a, k) || !Object.hasOwn(b, k))
      return [{ path: [...at, k], before: a[k], after: b[k] }];
    return fieldChanges(a[k], b[k], [...at, k]);
  });
}

/** `a.b[2].c` */
export function formatFieldPath(path: FieldPath): string {
  return (
    path.reduce<string>(
      (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p),
      '',
    ) || '(record)'
  );
}

function isObject(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}
