import { CodedError } from '../errors/coded-error.js';

export type GovernanceErrorCode =
  /** The model or version named is not a valid name or semantic version. */
  | 'BAD_TARGET'
  /** The base has no `policies/governance.yaml`: nothing to judge by. */
  | 'NO_POLICY'
  /** The head has no `registry/models/<model>/model.yaml`. */
  | 'NO_MODEL'
  /** A record governance reads does not load (schema, YAML, a dangling production). */
  | 'INVALID_RECORD';

/** The error of `governance/`'s loading; the evaluation itself never throws. */
export class GovernanceError extends CodedError<GovernanceErrorCode> {
  override readonly name = 'GovernanceError';
}
