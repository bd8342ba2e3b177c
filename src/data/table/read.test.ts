import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  type RecordBatch,
  type DataType,
  Schema,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeVector,
  vectorFromArray,
} from 'apache-arrow';
import { TableError } from './errors.js';
import { detectFormat } from './format.js';
import { readJsonlBatches } from './jsonl.js';
import { loadParquetWasm, parquetWasmSource } from './parquet-wasm.js';
import { describeTable, readBatches, readTable, typeName } from './read.js';
import { tempDir, writeArrow, writeParquet, writeText } from './testing.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** 10 rows of every type a Dataset pointer lists, with nulls. */
function sample(rows = 10): Table {
  const ints = new BigInt64Array(rows).map((_, i) => BigInt(i * 1000));
  return new Table({
    id: makeVector(ints),
    score: makeVector(Float64Array.from({ length: rows }, (_, i) => i / 10)),
    label: vectorFromArray(
      Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? null : `l${i % 3}`)),
      new Utf8(),
    ),
    ok: vectorFromArray(
      Array.from({ length: rows }, (_, i) => i % 2 === 0),
      new Bool(),
    ),
    at: vectorFromArray(
      Array.from({ length: rows }, (_, i) => Date.UTC(2024, 0, 1 + i)),
      new TimestampMicrosecond('UTC'),
    ),
  });
}

async function collect(file: string): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of readBatches(file)) out.push(b);
  return out;
}

function json(table: { toArray(): { toJSON(): unknown }[] }): unknown[] {
  return table.toArray().map((r) => r.toJSON());
}

async function thrown(p: Promise<unknown>): Promise<TableError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TableError) return e;
    throw e;
  }
  throw new Error('expected a TableError');
}

describe('detectFormat', () => {
  it('knows each extension, case-insensitively', () => {
    expect(
      ['a.csv', 'a.PARQUET', 'a.pq', 'a.arrow', 'a.feather', 'a.ipc', 'a.jsonl', 'a.ndjson'].map(
        detectFormat,
      ),
    ).toEqual(['csv', 'parquet', 'parquet', 'arrow', 'arrow', 'arrow', 'jsonl', 'jsonl']);
  });

  it('lists the supported extensions for an unknown one', () => {
    expect(() => detectFormat('data/x.xlsx')).toThrow(
      "data/x.xlsx: table: unknown extension '.xlsx'; supported: .csv, .parquet, .pq, .arrow, " +
        '.feather, .ipc, .arrows, .jsonl, .ndjson',
    );
    expect(() => detectFormat('data/x')).toThrow(/no extension; supported: \.csv/);
  });
});

