import type { RolloutPolicy, RolloutTraffic } from '../../records/index.js';
import type { RecordEdit } from '../../repo/index.js';
import { envoyYaml } from '../traffic/envoy.js';
import { nginxConfig } from '../traffic/nginx.js';

/**
 * Where traffic goes when the policy says nothing: one upstream pool per arm, named after the
 * model. A team points these at its serving hosts in `policies/rollout.yaml` (`traffic:`).
 */
export const DEFAULT_TRAFFIC: Required<Pick<RolloutTraffic, 'dir' | 'nginx' | 'envoy'>> = {
  dir: 'registry/models/{model}/traffic',
  nginx: { control: ['{model}-control:8080'], candidate: ['{model}-candidate:8080'] },
  envoy: { control: '{model}-control', candidate: '{model}-candidate' },
};

export interface TrafficState {
  model: string;
  rolloutId: string;
  step?: number | undefined;
  /** Percent of users to the candidate. */
  weight: number;
}

/** The folder the model's traffic configuration is written to. */
export function trafficDir(policy: RolloutPolicy, model: string): string {
  return fill(policy.traffic?.dir ?? DEFAULT_TRAFFIC.dir, model).replace(/\/+$/, '');
}

/**
 * The traffic configuration for a weight, as files to commit with the step: `nginx.conf` (a
 * `split_clients` include) and `envoy.yaml` (a `weighted_clusters` route). With a `traffic`
 * block in the policy, only the proxies it names are written; without one, both with the
 * default pools.
 * @example
 * trafficFiles(policy, { model: 'fraud', rolloutId: 'fraud-1.3.0', step: 0, weight: 5 })
 * // [{ path: 'registry/models/fraud/traffic/nginx.conf', content: 'map … split_clients …' },
 * //  { path: 'registry/models/fraud/traffic/envoy.yaml', content: '- name: mlops-fraud …' }]
 */
export function trafficFiles(policy: RolloutPolicy, s: TrafficState): RecordEdit[] {
  const t = policy.traffic;
  const nginx = t ? t.nginx : DEFAULT_TRAFFIC.nginx;
  const envoy = t ? t.envoy : DEFAULT_TRAFFIC.envoy;
  const dir = trafficDir(policy, s.model);
  const out: RecordEdit[] = [];
  if (nginx) {
    out.push({
      path: `${dir}/nginx.conf`,
      content: nginxConfig({
        model: s.model,
        rolloutId: s.rolloutId,
        ...(s.step === undefined ? {} : { step: s.step }),
        weight: s.weight,
        upstreams: {
          control: nginx.control.map((u) => fill(u, s.model)),
          candidate: nginx.candidate.map((u) => fill(u, s.model)),
        },
        ...(nginx.key ? { keyVariable: nginx.key } : {}),
      }),
    });
  }
  if (envoy) {
    out.push({
      path: `${dir}/envoy.yaml`,
      content: envoyYaml({
        model: s.model,
        weight: s.weight,
        clusters: {
          control: fill(envoy.control, s.model),
          candidate: fill(envoy.candidate, s.model),
        },
        ...(envoy.prefix ? { prefix: envoy.prefix } : {}),
      }),
    });
  }
  return out;
}

function fill(template: string, model: string): string {
  return template.replaceAll('{model}', model);
}
