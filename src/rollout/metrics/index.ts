/**
 * Rollout metrics providers. `file`, the embedded default: per-arm counters and latency
 * histograms as JSONL buckets in storage (format in ./file-format.ts), summed into the
 * `RolloutWindow` the state machine judges.
 * @example
 * import { FileMetricsProvider } from './metrics/index.js';
 * const window = await new FileMetricsProvider({ dir: 'metrics/fraud/r1' }).window({ from, to: now });
 */
export {
  parseMetricsLines,
  formatMetricsLine,
  DEFAULT_LATENCY_BOUNDS_MS,
  type Arm,
  type LatencyHistogram,
  type MetricsBucket,
} from './file-format.js';
export {
  aggregateWindow,
  histogramQuantile,
  MetricsWindowError,
  type WindowRange,
} from './window.js';
export {
  FileMetricsProvider,
  MetricsFileError,
  writeMetricsBucket,
  type MetricsLocation,
} from './file-provider.js';
export type { MetricsProvider } from './provider.js';
export {
  PrometheusMetricsProvider,
  PrometheusQueryError,
  PROMETHEUS_DEFAULT_QUERIES,
  promqlTemplate,
  type PrometheusProviderOptions,
  type PrometheusQueries,
} from './prometheus.js';
