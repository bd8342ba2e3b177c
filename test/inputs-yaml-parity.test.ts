/**
 * The two YAML loaders of src/records/parse.ts (js-yaml when no alias can occur, `yaml`
 * otherwise) read every scalar the same way: the YAML 1.2 core schema. A seeded generator
 * writes documents of scalars (ints in every base, floats, .inf/.nan, booleans and nulls in
 * every spelling, timestamps, quoted and tagged strings that look like numbers) and each is
 * read by both loaders, and through parseRecordFile with and without an anchor in the file.
 */
import { describe, expect, it } from 'vitest';
import { parseDocumentPath, parseFast, parseRecordFile } from '../src/records/parse.js';

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: () => number, set: string, min = 1, max = 6) =>
  Array.from({ length: min + Math.floor(r() * (max - min + 1)) }, () => pick(r, [...set])).join('');
const sign = (r: () => number) => pick(r, ['', '', '-', '+']);

/** One scalar as it would be written after `key: `, in one of many forms. */
function scalar(r: () => number): string {
  const forms: (() => string)[] = [
    () => sign(r) + digits(r, '0123456789'),
    () => sign(r) + '0' + digits(r, '01234567'),
    () => sign(r) + '0o' + digits(r, '01234567'),
    () => sign(r) + '0x' + digits(r, '0123456789abcdefABCDEF'),
    () => sign(r) + '0X' + digits(r, '0123456789ABCDEF'),
    () => sign(r) + '0b' + digits(r, '01'),
    () => digits(r, '0123456789', 1, 3) + '_' + digits(r, '0123456789', 3, 3),
    () => sign(r) + digits(r, '0123456789', 1, 3) + '.' + digits(r, '0123456789', 0, 4),
    () => sign(r) + '.' + digits(r, '0123456789', 1, 3),
    () =>
      sign(r) +
      digits(r, '0123456789', 1, 2) +
      pick(r, ['', '.', '.5']) +
      pick(r, ['e', 'E']) +
      pick(r, ['', '+', '-']) +
      digits(r, '0123456789', 1, 3),
    () => sign(r) + pick(r, ['.inf', '.Inf', '.INF', '.iNf', 'inf', 'Infinity']),
    () => pick(r, ['.nan', '.NaN', '.NAN', '.Nan', 'nan', 'NaN', '+.nan', '-.nan']),
    () => pick(r, ['true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'Yes', 'no']),
    () => pick(r, ['on', 'off', 'On', 'OFF', 'y', 'n', 'Y', 'N']),
    () => pick(r, ['null', 'Null', 'NULL', 'nULL', '~', '', 'none', 'None']),
    () =>
      pick(r, [
        '2024-01-31',
        '2024-01-31T10:20:30Z',
        '2024-01-31 10:20:30.5 +02:00',
        '2001-12-14t21:59:43.10-05:00',
        '12:30:45',
        '1:20',
        '190:20:30',
      ]),
    () => `"${scalarish(r)}"`,
    () => `'${scalarish(r)}'`,
    () => `${pick(r, ['!!str', '!!int', '!!float', '!!bool', '!!null'])} ${scalarish(r)}`,
    () => pick(r, ['1.0.0', 'v1', '1e', '0x', '0o', '0b', '.', '-', '+', '._1', '1__0', '0.1.2']),
    () => pick(r, ['"\\u00e9"', '"\\x41"', "'it''s'", '"a\\tb"', '|\n  block\n', '>-\n  fold\n']),
  ];
  return pick(r, forms)();
}

/** Text that looks like a number, bool or null, to quote or tag. */
function scalarish(r: () => number): string {
  const s = scalar(r);
  return /^[!"'|>]/.test(s) ? digits(r, '0123456789') : s;
}

type Outcome = { ok: true; value: unknown } | { ok: false };
const outcome = (p: { ok: true; value: unknown } | { ok: false }): Outcome =>
  p.ok ? { ok: true, value: p.value } : { ok: false };
/** toEqual treats NaN as NaN and tells -0 from 0, as the loaders must. */
const same = (a: Outcome, b: Outcome, doc: string) => expect({ doc, ...b }).toEqual({ doc, ...a });

describe('the two YAML loaders read every scalar the same way', () => {
  it('over 3,000 generated documents, read directly by each loader', () => {
    const r = rng(20261208);
    for (let n = 0; n < 3000; n++) {
      const lines = Array.from({ length: 4 }, (_, i) => `k${i}: ${scalar(r)}`);
      lines.push(`list: [${scalarish(r)}, ${scalarish(r)}]`);
      const doc = lines.join('\n') + '\n';
      same(outcome(parseFast('x.yaml', doc)), outcome(parseDocumentPath('x.yaml', doc)), doc);
    }
  });

  it('through parseRecordFile, with and without an anchor in the file', () => {
    const r = rng(7);
    const enc = (s: string) => new TextEncoder().encode(s);
    for (let n = 0; n < 1000; n++) {
      const v = scalar(r);
      const plain = `kind: Model\nx: ${v}\n`;
      const anchored = `kind: Model\nx: ${v}\nanchor: &a 1\nalias: *a\n`;
      const a = parseRecordFile('x.yaml', enc(plain));
      const b = parseRecordFile('x.yaml', enc(anchored));
      same(
        a.ok ? { ok: true, value: a.file.value.x } : { ok: false },
        b.ok ? { ok: true, value: b.file.value.x } : { ok: false },
        v,
      );
    }
  });

  it('reads the YAML 1.2 core schema: 0b101 is a string, 0o17 and 0x1F are numbers', () => {
    const doc =
      'a: 0b101\nb: 0o17\nc: 0x1F\nd: -0x1F\ne: +.5\nf: yes\ng: ~\nh: .NaN\ni: 1_000\nj: 2024-01-31\n';
    const expected = {
      a: '0b101',
      b: 15,
      c: 31,
      d: '-0x1F',
      e: 0.5,
      f: 'yes',
      g: null,
      h: NaN,
      i: '1_000',
      j: '2024-01-31',
    };
    expect(parseFast('x.yaml', doc)).toEqual({ ok: true, value: expected });
    expect(parseDocumentPath('x.yaml', `${doc}k: &k 1\nl: *k\n`)).toEqual({
      ok: true,
      value: { ...expected, k: 1, l: 1 },
    });
  });

  it('names keys the same way, and refuses a key that is a list or a mapping', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    for (const keys of ['~: 1\n1: 2\ntrue: 3\n0x10: 4\n', 'null: 1\n1.0: 2\n']) {
      const fast = parseFast('x.yaml', keys);
      const full = parseDocumentPath('x.yaml', keys);
      expect(full).toEqual(fast);
    }
    for (const text of ['[a, b]: 1\n', '? {a: 1}\n: 2\n']) {
      const r = parseRecordFile('x.yaml', enc(`kind: Model\n${text}`));
      expect(r.ok ? [] : r.findings.map((f) => f.rule)).toEqual(['yaml/complex-key']);
    }
  });
});
