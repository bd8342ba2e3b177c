import { CodedError } from '../errors/coded-error.js';

export type PromoteErrorCode = 'NOT_REGISTERED' | 'NO_DEPLOYMENT' | 'NOT_A_PROMOTION';

/** A promotion that cannot be prepared at all (as opposed to one governance rejects). */
export class PromoteError extends CodedError<PromoteErrorCode> {
  override readonly name = 'PromoteError';
}
