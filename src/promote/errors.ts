import { CodedError } from '../errors/coded-error.js';

export type PromoteErrorCode =
  | 'NOT_REGISTERED'
  | 'NO_DEPLOYMENT'
  | 'NOT_A_PROMOTION'
  /** The version is already the Deployment's candidate on the base: there is nothing to do. */
  | 'ALREADY_CANDIDATE';

/** A promotion that cannot be prepared at all (as opposed to one governance rejects). */
export class PromoteError extends CodedError<PromoteErrorCode> {
  override readonly name = 'PromoteError';
}
