/**
 * The feature store: definitions in git (Entity, FeatureView, FeatureService), training data
 * by a point-in-time join, materialization to an online store (embedded or Redis), online
 * reads with ttl enforced, and an HTTP feature server.
 */
export * from './types.js';
export {
  loadFeatureDefs,
  selectFeatures,
  ttlOf,
  FeatureRefError,
  type FeatureDefs,
  type ViewSelection,
} from './definitions.js';
export { historicalFeatures, type HistoricalRequest } from './historical.js';
export { materialize, MaterializeError, type MaterializeResult } from './materialize.js';
export { writeResultCsv } from './csv.js';
export { readViewSource } from './sources.js';
export {
  pointInTimeJoin,
  JoinError,
  cell,
  latestPerKey,
  onlineRows,
  writeResult,
  resultToTable,
  entityFrameFromTable,
  viewFrameFromTable,
  type EntityFrame,
  type ResultFrame,
  type ViewFrame,
} from './join/index.js';
export {
  EmbeddedOnlineStore,
  RedisOnlineStore,
  getOnlineFeatures,
  OnlineFeaturesError,
  viewJoinKeys,
  type OnlineFeaturesRequest,
  type OnlineFeaturesResult,
  type FeatureStatus,
} from './online/index.js';
export { createFeatureServer, type FeatureServerOptions } from './serve/index.js';
export { trainingFeatures, type TrainingFeatures } from './training.js';
