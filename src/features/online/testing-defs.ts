/**
 * Feature records for tests and benchmarks of online serving: two entities, views keyed by one
 * and by both, an offline view, a service. Not part of the public surface.
 */
import type { Entity, FeatureService, FeatureView } from '../../records/kinds/features.js';
import type { FeatureDefs } from './get.js';

type Dtype = FeatureView['schema'][number]['dtype'];

export function entity(name: string, joinKeys: string[]): Entity {
  return { kind: 'Entity', schema_version: 1, name, join_keys: joinKeys, value_type: 'string' };
}

export function view(
  name: string,
  entities: string[],
  schema: [string, Dtype][],
  opts: { ttl?: string; online?: boolean } = {},
): FeatureView {
  return {
    kind: 'FeatureView',
    schema_version: 1,
    name,
    entities,
    schema: schema.map(([n, dtype]) => ({ name: n, dtype })),
    source: { dataset: 'test-executions', timestamp_field: 'event_ts' },
    ttl: opts.ttl ?? '1d',
    online: opts.online ?? true,
  };
}

export function service(name: string, features: FeatureService['features']): FeatureService {
  return { kind: 'FeatureService', schema_version: 1, name, features };
}

/**
 * - `test_stats` (test, ttl 1d): fail_rate, runs, flaky, owner
 * - `repo_stats` (repo, ttl 1h): runs, size (runs clashes with test_stats's without full names)
 * - `repo_test_stats` (repo + test, ttl 30d): last_status
 * - `offline_stats` (test, online: false): x
 * - service `flaky_model`: test_stats fail_rate + flaky, all of repo_test_stats
 */
export function exampleDefs(): Required<FeatureDefs> {
  return {
    entities: [entity('test', ['test_id']), entity('repo', ['repo'])],
    views: [
      view(
        'test_stats',
        ['test'],
        [
          ['fail_rate', 'float64'],
          ['runs', 'int64'],
          ['flaky', 'bool'],
          ['owner', 'string'],
        ],
      ),
      view(
        'repo_stats',
        ['repo'],
        [
          ['runs', 'int64'],
          ['size', 'int32'],
        ],
        { ttl: '1h' },
      ),
      view('repo_test_stats', ['repo', 'test'], [['last_status', 'string']], { ttl: '30d' }),
      view('offline_stats', ['test'], [['x', 'float64']], { online: false }),
    ],
    services: [
      service('flaky_model', [
        { view: 'test_stats', features: ['fail_rate', 'flaky'] },
        { view: 'repo_test_stats' },
      ]),
    ],
  };
}

/** A view of `n` float64 features `f0…f{n-1}` keyed by test, for benchmarks. */
export function wideDefs(n: number): Required<FeatureDefs> {
  const schema = Array.from({ length: n }, (_, i): [string, Dtype] => [`f${i}`, 'float64']);
  return {
    entities: [entity('test', ['test_id'])],
    views: [view('wide', ['test'], schema, { ttl: '30d' })],
    services: [],
  };
}
