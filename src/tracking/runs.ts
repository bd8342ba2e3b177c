import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecord, type Run } from '../records/index.js';

/** Runs in the work tree, and the files that could not be read as one. */
export interface RunListing {
  runs: Run[];
  problems: string[];
}

/**
 * Every Run record under `registry/runs/` in the work tree (so a run just trained shows
 * before it is committed), oldest first; `experiment` narrows to one folder.
 * @example
 * const { runs } = listRuns(root, { experiment: 'execution-agent' });
 */
export function listRuns(root: string, opts: { experiment?: string } = {}): RunListing {
  const base = join(root, 'registry', 'runs');
  const out: RunListing = { runs: [], problems: [] };
  if (!existsSync(base)) return out;
  const experiments = opts.experiment ? [opts.experiment] : readdirSync(base).sort();
  for (const exp of experiments) {
    const dir = join(base, exp);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      const path = `registry/runs/${exp}/${f}`;
      const r = loadRecord(path, readFileSync(join(dir, f)));
      if (!r.ok) {
        const x = r.findings[0]!;
        out.problems.push(`${path}:${x.line}:${x.col}: ${x.rule}: ${x.message}`);
        continue;
      }
      out.runs.push(r.record.value as unknown as Run);
    }
  }
  out.runs.sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
  return out;
}

export type Direction = 'maximize' | 'minimize';

/** Which way a metric is better, when the model does not say: losses, errors and times go down. */
export function guessDirection(metric: string): Direction {
  return /(loss|error|err_|latency|_ms$|_s$|time|mse|mae|rmse|perplexity|regret)/.test(metric)
    ? 'minimize'
    : 'maximize';
}

export interface ComparisonRow {
  kind: 'param' | 'metric';
  name: string;
  values: (string | number | boolean | null)[];
  /** Metrics: which way is better, and the columns holding the best value. */
  direction?: Direction;
  best?: number[];
}

export interface Comparison {
  ids: string[];
  rows: ComparisonRow[];
}

/**
 * Runs side by side: every param, then every metric, with the best value of each metric
 * marked (ties all marked; a metric only one run has marks nothing).
 * @example
 * compareRuns([a, b], (m) => (m === 'accuracy' ? 'maximize' : guessDirection(m)));
 */
export function compareRuns(
  runs: readonly Run[],
  direction: (metric: string) => Direction,
): Comparison {
  const names = (pick: (r: Run) => Record<string, unknown>) =>
    [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  const rows: ComparisonRow[] = names((r) => r.params).map((name) => ({
    kind: 'param' as const,
    name,
    values: runs.map((r) => r.params[name] ?? null),
  }));
  for (const name of names((r) => r.metrics)) {
    const values = runs.map((r) => r.metrics[name] ?? null);
    const present = values.filter((v): v is number => v !== null);
    const dir = direction(name);
    const row: ComparisonRow = { kind: 'metric', name, values, direction: dir };
    if (present.length > 1) {
      const best = dir === 'maximize' ? Math.max(...present) : Math.min(...present);
      row.best = values.flatMap((v, i) => (v === best ? [i] : []));
    }
    rows.push(row);
  }
  return { ids: runs.map((r) => r.id), rows };
}
