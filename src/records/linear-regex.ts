import { RE2JS } from 're2js';

/** A compiled `match_regex` pattern: linear-time, so no value can make it take long. */
export interface LinearRegex {
  /** Whether the pattern is found anywhere in `text`, as `RegExp.prototype.test` without flags. */
  test(text: string): boolean;
}

/**
 * Compiles a `match_regex` pattern with RE2 (re2js), which matches in time linear in the
 * value's length whatever the pattern, so `(a+)+$` cannot hang validation or `data check`. The
 * pattern is written as for JavaScript's `RegExp` (named groups `(?<n>…)`, `\uXXXX` escapes are
 * translated); what RE2 cannot do in linear time (backreferences, lookahead, lookbehind) is
 * refused with why.
 * @example
 * const r = compileLinearRegex('^[A-Z]{2}-\\d+$');
 * r.ok && r.regex.test('AB-12') // true
 * compileLinearRegex('(a)\\1') // { ok: false, why: 'backreferences (\\1, \\k<name>) are not supported: …' }
 */
export function compileLinearRegex(
  pattern: string,
): { ok: true; regex: LinearRegex } | { ok: false; why: string } {
  const unsupported = unsupportedFeature(pattern);
  if (unsupported) {
    return {
      ok: false,
      why: `${unsupported} are not supported: patterns run with RE2, in linear time`,
    };
  }
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
    return { ok: true, regex: { test: (text) => re.test(text) } };
  } catch (e) {
    return { ok: false, why: (e as Error).message.replace(/^error parsing regexp: /, '') };
  }
}

/** What a backtracking-only feature is called, when the pattern uses one outside a class. */
function unsupportedFeature(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) {
        return 'backreferences (\\1, \\k<name>)';
      }
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!'))
        return 'lookahead assertions ((?=…), (?!…))';
      if (rest === '<=' || rest === '<!') return 'lookbehind assertions ((?<=…), (?<!…))';
    }
  }
  return null;
}
