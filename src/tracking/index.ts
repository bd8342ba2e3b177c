/**
 * `tracking/` — every training run, tracked without an SDK. `trainModel` runs a model's
 * training command under the tracking protocol (environment variables in, `metrics.jsonl`,
 * `metrics.json`, `architecture.json` and `artifacts/` out) and writes its Run record.
 */
export { trainModel, readModel, checkGpuCount } from './train.js';
export type { TrainDeps, TrainOptions, TrainResult } from './train.js';
export { TrackingError } from './errors.js';
export type { TrackingErrorCode } from './errors.js';
export { queryGpus, parseGpuCsv, GpuPool, GPU_QUERY } from './gpus.js';
export type { Gpu, Exec } from './gpus.js';
export { captureEnvironment, usesPython } from './environment.js';
export type { HostFacts } from './environment.js';
export { scheduleTrainings } from './schedule.js';
export type { TrainingJob, JobOutcome } from './schedule.js';
export { MetricsLog, parseFinalMetrics, parseMetricObject } from './metrics-log.js';
export type { MetricsProblem, FinalMetrics } from './metrics-log.js';
export { metricHistoryIpc } from './history-arrow.js';
export { makeRunId, slugify } from './run-id.js';
export { dataEnvName, prepareInputs } from './inputs.js';
export { runFileUri, storeFiles } from './artifacts.js';
export type { StoredFile } from './artifacts.js';
export { runProcess, describeExit, processSignals } from './process.js';
export { progressLine, formatMetric } from './progress.js';
export { buildRunRecord, isoSeconds } from './run-record.js';
export { listRuns, compareRuns, guessDirection } from './runs.js';
export type { RunListing, Comparison, ComparisonRow, Direction } from './runs.js';
export { systemExec, hostFacts } from './host.js';
