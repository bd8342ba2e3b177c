import type { Command } from 'commander';
import {
  compareRuns,
  formatMetric,
  guessDirection,
  listRuns,
  readModel,
  type Direction,
} from '../../tracking/index.js';
import type { Run } from '../../records/index.js';
import { NoError, UsageError, json, table, type Io } from '../io.js';

export function registerRuns(program: Command, io: Io, setExit: (code: number) => void) {
  const runs = program
    .command('runs')
    .description('training runs: every experiment tracked as a Run record in registry/runs/');

  runs
    .command('ls')
    .description('list runs, oldest first, with status, duration and the primary metric')
    .option('--experiment <name>', 'only this experiment')
    .option('--model <name>', 'only runs of this model')
    .option('--json', 'print JSON')
    .action((opts: { experiment?: string; model?: string; json?: boolean }) => {
      const listing = listRuns(io.cwd, { experiment: opts.experiment });
      for (const p of listing.problems) io.err(`${p}\n`);
      if (listing.problems.length) setExit(1);
      const shown = listing.runs.filter((r) => !opts.model || r.model === opts.model);
      if (opts.json) return json(io, shown);
      if (!shown.length) return io.out('no runs\n');
      const rows = [['RUN', 'MODEL', 'STATUS', 'TRIGGER', 'DURATION', 'PRIMARY METRIC']];
      for (const r of shown) {
        const primary = primaryOf(io.cwd, r.model);
        const v = primary ? r.metrics[primary] : undefined;
        rows.push([
          r.id,
          r.model,
          r.status,
          r.trigger.type,
          duration(r),
          v === undefined ? '-' : `${primary} ${formatMetric(v)}`,
        ]);
      }
      io.out(table(rows));
    });

  runs
    .command('compare')
    .description('params and metrics of runs side by side; * marks the best value of each metric')
    .argument('<ids...>', 'two or more run ids')
    .option('--json', 'print JSON')
    .action((ids: string[], opts: { json?: boolean }) => {
      if (ids.length < 2) throw new UsageError('compare needs at least two run ids');
      const all = listRuns(io.cwd).runs;
      const chosen = ids.map((id) => {
        const r = all.find((x) => x.id === id);
        if (!r) {
          io.err(`no run "${id}" under registry/runs/\n`);
          throw new NoError();
        }
        return r;
      });
      const primaries = new Map(chosen.map((r) => [r.model, primaryDirection(io.cwd, r.model)]));
      const direction = (metric: string): Direction => {
        for (const p of primaries.values()) if (p && p.metric === metric) return p.direction;
        return guessDirection(metric);
      };
      const cmp = compareRuns(chosen, direction);
      if (opts.json) return json(io, cmp);
      const rows = [['', ...cmp.ids]];
      for (const row of cmp.rows) {
        const label =
          row.kind === 'param'
            ? row.name
            : `${row.name} (${row.direction === 'maximize' ? '↑' : '↓'})`;
        rows.push([
          label,
          ...row.values.map((v, i) => {
            const text = v === null ? '-' : typeof v === 'number' ? formatMetric(v) : String(v);
            return row.best?.includes(i) ? `${text} *` : text;
          }),
        ]);
      }
      io.out(table(rows));
    });
}

function primaryDirection(
  root: string,
  model: string,
): { metric: string; direction: Direction } | undefined {
  try {
    const m = readModel(root, model);
    return { metric: m.evaluation.primary_metric, direction: m.evaluation.direction };
  } catch {
    return undefined;
  }
}

function primaryOf(root: string, model: string): string | undefined {
  return primaryDirection(root, model)?.metric;
}

function duration(r: Run): string {
  if (!r.ended_at) return '-';
  const s = Math.round((Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
