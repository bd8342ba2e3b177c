/**
 * One measured run of our side of the point-in-time join bench, in its own process so its
 * peak RSS is its own: reads the Parquet inputs (`readTable`, then frames), joins, and prints
 * one JSON line of timings, peak RSS and a checksum pandas' side must agree with.
 * Usage: `node --import tsx bench/features-join-ours.ts <dir> <plan.json>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../src/data/table/read.js';
import {
  entityFrameFromTable,
  pointInTimeJoin,
  viewFrameFromTable,
  type ViewSpec,
} from '../src/features/join/index.js';
import type { ViewPlan } from './features-data.js';
import { checksum } from './features-checksum.js';

const [dir, planFile] = process.argv.slice(2) as [string, string];
const views = JSON.parse(readFileSync(planFile, 'utf8')) as ViewPlan[];

const t0 = performance.now();
const entities = entityFrameFromTable(await readTable(join(dir, 'entities.parquet')));
const specs: ViewSpec[] = [];
for (const v of views) {
  const table = await readTable(join(dir, `${v.name}.parquet`));
  const view = viewFrameFromTable(table, {
    name: v.name,
    joinKeys: ['key'],
    timestampField: 'event_timestamp',
    ...(v.created ? { createdTimestampField: 'created' } : {}),
  });
  specs.push({ view, ttlMs: v.ttlMs });
}
const t1 = performance.now();
const result = pointInTimeJoin(entities, specs, { fullFeatureNames: true });
const t2 = performance.now();
console.log(
  JSON.stringify({
    read_ms: t1 - t0,
    join_ms: t2 - t1,
    rss_mb: process.resourceUsage().maxRSS / 1024,
    rows: result.length,
    checksum: checksum(result),
  }),
);
