import { RepoError } from './errors.js';

/** Trailer values by key, in message order; keys keep the case they were written in. */
export interface Trailers {
  [key: string]: string[];
}

const TRAILER = /^([A-Za-z0-9-]+)[ \t]*:[ \t]*(.*?)\s*$/;
const CONTINUATION = /^[ \t]+\S/;
const GIT_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '];
const KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * Reads the trailers of a commit message as `git interpret-trailers --parse` does: the last
 * paragraph, if it is not also the first (the subject), is a trailer block when all its lines
 * are `Key: value` (or indented continuations, which are joined with a space), or when at
 * least a quarter are and one is git-generated (`Signed-off-by:`); other lines are ignored.
 *
 * @example
 * parseTrailers('promote m1 2.1.0\n\nModel: m1\nApproved-by: ana\nApproved-by: bo\n');
 * // { Model: ['m1'], 'Approved-by': ['ana', 'bo'] }
 */
export function parseTrailers(message: string): Trailers {
  const block = trailerBlock(message);
  const out: Trailers = {};
  if (!block) return out;
  let last: { key: string; index: number } | undefined;
  for (const line of block) {
    const m = TRAILER.exec(line);
    if (m) {
      const key = m[1]!;
      const values = (out[key] ??= []);
      values.push(m[2]!);
      last = { key, index: values.length - 1 };
    } else if (last && CONTINUATION.test(line)) {
      const values = out[last.key]!;
      values[last.index] = `${values[last.index]} ${line.trim()}`.trim();
    } else {
      last = undefined;
    }
  }
  return out;
}

/** The lines of the message's trailer block, or undefined when it has none. */
function trailerBlock(message: string): string[] | undefined {
  const lines = message.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  let start = end;
  while (start > 0 && lines[start - 1]!.trim() !== '') start--;
  // The first paragraph is the subject, never trailers.
  if (lines.slice(0, start).every((l) => l.trim() === '')) return undefined;
  const block = lines.slice(start, end);
  let trailers = 0;
  let others = 0;
  let gitGenerated = false;
  for (const line of block) {
    if (CONTINUATION.test(line)) continue;
    if (TRAILER.test(line)) {
      trailers++;
      if (GIT_PREFIXES.some((p) => line.startsWith(p))) gitGenerated = true;
    } else {
      if (line.startsWith('(cherry picked from commit ')) gitGenerated = true;
      others++;
    }
  }
  if (trailers > 0 && others === 0) return block;
  if (gitGenerated && trailers * 3 >= others) return block;
  return undefined;
}

/**
 * A commit message with trailers appended: to the message's own trailer block when it ends
 * in one, otherwise as a new last paragraph. Always ends in a newline, as git writes.
 *
 * @throws RepoError `BAD_TRAILER` for a key that is not letters, digits and `-`, or a value
 *   with a line break.
 * @example
 * formatCommitMessage('promote m1 2.1.0', { Model: 'm1', 'Approved-by': ['ana', 'bo'] });
 * // 'promote m1 2.1.0\n\nModel: m1\nApproved-by: ana\nApproved-by: bo\n'
 */
export function formatCommitMessage(
  message: string,
  trailers: Record<string, string | string[]> = {},
): string {
  const body = message.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  const lines: string[] = [];
  for (const [key, value] of Object.entries(trailers)) {
    if (!KEY.test(key)) {
      throw new RepoError('BAD_TRAILER', `trailer key "${key}" must be letters, digits and "-"`, {
        key,
      });
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      if (/[\r\n]/.test(v)) {
        throw new RepoError('BAD_TRAILER', `trailer ${key} has a line break in its value`, {
          key,
          value: v,
        });
      }
      lines.push(`${key}: ${v.trim()}`);
    }
  }
  if (lines.length === 0) return `${body}\n`;
  const glue = trailerBlock(body) ? '\n' : '\n\n';
  return `${body}${glue}${lines.join('\n')}\n`;
}
