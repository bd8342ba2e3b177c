/**
 * Drift reports for the report's tests: columns built from hand-written histogram counts, with
 * PSI, level, means and counts derived from them the way drift/ would, so the numbers in a
 * fixture agree with each other. Not part of the public surface.
 */
import type {
  ColumnDrift,
  DriftLevel,
  DriftReport,
  DriftTest,
  SampleSummary,
} from '../drift/types.js';
import { DRIFT_LEVELS } from '../drift/types.js';
import { DEFAULT_PSI_LEVELS, isPValueTest, type PsiLevels } from './format.js';

/** Empty bins get this share, as Evidently does, so PSI stays finite. */
const EPS = 1e-4;

/** PSI of two count vectors over the same bins. */
export function psiOf(reference: number[], current: number[]): number {
  const rt = reference.reduce((a, b) => a + b, 0) || 1;
  const ct = current.reduce((a, b) => a + b, 0) || 1;
  let psi = 0;
  reference.forEach((r, i) => {
    const p = Math.max(r / rt, EPS);
    const q = Math.max((current[i] ?? 0) / ct, EPS);
    psi += (q - p) * Math.log(q / p);
  });
  return psi;
}

export function levelOf(psi: number, levels: PsiLevels = DEFAULT_PSI_LEVELS): DriftLevel {
  if (psi >= levels.critical) return 'critical';
  if (psi >= levels.warning) return 'warning';
  if (psi >= levels.monitor) return 'monitor';
  return 'ok';
}

export function worst(levels: DriftLevel[]): DriftLevel {
  return levels.reduce<DriftLevel>(
    (w, l) => (DRIFT_LEVELS.indexOf(l) > DRIFT_LEVELS.indexOf(w) ? l : w),
    'ok',
  );
}

/** Count, mean and std of a sample known only as bin counts (each bin at its midpoint). */
function summary(edges: number[], counts: number[]): SampleSummary {
  const n = counts.reduce((a, b) => a + b, 0);
  if (!n) return { count: 0, missing: 0 };
  const mid = (i: number) => (edges[i]! + edges[i + 1]!) / 2;
  const mean = counts.reduce((a, c, i) => a + c * mid(i), 0) / n;
  const variance = counts.reduce((a, c, i) => a + c * (mid(i) - mean) ** 2, 0) / n;
  return { count: n, missing: 0, mean, std: Math.sqrt(variance) };
}

export interface TestResult {
  test?: DriftTest;
  value: number;
  threshold?: number;
}

function verdict(t: TestResult, fallback: DriftTest) {
  const test = t.test ?? fallback;
  const threshold = t.threshold ?? (isPValueTest(test) ? 0.05 : 0.1);
  const drifted = isPValueTest(test) ? t.value <= threshold : t.value >= threshold;
  return { test, value: t.value, threshold, drifted };
}

/** A numerical column from its bin edges and counts; the test defaults to K-S. */
export function numerical(
  column: string,
  edges: number[],
  reference: number[],
  current: number[],
  test: TestResult,
  patch: Partial<ColumnDrift> = {},
): ColumnDrift {
  const psi = psiOf(reference, current);
  return {
    column,
    kind: 'numerical',
    ...verdict(test, 'ks'),
    psi,
    level: levelOf(psi),
    reference: summary(edges, reference),
    current: summary(edges, current),
    histogram: { edges, reference, current },
    ...patch,
  };
}

/** A categorical column from its categories and counts; the test defaults to chi-square. */
export function categorical(
  column: string,
  labels: string[],
  reference: number[],
  current: number[],
  test: TestResult,
  patch: Partial<ColumnDrift> = {},
): ColumnDrift {
  const psi = psiOf(reference, current);
  const sample = (counts: number[]): SampleSummary => ({
    count: counts.reduce((a, b) => a + b, 0),
    missing: 0,
    distinct: counts.filter((c) => c > 0).length,
  });
  return {
    column,
    kind: 'categorical',
    ...verdict(test, 'chisquare'),
    psi,
    level: levelOf(psi),
    reference: sample(reference),
    current: sample(current),
    histogram: { labels, reference, current },
    ...patch,
  };
}

