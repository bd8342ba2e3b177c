/**
 * Envoy traffic split for a rollout: a route (config.route.v3.Route) whose
 * `weighted_clusters` send the rollout's weight to the candidate cluster.
 *
 * Weights: a whole-percent weight is written as two integer weights summing to 100 and no
 * `total_weight` (Envoy's old default total is 100, newer Envoy sums the weights: both read it
 * the same). A fractional weight is written in hundredths of a percent with
 * `total_weight: 10000` (rounded to 0.01, the precision nginx has too). A cluster whose weight
 * is 0 is left out, so weight 0 and 100 route everything to one cluster.
 *
 * Unlike nginx's `split_clients`, Envoy picks the cluster per request at random: the split is
 * not sticky per user (use nginx, or Envoy's hash policies in front, for that).
 */
import { stringify } from 'yaml';

export interface EnvoyRouteInput {
  model: string;
  /** Percent of requests sent to the candidate, 0–100. */
  weight: number;
  clusters: { control: string; candidate: string };
  /** Path prefix the route matches; default `/`. */
  prefix?: string;
}

export interface EnvoyWeightedCluster {
  name: string;
  weight: number;
}

export interface EnvoyRoute {
  name: string;
  match: { prefix: string };
  route: {
    weighted_clusters: {
      clusters: EnvoyWeightedCluster[];
      total_weight?: number;
    };
  };
}

/**
 * The route fragment for one rollout step; the candidate cluster is listed first.
 * @example
 * envoyRoute({ model: 'fraud', weight: 5, clusters: { control: 'fraud-1.2.0', candidate: 'fraud-1.3.0' } })
 * // { name: 'mlops-fraud', match: { prefix: '/' }, route: { weighted_clusters: { clusters: [
 * //   { name: 'fraud-1.3.0', weight: 5 }, { name: 'fraud-1.2.0', weight: 95 } ] } } }
 */
export function envoyRoute(input: EnvoyRouteInput): EnvoyRoute {
  const { weight, clusters } = input;
  if (!Number.isFinite(weight) || weight < 0 || weight > 100) {
    throw new Error(`envoy: weight must be a percentage from 0 to 100, got ${weight}`);
  }
  if (!clusters.control || !clusters.candidate) {
    throw new Error('envoy: both clusters need a name');
  }
  const bp = Math.round(weight * 100);
  const whole = bp % 100 === 0;
  const total = whole ? 100 : 10000;
  const candidate = whole ? bp / 100 : bp;
  const list: EnvoyWeightedCluster[] = [
    { name: clusters.candidate, weight: candidate },
    { name: clusters.control, weight: total - candidate },
  ].filter((c) => c.weight > 0);
  return {
    name: `mlops-${input.model}`,
    match: { prefix: input.prefix ?? '/' },
    route: {
      weighted_clusters: whole ? { clusters: list } : { clusters: list, total_weight: total },
    },
  };
}

/** The same route as YAML, to paste under a virtual host's `routes:`. */
export function envoyYaml(input: EnvoyRouteInput): string {
  return stringify([envoyRoute(input)]);
}
