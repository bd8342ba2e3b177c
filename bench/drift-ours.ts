/**
 * One measured run of our side of the drift bench, in its own process so its peak RSS is its
 * own: reads each feature of reference and current from Parquet one column at a time
 * (`readColumns`), computes its drift (PSI + normed Wasserstein, Evidently's test above 1,000
 * reference rows) and KS for comparison, and prints one JSON line.
 * Usage: `node --import tsx bench/drift-ours.ts <dir> <features>`.
 */
import { join } from 'node:path';
import { columnDrift } from '../src/drift/stats/column.js';
import { ks2 } from '../src/drift/stats/ks.js';
import { readColumns } from '../src/drift/stats/read.js';

const [dir, features] = process.argv.slice(2) as [string, string];
const names = Array.from({ length: Number(features) }, (_, i) => `f${i}`);
let readMs = 0;
let driftMs = 0;
const checksum = { psi: 0, wasserstein: 0, ks: 0 };
const refCols = readColumns(join(dir, 'reference.parquet'), names);
const curCols = readColumns(join(dir, 'current.parquet'), names);
for (;;) {
  let t = performance.now();
  const r = await refCols.next();
  const c = await curCols.next();
  readMs += performance.now() - t;
  if (r.done || c.done) break;
  t = performance.now();
  const d = columnDrift(r.value.name, r.value.numeric!, c.value.numeric!);
  const k = ks2(r.value.numeric!, c.value.numeric!);
  driftMs += performance.now() - t;
  checksum.psi += d.psi;
  checksum.wasserstein += d.value;
  checksum.ks += k.statistic;
}
const rss_mb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ read_ms: readMs, drift_ms: driftMs, rss_mb, checksum }));