/** A report over `columns`, with dataset drift and the level derived from them. */
export function reportOf(columns: ColumnDrift[], patch: Partial<DriftReport> = {}): DriftReport {
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length ? drifted / columns.length : 0;
  const base: DriftReport = {
    model: 'execution-agent',
    version: '1.0.0',
    reference: { name: 'test-executions@1.0.0', rows: 12_000 },
    current: {
      name: 'test-executions-24h',
      rows: 3_150,
      window: { from: '2026-01-20T00:00:00Z', to: '2026-01-21T00:00:00Z' },
    },
    columns,
    datasetDrift: { share, threshold: 0.5, drifted: share >= 0.5 },
    level: worst(columns.map((c) => c.level)),
    at: '2026-01-21T00:05:00Z',
  };
  const r = { ...base, ...patch };
  if (!('level' in patch)) r.level = worst([base.level, ...(r.accuracy ? [r.accuracy.level] : [])]);
  return r;
}

/**
 * The execution agent a day after a CI change: five numerical features (two drifted hard, one
 * a little) and two categorical ones (a new runner OS), the predictions, and accuracy down 6 %.
 */
export function fixtureReport(patch: Partial<DriftReport> = {}): DriftReport {
  const pct = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
  const columns = [
    numerical(
      'execution_time_ms',
      [0, 250, 500, 1000, 2000, 4000, 8000, 16000],
      [1800, 3100, 3300, 2100, 1000, 500, 200],
      [150, 300, 600, 700, 800, 400, 200],
      { value: 1.2e-41 },
    ),
    numerical(
      'pass_rate_7d',
      pct,
      [60, 80, 100, 140, 200, 320, 600, 1100, 2400, 7000],
      [30, 50, 70, 100, 150, 250, 450, 800, 950, 300],
      { value: 3.1e-6 },
    ),
    numerical(
      'flakiness_score',
      pct,
      [5200, 2900, 1700, 900, 600, 350, 180, 100, 50, 20],
      [1300, 780, 470, 260, 160, 90, 50, 25, 10, 5],
      { value: 0.41 },
    ),
    numerical(
      'retries',
      [0, 1, 2, 3, 4, 5],
      [9000, 2000, 600, 300, 100],
      [2300, 560, 170, 90, 30],
      { test: 'wasserstein', value: 0.02 },
    ),
    numerical(
      'lines_changed',
      [0, 10, 50, 100, 500, 1000, 5000],
      [2500, 4200, 2600, 1900, 500, 300],
      [560, 1000, 700, 600, 170, 120],
      { value: 0.012 },
    ),
    categorical('suite', ['api', 'ui', 'unit'], [4200, 2400, 5400], [1200, 700, 1250], {
      value: 0.21,
    }),
    categorical(
      'runner_os',
      ['linux', 'macos', 'windows', 'linux-arm64'],
      [9000, 1800, 1200, 0],
      [1500, 480, 320, 850],
      { value: 0 },
    ),
  ];
  const prediction = numerical(
    'pass_probability',
    pct,
    [300, 200, 200, 250, 300, 500, 900, 1600, 3200, 4550],
    [150, 120, 130, 150, 200, 300, 400, 500, 600, 600],
    { value: 2.2e-12 },
  );
  return reportOf(columns, {
    prediction,
    accuracy: { reference: 0.931, current: 0.874, drop: (0.931 - 0.874) / 0.931, level: 'warning' },
    ...patch,
  });
}

/** `n` numerical columns `f01`…, PSI falling with the index, for caps and sorting. */
export function manyColumns(n: number): ColumnDrift[] {
  const edges = [0, 1, 2, 3, 4];
  return Array.from({ length: n }, (_, i) => {
    const shiftBy = Math.max(0, 60 - i * 4);
    return numerical(
      `f${String(i + 1).padStart(2, '0')}`,
      edges,
      [250, 250, 250, 250],
      [250 - shiftBy, 250 - shiftBy / 2, 250 + shiftBy / 2, 250 + shiftBy],
      { value: i < 3 ? 0.001 : 0.5 },
    );
  });
}
