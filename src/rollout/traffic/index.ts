/** Traffic configuration rendered from the rollout state: nginx and Envoy splits. */
export {
  nginxConfig,
  nginxName,
  nginxPercent,
  type NginxConfigInput,
  type NginxUpstreams,
} from './nginx.js';
export {
  envoyRoute,
  envoyYaml,
  type EnvoyRoute,
  type EnvoyRouteInput,
  type EnvoyWeightedCluster,
} from './envoy.js';
