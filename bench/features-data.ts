/**
 * The point-in-time join bench's inputs, written once under bench/.work/features-join/<size>/:
 * the entity rows and three feature views as Parquet (what we read) and as CSV (what pandas
 * reads: the Debian pandas here has no pyarrow, so it reads neither Parquet nor Arrow IPC).
 * Keys are int64 (Feast's `driver_id` style); times are epoch ms on a 1 s grid over 30 days,
 * so equal event times happen and created times break them.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Table, makeData, makeVector, Float64, TimestampMillisecond } from 'apache-arrow';
import { random, writeParquet } from '../src/data/table/testing.js';

const DAY = 86_400_000;
const SPAN = 30 * DAY;

export interface ViewPlan {
  name: string;
  rows: number;
  ttlMs: number;
  created: boolean;
}

export interface BenchSize {
  label: string;
  entities: number;
  keys: number;
  views: ViewPlan[];
}

/** The headline: 1M entity rows, 10M feature rows over 3 views, 100k keys. */
export const FULL: BenchSize = {
  label: '1M entities × 10M feature rows',
  entities: 1_000_000,
  keys: 100_000,
  views: [
    { name: 'stats', rows: 4_000_000, ttlMs: 7 * DAY, created: true },
    { name: 'profile', rows: 3_000_000, ttlMs: DAY, created: false },
    { name: 'activity', rows: 3_000_000, ttlMs: 0, created: true },
  ],
};

/** A tenth of it, for a quick run. */
export const SMALL: BenchSize = {
  label: '100k entities × 1M feature rows',
  entities: 100_000,
  keys: 10_000,
  views: FULL.views.map((v) => ({ ...v, rows: v.rows / 10 })),
};

function ms(values: Float64Array): ReturnType<typeof makeVector> {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return makeVector(
    makeData({ type: new TimestampMillisecond(), length: values.length, nullCount: 0, data }),
  );
}

/** Columns of one file, with the CSV writer alongside so both hold the same values. */
interface Columns {
  key: Float64Array;
  ts: Float64Array;
  created?: Float64Array;
  /** Feature a: float64, null (NaN here) in 1 row of 100. */
  a?: Float64Array;
  /** Feature b: int64. */
  b?: Float64Array;
}

function generate(
  rows: number,
  keys: number,
  seed: number,
  features: boolean,
  created: boolean,
): Columns {
  const next = random(seed);
  const c: Columns = { key: new Float64Array(rows), ts: new Float64Array(rows) };
  if (created) c.created = new Float64Array(rows);
  if (features) {
    c.a = new Float64Array(rows);
    c.b = new Float64Array(rows);
  }
  for (let i = 0; i < rows; i++) {
    c.key[i] = Math.floor(next() * keys);
    c.ts[i] = Math.floor(next() * (SPAN / 1000)) * 1000;
    if (c.created) c.created[i] = c.ts[i]! + Math.floor(next() * 4) * 60_000;
    if (c.a && c.b) {
      c.a[i] = next() < 0.01 ? NaN : Math.round(next() * 1e6) / 1e3;
      c.b[i] = Math.floor(next() * 1000);
    }
  }
  return c;
}

function toTable(c: Columns): Table {
  const cols: Record<string, ReturnType<typeof makeVector>> = {
    key: makeVector(BigInt64Array.from(c.key, (x) => BigInt(x))),
    event_timestamp: ms(c.ts),
  };
  if (c.created) cols.created = ms(c.created);
  if (c.a && c.b) {
    const a = c.a;
    const valid = new Uint8Array((a.length + 7) >> 3);
    for (let i = 0; i < a.length; i++) if (a[i] === a[i]) valid[i >> 3]! |= 1 << (i & 7);
    cols.a = makeVector(
      makeData({ type: new Float64(), length: a.length, nullBitmap: valid, data: a }),
    );
    cols.b = makeVector(BigInt64Array.from(c.b, (x) => BigInt(x)));
  }
  return new Table(cols);
}

function writeCsv(file: string, c: Columns): void {
  const fd = openSync(file, 'w');
  const names = [
    'key',
    'event_timestamp',
    ...(c.created ? ['created'] : []),
    ...(c.a ? ['a', 'b'] : []),
  ];
  writeSync(fd, names.join(',') + '\n');
  const step = 100_000;
  for (let s = 0; s < c.key.length; s += step) {
    const lines: string[] = [];
    for (let i = s; i < Math.min(s + step, c.key.length); i++) {
      let line = `${c.key[i]},${c.ts[i]}`;
      if (c.created) line += `,${c.created[i]}`;
      if (c.a && c.b) line += `,${c.a[i] === c.a[i] ? c.a[i] : ''},${c.b[i]}`;
      lines.push(line);
    }
    writeSync(fd, lines.join('\n') + '\n');
  }
  closeSync(fd);
}

/** Writes the inputs unless they are there; the folder. */
export async function benchData(root: string, size: BenchSize): Promise<string> {
  const dir = join(root, `${size.entities}`);
  if (existsSync(join(dir, 'done'))) return dir;
  mkdirSync(dir, { recursive: true });
  const files: [string, Columns][] = [
    ['entities', generate(size.entities, size.keys, 1, false, false)],
  ];
  size.views.forEach((v, i) =>
    files.push([v.name, generate(v.rows, size.keys, 10 + i, true, v.created)]),
  );
  for (const [name, c] of files) {
    await writeParquet(join(dir, `${name}.parquet`), toTable(c), { rowGroupRows: 1 << 20 });
    writeCsv(join(dir, `${name}.csv`), c);
  }
  writeFileSync(join(dir, 'done'), ''); // written last: a run cut short regenerates
  return dir;
}
