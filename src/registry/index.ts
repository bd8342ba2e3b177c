/** Versions, stages and the registry's view of models. */
export * from './semver.js';
export * from './stages.js';
export * from './errors.js';
export * from './versioning.js';
export * from './model-card.js';
export * from './card-markdown.js';
export * from './registration.js';
export { registerRun } from './register-run.js';
export type { RegisterRunOptions, RegisterRunResult } from './register-run.js';
export { modelFolders, modelOfPath } from './model-folders.js';