describe('Parquet', () => {
  let file: string;
  beforeAll(async () => {
    file = await writeParquet(join(dir, 'sample.parquet'), sample(10), { rowGroupRows: 4 });
  });

  it('loads parquet-wasm from node_modules when running from source', async () => {
    await loadParquetWasm();
    expect(parquetWasmSource()).toMatch(/node_modules\/parquet-wasm\/esm\/parquet_wasm_bg\.wasm$/);
  });

  it('reads a whole file with its types and nulls', async () => {
    const table = await readTable(file);
    expect(table.numRows).toBe(10);
    expect(json(table)).toEqual(json(sample(10)));
    expect(table.schema.fields.map((f) => typeName(f.type as DataType))).toEqual([
      'int64',
      'float64',
      'string',
      'bool',
      'timestamp',
    ]);
  });

  it('streams one row group at a time', async () => {
    const batches = await collect(file);
    expect(batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => json(b))).toEqual(json(sample(10)));
  });

  it('describes a file from its footer', async () => {
    expect(await describeTable(file)).toEqual({
      rows: 10,
      columns: [
        { name: 'id', type: 'int64' },
        { name: 'score', type: 'float64' },
        { name: 'label', type: 'string' },
        { name: 'ok', type: 'bool' },
        { name: 'at', type: 'timestamp' },
      ],
    });
  });

  it('yields one empty batch with the schema for a file with no rows', async () => {
    const empty = await writeParquet(join(dir, 'empty.parquet'), sample(0));
    const batches = await collect(empty);
    expect(batches.map((b) => [b.numRows, b.schema.fields.length])).toEqual([[0, 5]]);
    expect((await readTable(empty)).numRows).toBe(0);
    expect((await describeTable(empty)).rows).toBe(0);
  });

  it('keeps a dictionary-encoded column, named by its values', async () => {
    const dict = new Dictionary(new Utf8(), new Int32());
    const table = new Table({
      c: vectorFromArray(['a', 'b', 'a', null], dict),
    });
    const f = await writeParquet(join(dir, 'dict.parquet'), table);
    const back = await readTable(f);
    expect(json(back)).toEqual([{ c: 'a' }, { c: 'b' }, { c: 'a' }, { c: null }]);
    expect(await describeTable(f)).toEqual({ rows: 4, columns: [{ name: 'c', type: 'string' }] });
  });

  it('refuses a truncated file with a clear error, and stays usable', async () => {
    const bytes = readFileSync(file);
    const cut = join(dir, 'cut.parquet');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 20));
    for (const read of [readTable, describeTable, collect]) {
      const e = await thrown(read(cut));
      expect(e.code).toBe('BAD_PARQUET');
      expect(e.message).toBe(
        `${cut}: parquet: Invalid Parquet file. Corrupt footer ` +
          '(not a Parquet file, or truncated: the footer at its end is missing)',
      );
    }
    const empty = writeText(dir, 'zero.parquet', '');
    expect((await thrown(readTable(empty))).code).toBe('BAD_PARQUET');
    expect((await readTable(file)).numRows).toBe(10);
  });

  it('is a READ_FAILED error for a missing file', async () => {
    const missing = join(dir, 'missing.parquet');
    for (const read of [readTable, describeTable, collect]) {
      const e = await thrown(read(missing));
      expect(e.code).toBe('READ_FAILED');
      expect(e.detail).toMatch(/^ENOENT: no such file or directory/);
    }
  });
});

describe('Arrow IPC', () => {
  const table = new Table([...sample(6).batches, ...sample(3).batches, ...sample(1).batches]);

  it('reads the file format and the stream format, whole and batch by batch', async () => {
    for (const format of ['file', 'stream'] as const) {
      const f = writeArrow(join(dir, `t-${format}.arrow`), table, format);
      expect(json(await readTable(f))).toEqual(json(table));
      const batches = await collect(f);
      expect(batches.map((b) => b.numRows)).toEqual([6, 3, 1]);
      expect((await describeTable(f)).rows).toBe(10);
    }
  });

  it('yields one empty batch with the schema for a stream with no batches', async () => {
    const schema = new Schema([new Field('a', new Int64(), true)]);
    const f = writeArrow(join(dir, 'none.arrows'), new Table(schema), 'stream');
    const batches = await collect(f);
    expect(batches.map((b) => [b.numRows, b.schema.fields[0]!.name])).toEqual([[0, 'a']]);
    expect(await describeTable(f)).toEqual({ rows: 0, columns: [{ name: 'a', type: 'int64' }] });
  });

  it('refuses junk, a truncated file, an empty file and Feather v1', async () => {
    const bytes = readFileSync(writeArrow(join(dir, 'ok.arrow'), table));
    const cases = {
      'junk.arrow': Buffer.from('this is not arrow at all, not at all'),
      'cut.feather': bytes.subarray(0, 300),
      'empty.ipc': Buffer.alloc(0),
      'v1.feather': Buffer.concat([Buffer.from('FEA1'), Buffer.alloc(64)]),
    };
    for (const [name, content] of Object.entries(cases)) {
      const f = join(dir, name);
      writeFileSync(f, content);
      for (const read of [readTable, collect]) {
        const e = await thrown(read(f));
        expect(e.code, name).toBe('BAD_ARROW');
        expect(e.message.startsWith(`${f}: arrow: `), e.message).toBe(true);
      }
    }
    expect((await thrown(readTable(join(dir, 'empty.ipc')))).detail).toBe(
      'empty file: not an Arrow IPC file or stream',
    );
    expect((await thrown(readTable(join(dir, 'v1.feather')))).detail).toMatch(
      /^Feather v1 is not supported/,
    );
  });
});

