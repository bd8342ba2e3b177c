import { afterAll, describe, expect, it } from 'vitest';
import type { DataType, Table } from 'apache-arrow';
import { CsvTokenizer, readCsvBatches } from './csv.js';
import { TableError } from './errors.js';
import { describeTable, readBatches, readTable, typeName } from './read.js';
import { tempDir, writeText } from './testing.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function tokenize(chunks: string[], width = 0): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const t = new CsvTokenizer('x.csv', (fields) => rows.push(fields));
  t.width = width;
  for (const c of chunks) t.push(c);
  t.end();
  return rows;
}

function csvError(text: string): TableError {
  try {
    const t = new CsvTokenizer('x.csv', (f) => {
      if (t.width === 0) t.width = f.length;
    });
    t.push(text);
    t.end();
  } catch (e) {
    if (e instanceof TableError) return e;
    throw e;
  }
  throw new Error('no error');
}

function rows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

function types(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}:${typeName(f.type as DataType)}`);
}

describe('CsvTokenizer (RFC 4180)', () => {
  const text =
    'id,text,n\r\n' +
    '1,"a, b",2\r\n' +
    '2,"say ""hi""\r\nand\nbye",\r\n' +
    '3,,"x"\r\n' +
    '4,plain"quote,""\n';
  const expected = [
    ['id', 'text', 'n'],
    ['1', 'a, b', '2'],
    ['2', 'say "hi"\r\nand\nbye', null],
    ['3', null, 'x'],
    ['4', 'plain"quote', null],
  ];

  it('reads quotes, escaped quotes, CRLF and embedded line breaks; empty fields are null', () => {
    expect(tokenize([text])).toEqual(expected);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    for (let a = 0; a <= text.length; a++) {
      for (const b of [a + 1, a + 2, a + 7]) {
        const chunks = [text.slice(0, a), text.slice(a, b), text.slice(b)];
        expect(tokenize(chunks), `split at ${a}/${b}`).toEqual(expected);
      }
    }
    expect(tokenize([...text])).toEqual(expected);
  });

  it('accepts a BOM, lone CR, blank lines and no final line break', () => {
    expect(tokenize(['\uFEFFa,b\r1,2\n\n\r\n3,4'])).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('names the first field too many in a ragged row', () => {
    const e = csvError('a,b,c\n1,2,3\n1,2,3,4,5\n');
    expect(e.code).toBe('CSV_SYNTAX');
    expect(e.location).toEqual({ line: 3, col: 7 });
    expect(e.message).toBe('x.csv:3:7: csv: row has 5 fields, the header has 3');
  });

  it('names the end of a row with too few fields', () => {
    expect(csvError('a,b,c\n1,2,3\n10,20\n').message).toBe(
      'x.csv:3:6: csv: row has 2 fields, the header has 3',
    );
    expect(csvError('a,b,c\n1,2').message).toBe(
      'x.csv:2:4: csv: row has 2 fields, the header has 3',
    );
  });

  it('counts lines inside quoted fields for later positions', () => {
    expect(csvError('a,b\n"x\ny",1\n1,2,3\n').location).toEqual({ line: 4, col: 5 });
  });

  it('points at the opening quote of an unterminated field', () => {
    const e = csvError('a,b\n1,2\n3,"never\nclosed\n');
    expect(e.message).toBe(
      'x.csv:3:3: csv: unterminated quoted field: the quote opened here never closes',
    );
  });

  it('refuses text after a closing quote', () => {
    expect(csvError('a,b\n"x"y,2\n').message).toBe(
      `x.csv:2:4: csv: expected ',' or a line break after the closing quote, found "y"`,
    );
  });
});

describe('readTable(csv)', () => {
  it('infers int64, float64, bool, timestamp and string per column', async () => {
    const file = writeText(
      dir,
      'types.csv',
      'i,f,b,ts,tz,s,empty,big\n' +
        '1,1.5,true,2024-01-02,2024-01-02T03:04:05Z,x,,9223372036854775807\n' +
        '-2,1e3,FALSE,2024-01-02 03:04:05.678,2024-01-02T05:04:05+02:00,,,1\n' +
        ',nan,,,,"007",,\n',
    );
    const table = await readTable(file);
    expect(types(table)).toEqual([
      'i:int64',
      'f:float64',
      'b:bool',
      'ts:timestamp',
      'tz:timestamp',
      's:string',
      'empty:string',
      'big:int64',
    ]);
    expect(String(table.schema.fields[4]!.type)).toBe('Timestamp<MILLISECOND, UTC>');
    expect(String(table.schema.fields[3]!.type)).toBe('Timestamp<MILLISECOND>');
    const [r1, r2, r3] = rows(table);
    expect(r1).toMatchObject({ i: 1n, f: 1.5, b: true, s: 'x', empty: null });
    expect(r1!.big).toBe(9223372036854775807n);
    expect(r1!.ts).toBe(Date.UTC(2024, 0, 2));
    expect(r1!.tz).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(r2).toMatchObject({ i: -2n, f: 1000, b: false, s: null });
    expect(r2!.ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(r2!.tz).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(r3).toMatchObject({ i: null, b: null, ts: null, s: '007' });
    expect(r3!.f).toBeNaN();
  });

  it('widens int to float64, and anything mixed to string', async () => {
    const file = writeText(
      dir,
      'mixed.csv',
      'a,b,c,d,e\n1,1,true,2024-01-01,99999999999999999999\n2.5,x,1,2024-01-01T00:00:00Z,1\n',
    );
    const table = await readTable(file);
    expect(types(table)).toEqual(['a:float64', 'b:string', 'c:string', 'd:string', 'e:float64']);
    expect(rows(table)[1]).toMatchObject({ a: 2.5, b: 'x', c: '1', d: '2024-01-01T00:00:00Z' });
  });

  it('refuses impossible dates as timestamps', async () => {
    const file = writeText(dir, 'dates.csv', 'd\n2024-02-29\n2023-02-29\n');
    expect(types(await readTable(file))).toEqual(['d:string']);
  });

  it('names an empty header Unnamed: i, and refuses a duplicate', async () => {
    const ok = writeText(dir, 'unnamed.csv', ',a\n0,x\n');
    expect(types(await readTable(ok))).toEqual(['Unnamed: 0:int64', 'a:string']);
    const dup = writeText(dir, 'dup.csv', 'a,b,a\n1,2,3\n');
    await expect(readTable(dup)).rejects.toThrow(
      `${dup}:1:1: csv: duplicate column name "a" (columns 1 and 3)`,
    );
  });

  it('reads an empty file as no columns and no rows, a header alone as no rows', async () => {
    const empty = writeText(dir, 'empty.csv', '');
    const t = await readTable(empty);
    expect([t.numRows, t.numCols]).toEqual([0, 0]);
    expect(await describeTable(empty)).toEqual({ rows: 0, columns: [] });
    const header = writeText(dir, 'header.csv', 'a,b\r\n');
    const h = await readTable(header);
    expect([h.numRows, types(h)]).toEqual([0, ['a:string', 'b:string']]);
    const batches = [];
    for await (const b of readBatches(header)) batches.push(b);
    expect(batches.map((b) => [b.numRows, b.schema.fields.length])).toEqual([[0, 2]]);
  });

  it('reports a ragged row with its location, from readTable, readBatches and describeTable', async () => {
    const file = writeText(dir, 'ragged.csv', 'a,b\n1,2\n3\n');
    const message = `${file}:3:2: csv: row has 1 field, the header has 2`;
    await expect(readTable(file)).rejects.toThrow(message);
    await expect(describeTable(file)).rejects.toThrow(message);
    const read = async () => {
      for await (const b of readBatches(file)) void b;
    };
    await expect(read()).rejects.toThrow(message);
  });

  it('is a READ_FAILED error for a missing file', async () => {
    await expect(readTable(`${dir}/nope.csv`)).rejects.toMatchObject({ code: 'READ_FAILED' });
  });
});

describe('readBatches(csv)', () => {
  it('streams batches with the types of the whole file', async () => {
    const lines = ['n,x'];
    for (let i = 0; i < 10; i++) lines.push(`${i},${i === 8 ? 'text' : i}`);
    const file = writeText(dir, 'stream.csv', lines.join('\n'));
    const batches = [];
    for await (const b of readCsvBatches(file, 3)) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([3, 3, 3, 1]);
    // column x is a string in every batch, though only the third batch holds text
    for (const b of batches) expect(types(b as unknown as Table)).toEqual(['n:int64', 'x:string']);
    const whole = await readTable(file);
    const streamed = batches.flatMap((b) =>
      b.toArray().map((r: { toJSON(): unknown }) => r.toJSON()),
    );
    expect(streamed).toEqual(rows(whole));
    expect(await describeTable(file)).toEqual({
      rows: 10,
      columns: [
        { name: 'n', type: 'int64' },
        { name: 'x', type: 'string' },
      ],
    });
  });
});
