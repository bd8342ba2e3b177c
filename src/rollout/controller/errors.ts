import { CodedError } from '../../errors/coded-error.js';

export type RolloutErrorCode =
  /** The model has no `registry/models/<model>/deployment.yaml`. */
  | 'NO_DEPLOYMENT'
  /** There is no `policies/rollout.yaml` to walk the stages by. */
  | 'NO_POLICY'
  /** A record the rollout reads does not load; the findings are in the message. */
  | 'INVALID_RECORD'
  /** `start` on a Deployment without a candidate. */
  | 'NO_CANDIDATE'
  /** `start` while a rollout of another candidate is running. */
  | 'ALREADY_RUNNING'
  /** The candidate reached the branch without an approval that satisfies the policy. */
  | 'NOT_APPROVED'
  /**
   * The Deployment was not the controller's own work: production, the rollout block, the
   * archive, the rejections or the traffic files were changed by a commit that is no legal
   * controller step, or the running rollout was not begun by a verified start.
   */
  | 'CUSTODY_BROKEN'
  /** The branch kept moving under the tick: it gave up after several re-reads. */
  | 'RACE_LOST';

/** The error of the rollout controller. */
export class RolloutError extends CodedError<RolloutErrorCode> {
  override readonly name = 'RolloutError';
}