describe('JSON Lines', () => {
  it('reads objects, unions their keys, and infers types', async () => {
    const f = writeText(
      dir,
      'a.jsonl',
      '{"a":1,"b":"2024-01-01T00:00:00Z","c":true}\r\n' +
        '\n' +
        '{"a":2.5,"d":{"x":[1]},"c":false}\n' +
        '{"a":null,"b":null,"e":1,"toString":3}',
    );
    const table = await readTable(f);
    expect(table.schema.fields.map((x) => `${x.name}:${typeName(x.type as DataType)}`)).toEqual([
      'a:float64',
      'b:timestamp',
      'c:bool',
      'd:string',
      'e:int64',
      'toString:int64',
    ]);
    expect(json(table)).toEqual([
      { a: 1, b: Date.UTC(2024, 0, 1), c: true, d: null, e: null, toString: null },
      { a: 2.5, b: null, c: false, d: '{"x":[1]}', e: null, toString: null },
      { a: null, b: null, c: null, d: null, e: 1n, toString: 3n },
    ]);
    const streamed = (await collect(f)).flatMap((b) => json(b));
    expect(streamed).toEqual(json(table));
    expect((await describeTable(f)).rows).toBe(3);
  });

  it('streams batches with the types of the whole file', async () => {
    const f = writeText(dir, 'b.jsonl', '{"n":1}\n{"n":2}\n{"n":3}\n{"n":4.5,"s":"x"}\n{"n":5}\n');
    const batches: RecordBatch[] = [];
    for await (const b of readJsonlBatches(f, 2)) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([2, 2, 1]);
    for (const b of batches) {
      expect(b.schema.fields.map((x) => `${x.name}:${typeName(x.type as DataType)}`)).toEqual([
        'n:float64',
        's:string',
      ]);
    }
    expect(batches.flatMap((b) => json(b))[3]).toEqual({ n: 4.5, s: 'x' });
  });

  it('reports a bad line with its position', async () => {
    const f = writeText(dir, 'bad.jsonl', '{"a":1}\n{"a":}\n');
    const e = await thrown(readTable(f));
    expect(e.code).toBe('JSONL_SYNTAX');
    expect(e.location?.line).toBe(2);
    expect(e.message).toMatch(new RegExp(`^${f}:2:\\d+: jsonl: invalid JSON: `));
    const arr = writeText(dir, 'arr.jsonl', '{"a":1}\n  [1,2]\n');
    expect((await thrown(readTable(arr))).message).toBe(
      `${arr}:2:3: jsonl: expected a JSON object, got an array`,
    );
  });

  it('reads an empty file as no columns and no rows', async () => {
    const f = writeText(dir, 'empty.ndjson', '\n\n');
    const t = await readTable(f);
    expect([t.numRows, t.numCols]).toEqual([0, 0]);
  });
});

describe('readTable with an explicit format', () => {
  it('ignores the extension', async () => {
    const f = writeText(dir, 'data.txt', 'a\n1\n');
    expect((await readTable(f, 'csv')).numRows).toBe(1);
    expect(() => readBatches(f)).toThrow(/unknown extension '\.txt'/);
  });
});

it('typeName spells types as Dataset pointers do', () => {
  expect([new Int64(), new Float64(), new Utf8(), new Bool()].map(typeName)).toEqual([
    'int64',
    'float64',
    'string',
    'bool',
  ]);
  expect(typeName(new Dictionary(new Utf8(), new Int32()))).toBe('string');
});
