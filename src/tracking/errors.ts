import { CodedError } from '../errors/coded-error.js';

export type TrackingErrorCode =
  'NO_MODEL' | 'NO_INPUT' | 'NO_GPU' | 'NOT_ENOUGH_GPUS' | 'BAD_PARAM' | 'NO_RUN' | 'NO_COMMIT';

/** A training run could not start (missing model, data or GPUs): nothing was run. */
export class TrackingError extends CodedError<TrackingErrorCode> {
  override readonly name = 'TrackingError';
}
