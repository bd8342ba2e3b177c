import type { Run } from '../records/index.js';
import type { StoredFile } from './artifacts.js';
import type { FinalMetrics } from './metrics-log.js';

export interface RunFacts {
  id: string;
  experiment: string;
  model: string;
  startedAt: Date;
  endedAt: Date;
  codeCommit: string;
  command: string;
  trigger: Run['trigger'];
  params: Run['params'];
  inputs: Run['inputs'];
  environment: Run['environment'];
  /** Final metrics (absent when the trainer wrote none or they were refused). */
  final?: FinalMetrics;
  architecture?: Run['architecture'];
  artifacts: StoredFile[];
  history?: StoredFile;
  /** Why the run did not succeed; absent when it did. */
  failure?: { status: 'failed' | 'killed'; reason: string; lastLines: string[] };
}

/**
 * The Run record of a finished run. Pure: everything it says was gathered by the caller.
 * A failed run keeps its params, inputs and environment (to reproduce the failure) but
 * names no artifacts: partial outputs are never pushed.
 * @example
 * const run = buildRunRecord({ id, experiment: 'execution-agent', ... });
 */
export function buildRunRecord(f: RunFacts): Run {
  const run: Run = {
    kind: 'Run',
    schema_version: 1,
    id: f.id,
    experiment: f.experiment,
    model: f.model,
    status: f.failure ? f.failure.status : 'succeeded',
    started_at: isoSeconds(f.startedAt),
    ended_at: isoSeconds(f.endedAt),
    code_commit: f.codeCommit,
    trigger: f.trigger,
    command: f.command,
    params: f.params,
    metrics: f.final?.metrics ?? {},
    inputs: f.inputs,
    artifacts: f.failure ? [] : f.artifacts,
    environment: f.environment,
  };
  if (f.final?.slices && Object.keys(f.final.slices).length) run.slices = f.final.slices;
  if (f.history)
    run.metric_history = { uri: f.history.uri, hash: f.history.hash, size: f.history.size };
  if (f.architecture) run.architecture = f.architecture;
  if (f.failure) run.failure = { reason: f.failure.reason, last_lines: f.failure.lastLines };
  return run;
}

/** `2026-11-26T07:35:00Z`: records carry whole seconds. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
