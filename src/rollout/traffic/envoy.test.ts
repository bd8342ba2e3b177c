import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envoyRoute, envoyYaml } from './envoy.js';

const clusters = { control: 'fraud-1.2.0', candidate: 'fraud-1.3.0' };

describe('envoyRoute', () => {
  it('writes whole-percent weights summing to 100, candidate first', () => {
    expect(envoyRoute({ model: 'fraud', weight: 5, clusters })).toEqual({
      name: 'mlops-fraud',
      match: { prefix: '/' },
      route: {
        weighted_clusters: {
          clusters: [
            { name: 'fraud-1.3.0', weight: 5 },
            { name: 'fraud-1.2.0', weight: 95 },
          ],
        },
      },
    });
  });

  it('writes fractional weights in hundredths of a percent with total_weight 10000', () => {
    expect(envoyRoute({ model: 'fraud', weight: 12.5, clusters }).route).toEqual({
      weighted_clusters: {
        clusters: [
          { name: 'fraud-1.3.0', weight: 1250 },
          { name: 'fraud-1.2.0', weight: 8750 },
        ],
        total_weight: 10000,
      },
    });
    const third = envoyRoute({ model: 'fraud', weight: 33.333, clusters }).route.weighted_clusters;
    expect(third.clusters.map((c) => c.weight)).toEqual([3333, 6667]);
  });

  it('routes everything to one cluster at 0 and 100 %', () => {
    expect(envoyRoute({ model: 'fraud', weight: 0, clusters }).route.weighted_clusters).toEqual({
      clusters: [{ name: 'fraud-1.2.0', weight: 100 }],
    });
    expect(envoyRoute({ model: 'fraud', weight: 100, clusters }).route.weighted_clusters).toEqual({
      clusters: [{ name: 'fraud-1.3.0', weight: 100 }],
    });
  });

  it('takes a prefix and rejects bad input', () => {
    expect(envoyRoute({ model: 'm', weight: 20, clusters, prefix: '/m/' }).match).toEqual({
      prefix: '/m/',
    });
    expect(() => envoyRoute({ model: 'm', weight: 101, clusters })).toThrow(/weight/);
    expect(() => envoyRoute({ model: 'm', weight: -0.5, clusters })).toThrow(/weight/);
    expect(() =>
      envoyRoute({ model: 'm', weight: 5, clusters: { control: '', candidate: 'x' } }),
    ).toThrow(/clusters/);
  });
});

describe('envoyYaml', () => {
  it('is the route as a YAML list', () => {
    const text = envoyYaml({ model: 'fraud', weight: 20, clusters });
    expect(text).toBe(
      [
        '- name: mlops-fraud',
        '  match:',
        '    prefix: /',
        '  route:',
        '    weighted_clusters:',
        '      clusters:',
        '        - name: fraud-1.3.0',
        '          weight: 20',
        '        - name: fraud-1.2.0',
        '          weight: 80',
        '',
      ].join('\n'),
    );
    expect(parse(text)).toEqual([envoyRoute({ model: 'fraud', weight: 20, clusters })]);
  });
});
