import { CodedError } from '../errors/coded-error.js';

/** Stable codes for everything `registry/` can refuse. */
export type RegistryErrorCode =
  /** The run is not `succeeded` (still running, failed or killed). */
  | 'RUN_NOT_SUCCEEDED'
  /** The run trained a different model than the one being registered. */
  | 'RUN_OTHER_MODEL'
  /** A version of the model was already registered from this run. */
  | 'ALREADY_REGISTERED'
  /** The run stored no artifact, or none by the name asked for. */
  | 'NO_ARTIFACT'
  /** The run stored several artifacts and none is clearly the model. */
  | 'AMBIGUOUS_ARTIFACT'
  /** The run lacks a metric governance needs (primary metric, `latency_p95_ms`). */
  | 'MISSING_METRIC'
  /** The trainer did not report its architecture. */
  | 'NO_ARCHITECTURE'
  /** A patch was asked for but the architecture or framework changed (that is a major). */
  | 'PATCH_CHANGES_ARCHITECTURE'
  /** The model artifact is not on the remote its uri names. */
  | 'ARTIFACT_NOT_STORED'
  /** Nothing to register from: no such model, run or governance policy (a usage error). */
  | 'NO_MODEL'
  | 'NO_RUN'
  | 'NO_POLICY';

/** Codes that mean the request named something that is not there, not that the answer is no. */
export const REGISTRY_USAGE_CODES: readonly RegistryErrorCode[] = [
  'NO_MODEL',
  'NO_RUN',
  'NO_POLICY',
];

/**
 * The one error class of `registry/`: a stable `code`, structured `data` and a message that
 * names the run and what to do.
 *
 * @example
 * try {
 *   buildRegistration(input);
 * } catch (e) {
 *   if (e instanceof RegistryError && e.code === 'ALREADY_REGISTERED') console.log(e.data.version);
 * }
 */
export class RegistryError extends CodedError<RegistryErrorCode> {
  override readonly name = 'RegistryError';
}
