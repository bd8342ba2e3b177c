/**
 * `npm run bench`: every benchmark, each beside its peer measured in the same
 * run. Never part of the test run. `npm run bench -- validate` runs one.
 */
import { printFigures, type Figure } from './figure.js';

const benches: Record<string, () => Promise<{ run(): Promise<Figure[]> }>> = {
  validate: () => import('./validate.bench.js'),
  history: () => import('./history.bench.js'),
  snapshot: () => import('./snapshot.bench.js'),
  table: () => import('./table.bench.js'),
  'data-add': () => import('./data-add.bench.js'),
  'data-transfer': () => import('./data-transfer.bench.js'),
  tracking: () => import('./tracking.bench.js'),
  ab: () => import('./ab.bench.js'),
  'features-join': () => import('./features-join.bench.js'),
  'features-online': () => import('./features-online.bench.js'),
  drift: () => import('./drift.bench.js'),
  dashboard: () => import('./dashboard.bench.js'),
  audit: () => import('./audit.bench.js'),
};

const only = process.argv.slice(2);
const all: Figure[] = [];
for (const [name, load] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`# ${name}`);
  const figures = await (await load()).run();
  printFigures(figures);
  all.push(...figures);
}
if (process.env.BENCH_JSON) console.log(JSON.stringify(all, null, 2));
