/**
 * The point-in-time join (historical retrieval) against pandas `merge_asof`, the reference
 * Feast's offline stores are checked against, on 1M entity rows and 10M feature rows over
 * 3 views (100k int64 keys; ttls 7 days, 1 day and none; two views with a created column).
 *
 * Each side runs in its own process, 3 times, and reports its read time, its join time and
 * its peak RSS (`process.resourceUsage().maxRSS`, `getrusage().ru_maxrss`); the figures are
 * medians. Ours reads Parquet (`readTable`, then frames); pandas reads the same data as CSV
 * (`read_csv` with dtypes, then `to_datetime`), because the Debian pandas here has no pyarrow
 * and so cannot read Parquet or Arrow IPC. Read times are therefore printed but not compared;
 * the headline is the join alone, data in memory on both sides, plus the whole from-files run.
 * The two sides' checksums (non-null count and sum of every output feature) must agree.
 *
 * `npm run bench -- features-join`, or alone: `npx tsx bench/features-join.bench.ts`;
 * FEATURES_JOIN_SIZE=small for a tenth of the size. Inputs are written once under
 * bench/.work/features-join/ (about 1 minute at full size).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchData, FULL, SMALL, type BenchSize } from './features-data.js';
import { figure, median, printFigures, type Figure } from './figure.js';

const WORK = fileURLToPath(new URL('./.work/features-join/', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const RUNS = 3;

interface Measured {
  read_ms: number;
  join_ms: number;
  rss_mb: number;
  rows: number;
  checksum: Record<string, [number, number]>;
}

function measure(cmd: string, args: string[]): Measured {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

function agree(ours: Measured, theirs: Measured): void {
  for (const [col, [n, sum]] of Object.entries(theirs.checksum)) {
    const [m, s] = ours.checksum[col] ?? [-1, NaN];
    if (m !== n || Math.abs(s - sum) > 1e-9 * Math.max(1, Math.abs(sum))) {
      throw new Error(`${col}: ours ${m} values summing to ${s}, pandas ${n} summing to ${sum}`);
    }
  }
}

export async function run(): Promise<Figure[]> {
  const size: BenchSize = process.env.FEATURES_JOIN_SIZE === 'small' ? SMALL : FULL;
  const dir = await benchData(WORK, size);
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify(size.views));
  const ours: Measured[] = [];
  const pandas: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    // alternated, so a slow spell of the machine hits both sides
    ours.push(
      measure(process.execPath, [
        '--import',
        'tsx',
        join(HERE, 'features-join-ours.ts'),
        dir,
        plan,
      ]),
    );
    pandas.push(measure('/usr/bin/python3', [join(HERE, 'features-join.py'), dir, plan]));
  }
  agree(ours[0]!, pandas[0]!);
  const med = (xs: Measured[], f: (m: Measured) => number) => median(xs.map(f));
  const peer = 'pandas 1.5 merge_asof';
  for (const [who, xs] of [
    ['ours (Parquet)', ours],
    ['pandas (CSV)', pandas],
  ] as const) {
    console.log(
      `${who}: read ${med(xs, (m) => m.read_ms).toFixed(0)} ms, join ${med(xs, (m) => m.join_ms).toFixed(0)} ms, ` +
        `peak RSS ${med(xs, (m) => m.rss_mb).toFixed(0)} MB (medians of ${RUNS})`,
    );
  }
  const rss = `peak RSS ours ${med(ours, (m) => m.rss_mb).toFixed(0)} MB, pandas ${med(pandas, (m) => m.rss_mb).toFixed(0)} MB`;
  return [
    figure(
      `point-in-time join in memory, ${size.label}, 3 views (${rss})`,
      med(ours, (m) => m.join_ms),
      peer,
      med(pandas, (m) => m.join_ms),
      'ratio <= 1',
    ),
    figure(
      `point-in-time join from files (ours Parquet, pandas CSV), ${size.label}`,
      med(ours, (m) => m.read_ms + m.join_ms),
      `${peer} + read_csv`,
      med(pandas, (m) => m.read_ms + m.join_ms),
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printFigures(await run());
