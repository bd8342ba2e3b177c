/**
 * The demo's feature serving: the view the model trained through is materialized to the
 * embedded online store as of the last logged execution, read back with `mlops features
 * get`, and asked for once over HTTP, the way a serving replica would.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { EmbeddedOnlineStore, createFeatureServer, loadFeatureDefs } from '../features/index.js';
import type { DemoIo } from './index.js';

const VIEW = 'test_execution_features';

/** The latest `event_timestamp` of an executions CSV: "now", as far as the logged data goes. */
export function lastEvent(csv: string): Date {
  const [header = '', ...rows] = csv.trimEnd().split('\n');
  const at = header.split(',').indexOf('event_timestamp');
  let max = -Infinity;
  for (const r of rows) max = Math.max(max, Date.parse(r.split(',')[at]!));
  return new Date(max);
}

export async function demoServing(io: DemoIo, dir: string, asOf: Date): Promise<void> {
  const when = asOf.toISOString();
  const code = await io.mlops(['features', 'materialize-incremental', when], dir, asOf);
  if (code !== 0) throw new Error(`materializing ${VIEW} failed (exit ${code})`);
  const features = ['pass_rate_7d', 'flakiness_score', 'execution_time_ms'].map(
    (f) => `${VIEW}:${f}`,
  );
  await io.mlops(
    [
      'features',
      'get',
      '--features',
      features.join(','),
      '--entity',
      'test_id=t0041',
      '--entity',
      'test_id=t0117',
      '--at',
      when,
    ],
    dir,
    asOf,
  );
  io.say('      The same, over HTTP, from the feature server (mlops features serve):\n');
  const store = await EmbeddedOnlineStore.open(dir);
  const server = createFeatureServer({ store, defs: loadFeatureDefs(dir), now: () => asOf });
  try {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const body = { features, entities: { test_id: ['t0041'] } };
    io.say(`      POST http://127.0.0.1:${port}/get-online-features ${JSON.stringify(body)}\n`);
    const res = await fetch(`http://127.0.0.1:${port}/get-online-features`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as {
      metadata: { feature_names: string[] };
      results: { values: unknown[]; statuses: string[] }[];
    };
    const names = answer.metadata.feature_names;
    const line = names.map(
      (n, i) =>
        `${n}=${JSON.stringify(answer.results[i]?.values[0])} (${answer.results[i]?.statuses[0]})`,
    );
    io.say(`      ${res.status}: ${line.join(', ')}\n`);
    if (res.status !== 200) throw new Error(`the feature server answered ${res.status}`);
  } finally {
    server.close();
    server.closeAllConnections();
    await store.close();
  }
}
