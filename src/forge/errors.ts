import { CodedError } from '../errors/coded-error.js';

export type ForgeErrorCode =
  /** No such pull request, issue, branch or team. */
  | 'NOT_FOUND'
  /** The head moved since it was read, or the branches do not merge cleanly. */
  | 'CONFLICT'
  /** The token lacks a permission, or a rule (branch protection, required checks) refuses. */
  | 'FORBIDDEN'
  /** Still rate limited after waiting as long as the forge asked. */
  | 'RATE_LIMITED'
  /** The forge kept failing (5xx) after the retries. */
  | 'UNAVAILABLE'
  /** The request itself was wrong (a 422 with GitHub's reason). */
  | 'INVALID'
  /** No token, or a forge that cannot be reached at all. */
  | 'NOT_CONFIGURED';

/** The one error class of `forge/`, for either adapter. */
export class ForgeError extends CodedError<ForgeErrorCode> {
  override readonly name = 'ForgeError';
}
