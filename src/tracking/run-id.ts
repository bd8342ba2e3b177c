/**
 * Run ids are `YYYYMMDD-HHMMSS-<slug>` in UTC: they sort by start time and say what ran.
 * @example
 * makeRunId(new Date('2026-11-26T07:35:00Z'), 'Execution Agent') // '20261126-073500-execution-agent'
 */
export function makeRunId(at: Date, slug: string): string {
  const iso = at.toISOString(); // 2026-11-26T07:35:00.000Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${slugify(slug)}`;
}

/** Lower-case letters, digits and `-`, at most 40 characters; `run` when nothing is left. */
export function slugify(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'run';
}
