export { createFeatureServer, type FeatureServerOptions } from './server.js';
export {
  feastResponse,
  feastResponseJson,
  parseFeastRequest,
  type FeastResponse,
} from './feast.js';
