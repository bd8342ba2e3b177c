import { describe, expect, it } from 'vitest';
import { nginxConfig, nginxName, nginxPercent, type NginxConfigInput } from './nginx.js';

const base: NginxConfigInput = {
  model: 'fraud',
  rolloutId: 'fraud-1.3.0',
  step: 0,
  weight: 5,
  upstreams: { control: ['10.0.0.1:8080', '10.0.0.3:8080'], candidate: ['10.0.0.2:8080'] },
};

describe('nginxConfig', () => {
  it('renders the salted key, the split with the candidate first, the arm and upstream maps', () => {
    expect(nginxConfig(base)).toBe(
      [
        '# mlops traffic split for model fraud: rollout fraud-1.3.0, step 0, 5% of users to the candidate.',
        '# Generated from the rollout state; do not edit. Use: proxy_pass http://$mlops_fraud_upstream;',
        'map $http_x_user_id $mlops_fraud_key {',
        '    "" "";',
        '    default "fraud-1.3.0:$http_x_user_id";',
        '}',
        '# The candidate is listed first and stays first: a larger weight only adds users to it.',
        'split_clients "$mlops_fraud_key" $mlops_fraud_split {',
        '    5% candidate;',
        '    * control;',
        '}',
        '# A request without a key goes to the control without being hashed.',
        'map $mlops_fraud_key $mlops_fraud_arm {',
        '    "" control;',
        '    default $mlops_fraud_split;',
        '}',
        'map $mlops_fraud_arm $mlops_fraud_upstream {',
        '    candidate mlops_fraud_candidate;',
        '    default mlops_fraud_control;',
        '}',
        'upstream mlops_fraud_control {',
        '    server 10.0.0.1:8080;',
        '    server 10.0.0.3:8080;',
        '}',
        'upstream mlops_fraud_candidate {',
        '    server 10.0.0.2:8080;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('is deterministic', () => {
    expect(nginxConfig(base)).toBe(nginxConfig({ ...base }));
  });

  it('uses another key variable and a model name with dashes', () => {
    const text = nginxConfig({ ...base, model: 'churn-v2', keyVariable: '$cookie_uid' });
    expect(text).toContain('map $cookie_uid $mlops_churn_v2_key {');
    expect(text).toContain('    default "fraud-1.3.0:$cookie_uid";');
    expect(text).toContain('upstream mlops_churn_v2_candidate {');
    expect(text).toContain('# mlops traffic split for model churn-v2:');
  });

  it('writes fractional weights with up to two decimals', () => {
    expect(nginxConfig({ ...base, weight: 12.5 })).toContain('    12.5% candidate;\n');
    expect(nginxConfig({ ...base, weight: 0.25 })).toContain('    0.25% candidate;\n');
    expect(nginxConfig({ ...base, weight: 33.333 })).toContain('    33.33% candidate;\n');
    expect(nginxPercent(99.99)).toBe('99.99%');
    expect(nginxPercent(20)).toBe('20%');
  });

  it('sends everything to the control at 0 % without split_clients', () => {
    const text = nginxConfig({ ...base, weight: 0 });
    expect(text).not.toContain('split_clients');
    expect(text).toContain('map $mlops_fraud_key $mlops_fraud_arm {\n    default control;\n}');
    // rounds to 0 at nginx's precision
    expect(nginxConfig({ ...base, weight: 0.004 })).not.toContain('split_clients');
  });

  it('sends everything, keyless requests included, to the candidate at 100 %', () => {
    const text = nginxConfig({ ...base, weight: 100, step: 3 });
    expect(text).not.toContain('split_clients');
    expect(text).toContain('map $mlops_fraud_key $mlops_fraud_arm {\n    default candidate;\n}');
    expect(text).toContain('step 3, 100% of users');
  });

  it('leaves the step out of the header when not given', () => {
    const rest: NginxConfigInput = { ...base };
    delete rest.step;
    expect(nginxConfig(rest)).toContain('rollout fraud-1.3.0, 5% of users');
  });

  it('rejects what nginx would misread', () => {
    expect(() => nginxConfig({ ...base, weight: -1 })).toThrow(/weight/);
    expect(() => nginxConfig({ ...base, weight: 100.5 })).toThrow(/weight/);
    expect(() => nginxConfig({ ...base, weight: Number.NaN })).toThrow(/weight/);
    expect(() => nginxConfig({ ...base, rolloutId: 'a"b' })).toThrow(/rollout id/);
    expect(() => nginxConfig({ ...base, rolloutId: '$x' })).toThrow(/rollout id/);
    expect(() => nginxConfig({ ...base, keyVariable: 'http_x' })).toThrow(/key variable/);
    expect(() => nginxConfig({ ...base, model: 'a b' })).toThrow(/model name/);
    expect(() => nginxConfig({ ...base, upstreams: { control: [], candidate: ['a:1'] } })).toThrow(
      /control upstream has no servers/,
    );
    expect(() =>
      nginxConfig({ ...base, upstreams: { control: ['a:1; evil'], candidate: ['a:1'] } }),
    ).toThrow(/host:port/);
  });

  it('keeps idle connections to the upstreams when asked', () => {
    const text = nginxConfig({ ...base, keepalive: 16 });
    expect(text).toContain('    server 10.0.0.3:8080;\n    keepalive 16;\n}\n');
    expect(text).toContain('    server 10.0.0.2:8080;\n    keepalive 16;\n}\n');
    expect(() => nginxConfig({ ...base, keepalive: 0 })).toThrow(/keepalive/);
  });

  it('names models for nginx', () => {
    expect(nginxName('fraud-v2_x')).toBe('fraud_v2_x');
  });
});
