import { describe, expect, it } from 'vitest';
import { runGit, tempDir } from '../../test/helpers/gitdir.js';
import type { RepoError } from './errors.js';
import { formatCommitMessage, parseTrailers } from './trailers.js';
import type { Trailers } from './trailers.js';

/** What `git interpret-trailers --parse` makes of a message, as Trailers. */
function gitParse(message: string): Trailers {
  const out: Trailers = {};
  const lines = runGit(tempDir(), ['interpret-trailers', '--parse'], message)
    .split('\n')
    .filter(Boolean);
  for (const line of lines) {
    const at = line.indexOf(': ');
    (out[line.slice(0, at)] ??= []).push(line.slice(at + 2));
  }
  return out;
}

const messages: Record<string, string> = {
  'a trailer block':
    'promote m1 2.1.0\n\nBody text.\n\nModel: m1\nVersion: 2.1.0\nApproved-by: ana\nApproved-by: bo\n',
  'only a subject that looks like a trailer': 'Model: m1\n',
  'a last paragraph of prose': 'register m1\n\nModel: m1\nthis line is prose\n',
  'a mostly-prose block with a sign-off':
    'fix\n\nsome prose here\nmore prose\nSigned-off-by: Ana <ana@example.com>\nModel: m1\n',
  'a folded value': 'decide\n\nDecision: hold at 20%\n  because the error rate rose\nModel: m1\n',
  'trailing blank lines and CRLF': 'subject\r\n\r\nStage: Production\r\n\r\n\r\n',
  'spaces before the colon': 'subject\n\nStage : Staging\n',
};

describe('parseTrailers', () => {
  it.each(Object.keys(messages))('agrees with git interpret-trailers --parse on %s', (name) => {
    const message = messages[name]!;
    expect(parseTrailers(message)).toEqual(gitParse(message.replace(/\r\n/g, '\n')));
  });

  it('reads repeated keys in order, and nothing from a one-paragraph message', () => {
    expect(parseTrailers(messages['a trailer block']!)).toEqual({
      Model: ['m1'],
      Version: ['2.1.0'],
      'Approved-by': ['ana', 'bo'],
    });
    expect(parseTrailers(messages['only a subject that looks like a trailer']!)).toEqual({});
    expect(parseTrailers(messages['a folded value']!)).toEqual({
      Decision: ['hold at 20% because the error rate rose'],
      Model: ['m1'],
    });
  });
});

describe('formatCommitMessage', () => {
  it('appends the trailers as a last paragraph that git reads back', () => {
    const message = formatCommitMessage('promote m1 2.1.0\n\nWhy: better.\nMore prose.', {
      Model: 'm1',
      'Approved-by': ['ana', 'bo'],
    });
    expect(message).toBe(
      'promote m1 2.1.0\n\nWhy: better.\nMore prose.\n\nModel: m1\nApproved-by: ana\nApproved-by: bo\n',
    );
    expect(gitParse(message)).toEqual({ Model: ['m1'], 'Approved-by': ['ana', 'bo'] });
    expect(parseTrailers(message)).toEqual(gitParse(message));
  });

  it('extends a trailer block the message already ends with', () => {
    expect(formatCommitMessage('subject\n\nModel: m1\n', { Stage: 'Staging' })).toBe(
      'subject\n\nModel: m1\nStage: Staging\n',
    );
    expect(formatCommitMessage('subject  \n\n')).toBe('subject\n');
  });

  it('refuses keys git would not read and values with line breaks', () => {
    const code = (t: Record<string, string>) => {
      try {
        formatCommitMessage('s', t);
        return 'ok';
      } catch (e) {
        return (e as RepoError).code;
      }
    };
    expect(code({ 'Approved by': 'ana' })).toBe('BAD_TRAILER');
    expect(code({ 'Approved-by': 'ana\nModel: evil' })).toBe('BAD_TRAILER');
    expect(code({ 'Approved-by': 'ana' })).toBe('ok');
  });
});
