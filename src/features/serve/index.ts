export { createFeatureServer, type FeatureServerOptions } from './server.js';
export { feastResponse, parseFeastRequest, type FeastResponse } from './feast.js';
