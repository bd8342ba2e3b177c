export { EmbeddedOnlineStore } from './embedded.js';
export { RedisOnlineStore, describeRedisUrl } from './redis.js';
export {
  getOnlineFeatures,
  OnlineFeaturesError,
  viewJoinKeys,
  type FeatureDefs,
  type FeatureStatus,
  type OnlineFeaturesErrorCode,
  type OnlineFeaturesRequest,
  type OnlineFeaturesResult,
} from './get.js';
