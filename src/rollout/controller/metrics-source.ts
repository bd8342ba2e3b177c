import type { ObjectStore } from '../../data/index.js';
import type { RolloutPolicy } from '../../records/index.js';
import { FileMetricsProvider } from '../metrics/file-provider.js';
import type { MetricsProvider } from '../metrics/provider.js';

/** Where the embedded `file` provider keeps buckets when the policy names no prefix. */
export const DEFAULT_METRICS_PREFIX = 'metrics';

/**
 * The key prefix of one rollout's metrics files on the data remote:
 * `<prefix>/<model>/<rollout id>/`. Serving replicas (or the demo's simulator) write buckets
 * there; every tick of that rollout reads them.
 * @example
 * metricsPrefix(policy, 'fraud', 'fraud-1.3.0-20260301T1015Z') // 'metrics/fraud/fraud-1.3.0-20260301T1015Z/'
 */
export function metricsPrefix(policy: RolloutPolicy, model: string, rolloutId: string): string {
  const m = policy.metrics;
  const prefix = (m?.provider === 'file' ? m.prefix : undefined) ?? DEFAULT_METRICS_PREFIX;
  return `${prefix.replace(/\/+$/, '')}/${model}/${rolloutId}/`;
}

export interface MetricsSources {
  /** The data remote's store by name (the default remote without one). */
  store(remote?: string): { store: ObjectStore };
  /** A local folder that replaces the remote: `<dir>/<model>/<rollout id>/`. */
  dir?: string;
  /** The Prometheus provider, built from the policy (kept out of here so it loads lazily). */
  prometheus?: (
    model: string,
    config: Extract<RolloutPolicy['metrics'], { provider: 'prometheus' }>,
  ) => MetricsProvider;
}

/**
 * The metrics provider the policy names for a rollout: `file` (the default) on the data
 * remote, or `prometheus`.
 */
export function metricsProviderFor(
  policy: RolloutPolicy,
  model: string,
  rolloutId: string,
  sources: MetricsSources,
): MetricsProvider {
  const m = policy.metrics ?? { provider: 'file' as const };
  if (m.provider === 'prometheus') {
    if (!sources.prometheus)
      throw new Error('the prometheus metrics provider is not available here');
    return sources.prometheus(model, m);
  }
  if (sources.dir !== undefined) {
    return new FileMetricsProvider({
      dir: `${sources.dir.replace(/\/+$/, '')}/${model}/${rolloutId}`,
    });
  }
  const { store } = sources.store(m.remote);
  return new FileMetricsProvider({ store, prefix: metricsPrefix(policy, model, rolloutId) });
}
