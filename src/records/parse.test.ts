import { describe, expect, it } from 'vitest';
import { formatFinding } from './finding.js';
import { parseRecordFile } from './parse.js';

const enc = (s: string) => new TextEncoder().encode(s);
const errorsOf = (path: string, bytes: Uint8Array) => {
  const r = parseRecordFile(path, bytes);
  if (r.ok) throw new Error('expected findings');
  return r.findings.map(formatFinding);
};

/** A "billion laughs": 9 levels of 9 aliases each would expand to 9^9 nodes. */
function bomb(): string {
  const lines = ['kind: Model', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghij';
  for (let i = 1; i < 10; i++) {
    const prev = names[i - 1]!;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

describe('parseRecordFile: bad input fails fast with a position', () => {
  // No timings here (they flake on a busy machine): the findings show which limit stopped
  // the parse, which is what keeps it cheap.
  it('rejects a billion-laughs file at the alias limit', () => {
    const out = errorsOf('bomb.yaml', enc(bomb()));
    expect(out).toEqual([
      expect.stringMatching(/^bomb\.yaml:3:\d+: yaml\/alias-limit: aliases expand too far/),
    ]);
  });

  it('allows a few aliases', () => {
    const r = parseRecordFile('a.yaml', enc('kind: Model\nx: &x {a: 1}\ny: *x\n'));
    expect(r.ok && r.file.value).toEqual({ kind: 'Model', x: { a: 1 }, y: { a: 1 } });
  });

  it('rejects a duplicate key on its line', () => {
    expect(errorsOf('d.yaml', enc('kind: Model\nname: x\ndescription: y\nname: z\n'))).toEqual([
      'd.yaml:4:1: yaml/duplicate-key: duplicate key in a mapping',
    ]);
  });

  it('rejects a duplicate key on the alias path too', () => {
    expect(errorsOf('d.yaml', enc('kind: Model\nx: &x 1\nname: x\nname: y\n'))[0]).toMatch(
      /^d\.yaml:4:1: yaml\/duplicate-key:/,
    );
  });

  it('rejects a file over 1 MiB before parsing it', () => {
    const big = enc('kind: Model\ndescription: "' + 'x'.repeat(2 * 1024 * 1024) + '"\n');
    const out = errorsOf('big.yaml', big);
    expect(out).toEqual([
      expect.stringMatching(/^big\.yaml:1:1: yaml\/too-large: file is 2097180 bytes/),
    ]);
  });

  it('rejects invalid UTF-8 at its line and column', () => {
    const bytes = new Uint8Array([...enc('kind: Model\nname: "ab'), 0xc3, 0x28, ...enc('"\n')]);
    expect(errorsOf('u.yaml', bytes)).toEqual([
      'u.yaml:2:10: yaml/encoding: invalid UTF-8 at byte 21',
    ]);
  });

  it('rejects overlong and surrogate encodings', () => {
    expect(errorsOf('o.yaml', new Uint8Array([0x61, 0xc0, 0xaf]))[0]).toMatch(
      /invalid UTF-8 at byte 1/,
    );
    expect(errorsOf('s.yaml', new Uint8Array([0x61, 0xed, 0xa0, 0x80]))[0]).toMatch(
      /invalid UTF-8 at byte 1/,
    );
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects a %s key at its position', (key) => {
    const out = errorsOf(
      'p.yaml',
      enc(`kind: Model\ntraining:\n  params:\n    ${key}: {polluted: true}\n`),
    );
    expect(out).toEqual([
      `p.yaml:4:5: yaml/forbidden-key: key "${key}" is not allowed (prototype pollution)`,
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a top level that is not a mapping', () => {
    expect(errorsOf('l.yaml', enc('- a\n- b\n'))).toEqual([
      'l.yaml:1:1: yaml/not-a-mapping: a record must be a YAML mapping of keys to values',
    ]);
  });

  it('reports a syntax error where it is', () => {
    expect(errorsOf('s.yaml', enc('kind: Model\nname: [unclosed\n'))[0]).toMatch(
      /^s\.yaml:3:1: yaml\/syntax: /,
    );
  });

  it('rejects several documents in one file', () => {
    expect(errorsOf('m.yaml', enc('kind: Model\n---\nkind: Model\n'))[0]).toMatch(/yaml\/syntax/);
  });

  it('keeps timestamps and versions as strings', () => {
    const r = parseRecordFile('t.yaml', enc('at: 2026-01-01T00:00:00Z\nv: 1.10\nn: 0.90\n'));
    expect(r.ok && r.file.value).toEqual({ at: '2026-01-01T00:00:00Z', v: 1.1, n: 0.9 });
  });

  it('strips a byte-order mark', () => {
    const r = parseRecordFile('b.yaml', enc('\uFEFFkind: Model\n'));
    expect(r.ok && r.file.value).toEqual({ kind: 'Model' });
  });
});

describe('positions', () => {
  it('locates keys and values, nested and in lists', () => {
    const text = 'kind: Model\ntraining:\n  inputs:\n    datasets: [a, b]\n  gpus: 2\n';
    const r = parseRecordFile('x.yaml', enc(text));
    if (!r.ok) throw new Error('parse failed');
    expect(r.file.locate(['training', 'gpus'])).toEqual({ line: 5, col: 9 });
    expect(r.file.locate(['training', 'gpus'], 'key')).toEqual({ line: 5, col: 3 });
    expect(r.file.locate(['training', 'inputs', 'datasets', 1])).toEqual({ line: 4, col: 19 });
    // a missing key resolves to its nearest existing parent
    expect(r.file.locate(['training', 'missing'], 'key')).toEqual({ line: 3, col: 3 });
  });
});

describe('forbidden keys spelled with escapes', () => {
  it('rejects "__pro\\x74o__" written with a YAML escape', () => {
    const r = parseRecordFile(
      'e.yaml',
      new TextEncoder().encode('kind: Model\nx:\n  "__pro\\x74o__": 1\n'),
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.findings[0]!.rule).toBe('yaml/forbidden-key');
  });
});
