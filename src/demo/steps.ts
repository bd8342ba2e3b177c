/**
 * The demo's recurring moves, each through `mlops` as a person would type it: train and
 * register a version, promote it through a pull request, and replace a dataset with a new
 * export (pointer re-added, pushed and committed).
 */
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRef, type Repo } from '../repo/index.js';
import type { DemoIo } from './index.js';

export interface Trained {
  run: string;
  version: string;
  metrics: Record<string, number>;
  /** The registration commit. */
  commit: string;
}

/** `mlops train` then `mlops register`, at `at`; throws when either fails. */
export async function trainAndRegister(
  io: DemoIo,
  dir: string,
  model: string,
  at: Date,
  reason: string,
): Promise<Trained> {
  const t = await io.capture(
    ['train', model, '--trigger', 'schedule', '--reason', reason, '--json'],
    dir,
    at,
  );
  const run =
    t.code === 0
      ? (JSON.parse(t.out) as { id: string; metrics: Record<string, number> }[])[0]
      : undefined;
  if (!run) throw new Error(`training ${model} failed (exit ${t.code})`);
  const table = join(dir, '.mlops', 'runs', run.id, 'features.csv');
  const through = existsSync(table)
    ? `, trained on ${readFileSync(table, 'utf8').trimEnd().split('\n').length - 1} rows built through its feature view`
    : '';
  io.say(
    `      run ${run.id}: accuracy ${run.metrics.accuracy}, latency p95 ${run.metrics.latency_p95_ms} ms${through}\n`,
  );
  const r = await io.capture(['register', model, '--run', run.id, '--json'], dir, at);
  if (r.code !== 0) throw new Error(`registering run ${run.id} failed (exit ${r.code})`);
  const registered = JSON.parse(r.out) as { version: { version: string }; commit: string };
  return {
    run: run.id,
    version: registered.version.version,
    metrics: run.metrics,
    commit: registered.commit,
  };
}

/** `mlops promote` as ada (the local forge), then the pull requests so far; throws unless merged. */
export async function promoteVersion(
  io: DemoIo,
  dir: string,
  model: string,
  version: string,
  at: Date,
): Promise<void> {
  const code = await io.mlops(['promote', model, version, '--as', 'ada'], dir, at);
  if (code !== 0) throw new Error(`promoting ${model} ${version} failed (exit ${code})`);
}

/**
 * Replaces a dataset's file with a new export and records it: `data add` (the pointer names
 * the new bytes), `data push`, and a commit of the pointer (the caller's `commitFiles`).
 * Returns the branch's new tip.
 */
export async function newExport(
  io: DemoIo,
  o: {
    dir: string;
    repo: Repo;
    path: string;
    text: string;
    at: Date;
    commitFiles: (paths: string[], at: Date) => Promise<string>;
  },
): Promise<string> {
  const abs = join(o.dir, o.path);
  writeFileSync(abs, o.text);
  // back-dated like the example data, so the stat cache can vouch for it at once
  const past = new Date(o.at.getTime() - 3_600_000);
  utimesSync(abs, past, past);
  const name = o.path.replace(/^datasets\//, '').replace(/\.[^.]+$/, '');
  for (const argv of [
    ['data', 'add', o.path],
    ['data', 'push', name],
  ]) {
    const code = await io.mlops(argv, o.dir, o.at);
    if (code !== 0) throw new Error(`mlops ${argv.join(' ')} failed (exit ${code})`);
  }
  await o.commitFiles([`data/${name}.yaml`], o.at);
  return resolveRef(o.repo, 'main');
}
