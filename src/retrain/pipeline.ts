/**
 * The retraining pipeline, stage by stage as the seed lays it out: check the trigger →
 * collect new data (labelled production logs into the next dataset version) → validate it
 * (its expectations) → build features and train → validate the model (the governance
 * thresholds) → register (the policy's automated bump) → open the promotion pull request →
 * report where approval and rollout stand. Each stage runs the `mlops` command a person
 * would, so the pipeline is exactly the commands its report shows; a failed stage stops it
 * with its reason and nothing downstream runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GovernancePolicy, Model, RetrainingPolicy } from '../records/index.js';
import { readWorktreeRecord } from '../repo/index.js';
import { collectLoggedRows } from './collect.js';

export type Runner = (argv: string[]) => Promise<{ code: number; out: string; err: string }>;

export interface StageReport {
  stage: string;
  ok: boolean;
  detail: string;
}

export interface RetrainOptions {
  root: string;
  model: string;
  reason: string;
  trigger: 'drift' | 'schedule' | 'manual';
  /** The drift check's figures, handed to the run (`trigger.drift`) and the PR. */
  drift?: Record<string, number>;
  /** Runs `mlops` in the repository (the CLI passes itself). */
  mlops: Runner;
  now: Date;
  /** Each stage as it ends. */
  report(stage: StageReport): void;
  /** Commits the files at these paths with a message (the collected dataset pointer). */
  commit(paths: string[], message: string): Promise<string>;
}

export interface RetrainResult {
  ok: boolean;
  stages: StageReport[];
  run?: string;
  version?: string;
  pr?: { number: number; url: string; decision: string; merged: boolean };
}

/** A stage that cannot go on: its detail says why. */
class Stop extends Error {}

/**
 * Runs the pipeline; never throws for a failed stage (the result says which and why).
 * @example
 * const r = await retrain({ root, model: 'execution-agent', reason: 'critical drift: PSI 0.41 on pass_rate_7d',
 *   trigger: 'drift', drift, mlops, now, report: console.log, commit });
 */
