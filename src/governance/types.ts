import type { GovernancePolicy, Model, ModelVersion } from '../records/index.js';

/** What a promotion is judged on. Everything that judges comes from the base of the change. */
export interface GovernanceInput {
  /** The policy at the base (never the change's own: a PR cannot lower its own bar). */
  policy: GovernancePolicy;
  /**
   * The model at the base: its `governance` overrides and `evaluation` judge the change
   * (they are reviewed like policy). Absent for a model the change introduces.
   */
  baseModel?: Model;
  /** The model at the head: its overrides are compared with the base's (a change is high risk). */
  model: Model;
  /** The version judged. */
  version: string;
  /** Its record at the head; absent when it is not registered there. */
  candidate?: ModelVersion;
  /** Whether `registry/models/<model>/versions/<version>.yaml` exists at the head. */
  registered: boolean;
  /** The production version at the base, when there is one. */
  production?: ModelVersion;
  /** Every path the change touches (merge base → head). */
  changedPaths: string[];
  /**
   * Set when the change promotes against an older production: production at the merge base
   * (null: none) where the base's production has moved since. The promotion is stale.
   */
  productionMovedFrom?: string | null;
  /**
   * Set when another promotion merged first: the candidate at the merge base (null: none),
   * where the base's candidate (`rolloutInProgress`) is set since.
   */
  candidateMovedFrom?: string | null;
  /** The version being rolled out at the base (its Deployment's candidate), if not this one. */
  rolloutInProgress?: string;
  /** The commits judged, for the report: base tip, head (or `worktree`) and their merge base. */
  at?: GovernanceRefs;
  /**
   * What the change does besides promoting this version (a promotion PR is only a
   * promotion): each file beyond the Deployment's `candidate` and the version's registration
   * records, with whether it rejects the promotion or needs review. Empty: nothing more.
   */
  extraChanges?: ExtraChange[];
  /**
   * Who registered the version, as the forge vouches for it. Absent: nobody looked, and a
   * registration nobody vouched for is high risk.
   */
  registration?: Registration;
}

/** A file a promotion's change holds beyond the promotion itself. */
export interface ExtraChange {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  /** `reject`: state only the rollout controller or another promotion may change; `review`: anything else. */
  severity: 'reject' | 'review';
  /** Why it is not part of the promotion, one sentence. */
  why: string;
}

/** The commit that registered a version and who the forge says made it. */
export interface Registration {
  /** The commit that added the version's record (null when it is not committed: the work tree). */
  commit: string | null;
  /** The forge login of its author (null: no account). */
  author: string | null;
  committer: string | null;
  /** Whether the forge verified the commit's signature; null: the forge cannot (the local forge). */
  verified: boolean | null;
  /** The forge that vouched: `github`, `local`, or `none` when no forge was asked. */
  forge: 'github' | 'local' | 'none';
}

export interface GovernanceRefs {
  /** The base as named (`main`) and the commit it was at. */
  baseRef: string;
  base: string;
  /** The head as named, and the commit (or `worktree`). */
  headRef: string;
  head: string;
  /** Where the change left the base: the paths and the stale check are measured from it. */
  mergeBase: string;
}

export type CheckId = 'accuracy' | 'latency_p95_ms' | 'improvement' | 'slice_gap';

/** One automatic check: a measured value against a threshold. */
export interface GovernanceCheck {
  id: CheckId;
  title: string;
  /** The measured value; null when it could not be measured (then `detail` says why). */
  value: number | null;
  threshold: number;
  /** How value compares with threshold to pass. */
  op: '>=' | '<' | '<=';
  /** How to show value and threshold: a score, milliseconds, or a ratio shown as a percent. */
  unit: 'score' | 'ms' | 'percent';
  passed: boolean;
  /** A sentence with the figures: what was measured against what. */
  detail: string;
  /** The threshold comes from the model's governance overrides rather than the policy. */
  overridden: boolean;
}

export type RiskId =
  | 'architecture'
  | 'framework'
  | 'major'
  | 'metric_drop'
  | 'high_risk_path'
  | 'governance_overrides'
  | 'extra_change'
  | 'registration';

export interface Risk {
  level: 'low' | 'high';
  /** Why it is high: one sentence each, with its figures. Empty when low. */
  reasons: string[];
  /** What each reason is about, in the same order as `reasons`. */
  ids: RiskId[];
}

export type Decision = 'auto-approve' | 'needs-review' | 'reject';

/** The thresholds that apply: the policy's, with the base model's overrides. */
export interface Thresholds {
  min_accuracy: number;
  max_latency_p95_ms: number;
  min_improvement: number;
  max_slice_gap: number;
  /** Which of the four come from the model's overrides. */
  overridden: (keyof GovernancePolicy['checks'])[];
}

export interface GovernanceResult {
  model: string;
  version: string;
  /** The production version compared with, or null. */
  production: string | null;
  /** The primary metric and its direction (the base model's evaluation). */
  primaryMetric: { metric: string; direction: 'maximize' | 'minimize' };
  checks: GovernanceCheck[];
  risk: Risk;
  decision: Decision;
  /** Why the decision: what rejects it, what makes it need review, or why it is auto-approved. */
  reasons: string[];
  /** One line: the decision and its first reason (a commit status, a log line). */
  summary: string;
  /** Who may approve when review is needed (handles as written in policy). */
  reviewers: string[];
  requiredApprovals: number;
  thresholds: Thresholds;
  at?: GovernanceRefs;
  /** The files the change holds beyond the promotion (see `GovernanceInput.extraChanges`). */
  extraChanges: ExtraChange[];
}
