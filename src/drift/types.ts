/**
 * The shapes drift detection produces and the reports render: one result per column (the
 * test Evidently would choose, its value and verdict, the PSI and its level, a histogram of
 * both samples), and the model's report over all of them.
 */

export type ColumnKind = 'numerical' | 'categorical';

/** The statistical tests of the drift policy (Evidently's defaults choose among the first five). */
export type DriftTest = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

/** Levels from the drift policy's thresholds, worst last. */
export type DriftLevel = 'ok' | 'monitor' | 'warning' | 'critical';
export const DRIFT_LEVELS: readonly DriftLevel[] = ['ok', 'monitor', 'warning', 'critical'];

/** Both samples binned the same way: for the report's histograms and for PSI. */
export interface Histogram {
  /** Numerical: the bin edges (k + 1 for k bins). Absent for a categorical column. */
  edges?: number[];
  /** Categorical: the category of each bin. Absent for a numerical column. */
  labels?: string[];
  /** Counts per bin. */
  reference: number[];
  current: number[];
}

/** Counts and moments of one sample of one column (nulls and non-finite values left out). */
export interface SampleSummary {
  count: number;
  /** Nulls, NaN and ±Infinity: counted here, never in the statistics. */
  missing: number;
  mean?: number;
  std?: number;
  distinct?: number;
}

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  /** The test that judged drift: the policy's override, else Evidently's default for the column. */
  test: DriftTest;
  /** Its value: a p-value for ks, chisquare and z; a distance for wasserstein, jensenshannon, psi. */
  value: number;
  /** Drift when a p-value is at most it, or a distance at least it. */
  threshold: number;
  drifted: boolean;
  /** PSI of the column (always computed: the policy's levels are PSI levels). */
  psi: number;
  level: DriftLevel;
  reference: SampleSummary;
  current: SampleSummary;
  histogram: Histogram;
  /** Why a result is degenerate, when it is: a constant column, an empty sample. */
  note?: string;
}

export interface DriftReport {
  model: string;
  /** The production version whose training data is the reference. */
  version?: string;
  reference: { name: string; rows: number };
  current: { name: string; rows: number; window?: { from: string; to: string } };
  columns: ColumnDrift[];
  /** Share of drifted columns against the policy's `dataset_drift_share`. */
  datasetDrift: { share: number; threshold: number; drifted: boolean };
  /** Drift of the model's predictions, when the current data has them. */
  prediction?: ColumnDrift;
  /** When the current data has labels: accuracy then and now, the relative drop and its level. */
  accuracy?: { reference: number; current: number; drop: number; level: DriftLevel };
  /** The worst of the columns' PSI levels and the accuracy level. */
  level: DriftLevel;
  /** When the check ran (ISO 8601). */
  at: string;
}