export async function retrain(o: RetrainOptions): Promise<RetrainResult> {
  const stages: StageReport[] = [];
  const result: RetrainResult = { ok: false, stages };
  const stage = async (name: string, fn: () => string | Promise<string>): Promise<void> => {
    try {
      const detail = await fn();
      const s = { stage: name, ok: true, detail };
      stages.push(s);
      o.report(s);
    } catch (e) {
      const s = { stage: name, ok: false, detail: (e as Error).message };
      stages.push(s);
      o.report(s);
      throw new Stop(s.detail);
    }
  };
  const run = async (argv: string[], what: string) => {
    const r = await o.mlops(argv);
    if (r.code !== 0)
      throw new Error(
        `${what} failed (mlops ${argv.join(' ')}: exit ${r.code}): ${firstLine(r.err || r.out)}`,
      );
    return r.out;
  };

  try {
    const model = readWorktreeRecord<Model>(o.root, `registry/models/${o.model}/model.yaml`);
    const policy = readWorktreeRecord<RetrainingPolicy>(o.root, 'policies/retraining.yaml');
    const governance = readWorktreeRecord<GovernancePolicy>(o.root, 'policies/governance.yaml');
    const labels = model?.training.inputs.datasets[0];
    let collected: { pointer: string; message: string } | undefined;
    let restore: () => void = noop;

    await stage('check triggers', () => {
      if (!model) throw new Error(`no model "${o.model}"`);
      if (o.trigger === 'manual' && policy?.on_demand === false)
        throw new Error(
          'the retraining policy does not allow retraining on demand (on_demand: false)',
        );
      if (o.trigger === 'drift' && policy?.on_critical_drift === false)
        throw new Error(
          'the retraining policy does not retrain on drift (on_critical_drift: false)',
        );
      return `${o.trigger}: ${o.reason}`;
    });

    await stage('collect new data', async () => {
      if (!labels) return 'the model trains on no dataset: nothing to collect';
      const pointer = `data/${labels}.yaml`;
      const keepPointer = snapshot(o.root, pointer);
      const c = await collectLoggedRows(o.root, o.model, labels);
      if (c.added === 0)
        return `no new labelled production rows for ${labels}: training on it as it is`;
      // the new version is committed only once its expectations hold (the next stage)
      const keepData = snapshot(o.root, c.path, c.previous);
      restore = () => {
        keepPointer();
        keepData();
      };
      await run(['data', 'add', c.path], 'adding the new version');
      await run(['data', 'push', labels], 'pushing it');
      collected = {
        pointer,
        message: `Collect ${c.added} labelled production rows of ${o.model} into ${labels}`,
      };
      return `${c.added} labelled rows from ${c.files} log files added to ${labels} (${c.rows} rows now)`;
    });

    await stage('validate data', async () => {
      if (!labels) return 'no dataset to validate';
      const r = await o.mlops(['data', 'check', labels, '--json']);
      const results = r.out
        ? (JSON.parse(r.out) as {
            success: boolean;
            expectation: { type: string; column?: string };
            unexpected_count: number | null;
          }[])
        : [];
      const failed = results.filter((x) => !x.success);
      if (r.code !== 0 || failed.length) {
        const named = failed.map(
          (x) =>
            `${x.expectation.type}(${x.expectation.column ?? ''}): ${x.unexpected_count ?? '?'} unexpected`,
        );
        restore();
        throw new Error(
          `${labels} breaks its expectations: ${named.join('; ') || firstLine(r.err)}; the new version is not kept`,
        );
      }
      if (collected) await o.commit([collected.pointer], collected.message);
      return `${labels}: all ${results.length} expectations hold${collected ? ': the new version is committed' : ''}`;
    });

    let metrics: Record<string, number> = {};
    await stage('build features and train', async () => {
      const argv = ['train', o.model, '--trigger', o.trigger, '--reason', o.reason, '--json', '-q'];
      if (o.drift) argv.push('--trigger-figures', JSON.stringify(o.drift));
      const r = await o.mlops(argv);
      const [runRecord] = r.out
        ? (JSON.parse(r.out) as {
            id: string;
            status: string;
            metrics: Record<string, number>;
            failure?: { reason: string };
          }[])
        : [];
      if (!runRecord) throw new Error(`training did not start: ${firstLine(r.err)}`);
      result.run = runRecord.id;
      if (runRecord.status !== 'succeeded')
        throw new Error(
          `run ${runRecord.id} ${runRecord.status}: ${runRecord.failure?.reason ?? ''}`,
        );
      metrics = runRecord.metrics;
      return `run ${runRecord.id}: ${Object.entries(metrics)
        .slice(0, 4)
        .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
        .join(', ')}`;
    });

    await stage('validate the model', () => {
      const c = governance?.checks;
      if (!c) return 'no governance policy: nothing to hold it to';
      const primary = model!.evaluation.primary_metric;
      const problems = [];
      const acc = metrics.accuracy ?? metrics[primary];
      if (acc !== undefined && acc < c.min_accuracy)
        problems.push(`accuracy ${acc} < ${c.min_accuracy}`);
      const lat = metrics.latency_p95_ms;
      if (lat !== undefined && !(lat < c.max_latency_p95_ms))
        problems.push(`latency p95 ${lat} ms ≥ ${c.max_latency_p95_ms} ms`);
      if (problems.length)
        throw new Error(
          `below the governance thresholds: ${problems.join('; ')}; nothing is registered`,
        );
      return `meets the governance thresholds (accuracy ≥ ${c.min_accuracy}, latency p95 < ${c.max_latency_p95_ms} ms)`;
    });

    await stage('register', async () => {
      const argv = ['register', o.model, '--run', result.run!, '--reason', o.reason, '--json'];
      if (policy?.automated_bump === 'patch') argv.push('--patch');
      const out = JSON.parse(await run(argv, 'registration')) as {
        version: { version: string; change: { level: string } };
        commit: string;
      };
      result.version = out.version.version;
      return `${o.model} ${out.version.version} (${out.version.change.level}) in ${out.commit.slice(0, 7)}`;
    });

    await stage('promotion pull request', async () => {
      const r = await o.mlops(['promote', o.model, result.version!, '--json']);
      if (!r.out) throw new Error(`promotion failed: ${firstLine(r.err)}`);
      const p = JSON.parse(r.out) as {
        pr: { number: number; url: string };
        decision: string;
        merged: string | null;
        status: { description: string };
      };
      result.pr = {
        number: p.pr.number,
        url: p.pr.url,
        decision: p.decision,
        merged: p.merged !== null,
      };
      // the pipeline's work ends with the pull request; whether it merges is governance's call
      return `#${p.pr.number} (${p.pr.url}): governance says ${p.decision} (${p.status.description})`;
    });

    await stage('approval and rollout', () => {
      const pr = result.pr!;
      if (pr.merged)
        return `#${pr.number} approved by policy and merged: the rollout starts from it (the rollout workflow, or mlops rollout start ${o.model})`;
      if (pr.decision === 'reject')
        return `#${pr.number} cannot merge as it stands: governance rejects it, so nothing rolls out`;
      return `#${pr.number} waits for the approvers; merging it starts the rollout`;
    });
    result.ok = true;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return result;
}

function noop(): void {}

/** Puts a work-tree file back as it is now (or as `text`) when called. */
function snapshot(root: string, path: string, text?: string): () => void {
  const file = join(root, path);
  const kept = text ?? (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  return () => {
    if (kept !== undefined) writeFileSync(file, kept);
  };
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}
