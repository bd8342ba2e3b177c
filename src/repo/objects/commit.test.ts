import { describe, expect, it } from 'vitest';
import { parseCommit, parseCommitHeader, parseSignature, parseTagTarget } from './commit.js';

const T = 'a'.repeat(40);
const P1 = 'b'.repeat(40);
const P2 = 'c'.repeat(40);
const raw = Buffer.from(
  `tree ${T}\nparent ${P1}\nparent ${P2}\n` +
    'author Ana Lima <ana@example.com> 1700000000 +0130\n' +
    'committer Bot <bot@example.com> 1700000123 -0700\n' +
    'gpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n' +
    '\nmerge side\n\nModel: m1\n',
);

describe('commit parsing', () => {
  it('reads tree, parents and committer time from the header alone', () => {
    expect(parseCommitHeader(raw)).toEqual({ tree: T, parents: [P1, P2], time: 1700000123 });
  });

  it('reads people, offsets (minutes behind UTC) and the message after the signature', () => {
    const c = parseCommit(raw);
    expect(c.author).toEqual({
      name: 'Ana Lima',
      email: 'ana@example.com',
      timestamp: 1700000000,
      timezoneOffset: -90,
    });
    expect(c.committer).toEqual({
      name: 'Bot',
      email: 'bot@example.com',
      timestamp: 1700000123,
      timezoneOffset: 420,
    });
    expect(c.message).toBe('merge side\n\nModel: m1\n');
  });

  it('reads a signature with an empty name and a UTC offset as 0, not -0', () => {
    expect(parseSignature('<x@y> 5 +0000')).toEqual({
      name: '',
      email: 'x@y',
      timestamp: 5,
      timezoneOffset: 0,
    });
  });

  it('reads the target of an annotated tag', () => {
    expect(parseTagTarget(Buffer.from(`object ${P1}\ntype commit\ntag v1\n`))).toEqual({
      object: P1,
      type: 'commit',
    });
    expect(() => parseTagTarget(Buffer.from('nonsense'))).toThrow(/tag: no object/);
  });

  it('refuses a commit without a tree line', () => {
    expect(() => parseCommitHeader(Buffer.from('parent x\n'))).toThrow(/no tree line/);
  });
});
