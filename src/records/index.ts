/**
 * Record kinds: their schemas and types, safe YAML loading with source
 * positions, and canonical writing. Imports nothing else of ours.
 */
export * from './finding.js';
export * from './catalog.js';
export { parseRecordFile, MAX_RECORD_BYTES, MAX_ALIAS_COUNT, type RecordFile } from './parse.js';
export type { FieldPath, Position } from './position.js';
export { loadRecord, type LoadedRecord, type LoadResult } from './load.js';
export { checkSchema, precompileSchemas } from './schema-check.js';
export { emitSchemas, schemaFileName, SCHEMA_DIR } from './emit.js';
export * from './write.js';
export * from './diff.js';
export { durationMs, parseDuration, MAX_DURATION_MS, MAX_DURATION_TEXT } from './duration.js';
export { pathPattern, type PathPattern } from './path-pattern.js';
export { compileLinearRegex, type LinearRegex } from './linear-regex.js';
export type { Model } from './kinds/model.js';
export type { ModelVersion } from './kinds/model-version.js';
export type { Deployment } from './kinds/deployment.js';
export type { DriftStatus } from './kinds/drift-status.js';
export type { Run } from './kinds/run.js';
export type { ModelCard } from './kinds/model-card.js';
export type { Dataset, Remote, Remotes, Expectation } from './kinds/dataset.js';
export type { Entity, FeatureView, FeatureService } from './kinds/features.js';
export type {
  GovernancePolicy,
  RolloutPolicy,
  RolloutMetrics,
  RolloutTraffic,
  DriftPolicy,
  RetrainingPolicy,
} from './kinds/policies.js';
