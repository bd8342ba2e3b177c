/** Versions, stages and the registry's view of models. */
export * from './semver.js';
export * from './stages.js';
