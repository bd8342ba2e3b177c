/**
 * Per-column drift of 1,000,000 rows × 20 numeric features against NumPy/SciPy: PSI (Sturges
 * bins over both samples) + the Evidently test above 1,000 reference rows (Wasserstein normed)
 * + KS for comparison. Ours reads Parquet one column at a time (`readColumns`); NumPy reads the
 * same values from .npy files written beside (no pyarrow here), reading timed separately.
 * Each side runs in its own process, 3 times alternated; figures are medians, with peak RSS
 * (`process.resourceUsage().maxRSS`, `getrusage().ru_maxrss`). The sums of PSI, Wasserstein
 * and KS statistics over the features must agree to 1e-6.
 * `npm run bench -- drift`, or alone: `npx tsx bench/drift.bench.ts`; DRIFT_BENCH_ROWS for
 * fewer rows. Inputs are written once under bench/.work/drift/<rows>/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Float64, makeData, makeVector, Table } from 'apache-arrow';
import { random, writeParquet } from '../src/data/table/testing.js';
import { figure, median, printFigures, type Figure } from './figure.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FEATURES = 20;
const RUNS = 3;

/** A .npy file (format 1.0, little-endian float64, C order) of one column. */
function writeNpy(file: string, xs: Float64Array): void {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${xs.length},), }`;
  header = header.padEnd(64 * Math.ceil((header.length + 11) / 64) - 11, ' ') + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(
    file,
    Buffer.concat([
      pre,
      Buffer.from(header, 'latin1'),
      Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength),
    ]),
  );
}

async function data(rows: number): Promise<string> {
  const dir = join(HERE, '.work', 'drift', String(rows));
  if (existsSync(join(dir, 'done'))) return dir;
  mkdirSync(dir, { recursive: true });
  const rnd = random(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  for (const side of ['reference', 'current'] as const) {
    const cols: Record<string, ReturnType<typeof makeVector>> = {};
    for (let f = 0; f < FEATURES; f++) {
      // current: every other feature shifted by a growing fraction of its spread
      const shift = side === 'current' && f % 2 ? 0.02 * f : 0;
      const xs = Float64Array.from(
        { length: rows },
        () => f * 0.5 + (1 + f * 0.1) * (normal() + shift),
      );
      writeNpy(join(dir, `${side}.f${f}.npy`), xs);
      cols[`f${f}`] = makeVector(makeData({ type: new Float64(), length: rows, data: xs }));
    }
    await writeParquet(join(dir, `${side}.parquet`), new Table(cols), { rowGroupRows: 1 << 17 });
  }
  writeFileSync(join(dir, 'done'), '');
  return dir;
}

interface Measured {
  read_ms: number;
  drift_ms: number;
  rss_mb: number;
  checksum: Record<string, number>;
}

function measure(cmd: string, args: string[]): Measured {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

export async function run(): Promise<Figure[]> {
  const rows = Number(process.env.DRIFT_BENCH_ROWS ?? 1_000_000);
  const dir = await data(rows);
  const ours: Measured[] = [];
  const numpy: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(
      measure(process.execPath, [
        '--import',
        'tsx',
        join(HERE, 'drift-ours.ts'),
        dir,
        String(FEATURES),
      ]),
    );
    numpy.push(measure('/usr/bin/python3', [join(HERE, 'drift.py'), dir, String(FEATURES)]));
  }
  for (const [k, v] of Object.entries(numpy[0]!.checksum)) {
    const o = ours[0]!.checksum[k]!;
    if (Math.abs(o - v) > 1e-6 * Math.abs(v)) throw new Error(`${k}: ours ${o}, NumPy ${v}`);
  }
  const med = (xs: Measured[], f: (m: Measured) => number) => median(xs.map(f));
  for (const [who, xs] of [
    ['ours (Parquet)', ours],
    ['NumPy/SciPy (.npy)', numpy],
  ] as const) {
    console.log(
      `${who}: read ${med(xs, (m) => m.read_ms).toFixed(0)} ms, drift ${med(xs, (m) => m.drift_ms).toFixed(0)} ms, ` +
        `peak RSS ${med(xs, (m) => m.rss_mb).toFixed(0)} MB (medians of ${RUNS})`,
    );
  }
  const label = `${rows.toLocaleString('en')} rows × ${FEATURES} features`;
  const rss = `peak RSS ours ${med(ours, (m) => m.rss_mb).toFixed(0)} MB, NumPy ${med(numpy, (m) => m.rss_mb).toFixed(0)} MB`;
  const peer = 'NumPy 1.24 / SciPy 1.10';
  return [
    figure(
      `drift PSI + Wasserstein + KS in memory, ${label} (${rss})`,
      med(ours, (m) => m.drift_ms),
      peer,
      med(numpy, (m) => m.drift_ms),
      'ratio <= 1',
    ),
    figure(
      `drift from files (ours Parquet, NumPy .npy), ${label}`,
      med(ours, (m) => m.read_ms + m.drift_ms),
      `${peer} + np.load`,
      med(numpy, (m) => m.read_ms + m.drift_ms),
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
