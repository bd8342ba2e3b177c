/**
 * What the dashboard shows, read from one commit of the repository: plain data, so the
 * renderers are pure functions of it and tests can build it by hand.
 */
import type {
  Deployment,
  DriftPolicy,
  DriftStatus,
  Finding,
  Model,
  ModelCard,
  ModelVersion,
} from '../records/index.js';
import type { Stage } from '../registry/index.js';

/** One commit as the audit trail shows it. */
export interface AuditCommit {
  oid: string;
  /** ISO time of the author's date. */
  date: string;
  author: string;
  subject: string;
  /** The message after the subject, trailers excluded. */
  body: string;
  trailers: Record<string, string[]>;
  /** Files it changed under the registry's folders. */
  paths: string[];
  /** The pull request that brought it in, when it came through one. */
  pull?: PullRef;
}

/** A pull request, known from the merge commit git keeps of it. */
export interface PullRef {
  number: number;
  /** The merge commit (or the squashed commit), when and by whom it was made. */
  oid: string;
  date: string;
  author: string;
  subject: string;
  decision?: string;
  approvedBy: string[];
  /**
   * Whether the forge confirmed it (the pull request exists, was merged into the branch, and
   * this is its merge commit). Without a forge nothing is confirmed: the number, decision and
   * approvers are only what the commit message claims.
   */
  confirmed: boolean;
  /** One line: how it was confirmed, or why it is only claimed. */
  note: string;
}

/** One step of a rollout: a commit that changed the Deployment with a `Decision:` trailer. */
export interface RolloutEvent {
  oid: string;
  date: string;
  rollout: string;
  version: string;
  decision: string;
  /** The candidate's share of traffic after the step, in percent. */
  weight: number;
  /** The commit subject without the `rollout <model>: ` prefix: the reason. */
  reason: string;
  /** The figures behind the decision, as the commit body gives them. */
  figures: string;
}

/** One change of drift level, from the history of `drift.yaml`. */
export interface DriftEvent {
  oid: string;
  date: string;
  level: DriftStatus['level'];
  version?: string;
  reason: string;
}

export interface VersionPage {
  record: ModelVersion;
  stage: Stage;
  card?: ModelCard;
  /** Why it was rejected, when it was. */
  rejected?: { reason: string; at?: string };
  /** The commit that registered it. */
  registeredIn?: AuditCommit;
}

export interface ModelPage {
  model: Model;
  deployment?: Deployment;
  versions: VersionPage[];
  rollouts: RolloutEvent[];
  drift?: DriftStatus;
  driftHistory: DriftEvent[];
  /** Newest first, the model's own commits, each with its files of this model only. */
  audit: AuditCommit[];
}

export interface SiteData {
  /** The commit the site was built from. */
  commit: string;
  /** Its committer date: the site says how fresh it is without reading the clock. */
  date: string;
  models: ModelPage[];
  /** The registry's commits, newest first. */
  audit: AuditCommit[];
  /** Whether `audit` was cut at the limit. */
  auditCut: boolean;
  /** Why records were left out: each error of a file that did not load. */
  skipped: Finding[];
  /** The drift policy's PSI levels, for the drift charts' threshold lines. */
  psi?: DriftPolicy['psi'];
}
