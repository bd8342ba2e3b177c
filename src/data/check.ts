import { finding, type Dataset, type Expectation, type Finding } from '../records/index.js';
import { DataError } from './errors.js';
import { checkExpectations, type ExpectationResult } from './expectations/index.js';
import { pointerRef } from './hash/ref.js';
import { readBatches, type TableFormat } from './table/index.js';
import { pull } from './transfer/pull.js';
import type { TransferOptions } from './transfer/common.js';
import type { DataWorkspace } from './workspace.js';

const TABULAR = new Set(['csv', 'parquet', 'arrow', 'jsonl']);

/**
 * Run a dataset's expectations over the bytes its pointer names (never the
 * work tree, which may have moved on), pulling just that object when the cache
 * lacks it.
 * @example
 * const results = await checkDataset(ws, dataset);
 * const failed = results.filter((r) => !r.success);
 * @throws DataError `NOT_FOUND` when neither the cache nor the remote has the data,
 *   `UNKNOWN_FORMAT` for expectations on data that is not a table.
 */
export async function checkDataset(
  ws: DataWorkspace,
  d: Dataset,
  opts: TransferOptions = {},
): Promise<ExpectationResult[]> {
  const expectations = d.expectations ?? [];
  if (!expectations.length) return [];
  if (!TABULAR.has(d.format)) {
    throw new DataError(
      'UNKNOWN_FORMAT',
      `${d.name}: expectations need a csv, parquet, arrow or jsonl file; this dataset is ${d.format}`,
    );
  }
  const ref = pointerRef({ hash: d.hash, dir: false });
  if (!(await ws.cache.has(ref))) {
    const { name, store } = ws.store(d.remote);
    const report = await pull(ws.cache, store, [{ ...ref, size: d.size }], opts);
    if (!(await ws.cache.has(ref))) {
      const why = report.failed[0]?.message ?? 'not there';
      throw new DataError(
        'NOT_FOUND',
        `${d.name}: the data (${d.hash}) is not in the cache and could not be pulled from remote "${name}": ${why}; push it with \`mlops data push ${d.name}\``,
      );
    }
  }
  return checkExpectations(readBatches(ws.cache.path(ref), d.format as TableFormat), expectations);
}

/** One expectation in words: `between(pass_rate_7d, 0..1)`. */
export function describeExpectation(e: Expectation): string {
  const col = 'column' in e ? e.column : undefined;
  const bounds =
    'min' in e || 'max' in e
      ? `${(e as { min?: number }).min ?? '-∞'}..${(e as { max?: number }).max ?? '∞'}`
      : undefined;
  const args = [
    col,
    bounds,
    e.type === 'in_set' ? `{${e.values.join(', ')}}` : undefined,
    e.type === 'match_regex' ? `/${e.regex}/` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  return `${e.type}(${args})`;
}

/** Why a result failed, in one sentence with its figures and examples. */
export function explainResult(r: ExpectationResult): string {
  const what = describeExpectation(r.expectation);
  if (r.message) return `${what}: ${r.message}`;
  if (r.unexpected_count === null) {
    return `${what} failed: observed ${r.observed_value ?? 'nothing'} over ${r.element_count.toLocaleString('en')} rows`;
  }
  const mostly =
    'mostly' in r.expectation && r.expectation.mostly !== undefined ? r.expectation.mostly : 1;
  const examples = r.partial_unexpected_list
    .slice(0, 5)
    .map((v) => JSON.stringify(v))
    .join(', ');
  const evaluated =
    r.element_count - (r.expectation.type === 'not_null' ? 0 : (r.missing_count ?? 0));
  return (
    `${what} failed: ${r.unexpected_count.toLocaleString('en')} of ${evaluated.toLocaleString('en')} values unexpected ` +
    `(${(r.unexpected_percent ?? 0).toFixed(2)} %; at most ${((1 - mostly) * 100).toFixed(2)} % allowed)` +
    (examples ? `; e.g. ${examples}` : '')
  );
}

/** Failed expectations as findings on their lines in the pointer (results in expectation order). */
export function resultFindings(
  path: string,
  locate: (at: (string | number)[]) => { line: number; col: number },
  results: ExpectationResult[],
): Finding[] {
  return results.flatMap((r, i) =>
    r.success
      ? []
      : [
          finding(
            path,
            locate(['expectations', i]),
            `expectation/${r.expectation.type}`,
            explainResult(r),
          ),
        ],
  );
}
