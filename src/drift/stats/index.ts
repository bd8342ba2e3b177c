/** Drift statistics: Evidently's tests and distances over typed arrays, and one column's drift. */
export { binCounts, quantileEdges, sturgesEdges } from './binning.js';
export {
  columnDrift,
  datasetDriftShare,
  defaultTest,
  psiLevel,
  DEFAULT_PSI_LEVELS,
  DEFAULT_THRESHOLDS,
} from './column.js';
export type { CategoricalSample, ColumnDriftOptions, NumericSample, PsiLevels } from './column.js';
export { jensenShannon, psi, wassersteinNormed } from './distances.js';
export { kstwoSf, smirnovSf } from './kolmogorov.js';
export { ks2, type KsResult } from './ks.js';
export { readColumns, columnNames, type ColumnValues } from './read.js';
export { chi2Sf } from './special.js';
export { chiSquare, zTestProportions, type ChiSquareResult, type ZTestResult } from './tests.js';
