/**
 * The demo's rollout: the merged candidate is started, then an hour of simulated production
 * traffic at a time goes through both real model artifacts into the `file` metrics provider
 * on the local remote, and `mlops rollout tick` runs after each hour, as the scheduled
 * workflow would. Each tick that changes the state is a commit, printed as it happens.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache, DataWorkspace, pointerRef } from '../data/index.js';
import { loadRecord, type ModelVersion, type Run } from '../records/index.js';
import { resolveRef, type Repo } from '../repo/index.js';
import {
  metricsPrefix,
  readRolloutSnapshot,
  writeMetricsBucket,
  type RolloutSnapshot,
} from '../rollout/index.js';
import type { DemoIo } from './index.js';
import { productionRequests, serveHour, servingArm, type ServingArm } from './traffic.js';

const HOUR = 3_600_000;
/** Requests per hour: enough that 5 % of them passes the policy's 1,000 per arm in the first hold. */
const PER_HOUR = 4_000;
/** A rollout that has not ended after this many simulated hours stops the demo. */
const MAX_HOURS = 24 * 5;

export interface DemoRolloutResult {
  /** `promote` or `rollback`, the decision that ended it. */
  outcome: string;
  /** When it ended (the tick's clock). */
  endedAt: Date;
  steps: { at: Date; action: string; reason: string }[];
}

interface TickJson {
  action: string;
  reason: string;
  changed: boolean;
  commit: string | null;
}

/**
 * Starts the rollout of the model's candidate at `start` and runs simulated hours until it
 * is promoted or rolled back. `candidateArtifact` is the trained model's file; production's
 * is rebuilt from its Run (same data, params and seed: the same bytes).
 */
export async function demoRollout(
  io: DemoIo,
  o: { dir: string; repo: Repo; model: string; candidateArtifact: string; start: Date },
): Promise<DemoRolloutResult> {
  const started = await io.mlops(['rollout', 'start', o.model, '--as', 'ada'], o.dir, o.start);
  if (started !== 0) throw new Error(`starting the rollout of ${o.model} failed (exit ${started})`);
  let snap = await snapshot(o.repo, o.model);
  const state = snap.deployment.rollout;
  if (!state) throw new Error(`${o.model} has no rollout after \`mlops rollout start\``);
  const baseline = rebuildProduction(io, o.dir, o.model, state.baseline!);
  const candidate = servingArm(state.candidate, readFileSync(o.candidateArtifact, 'utf8'));
  io.say(
    `      Serving ${PER_HOUR.toLocaleString('en')} requests an hour through both models; a tick after each hour.\n`,
  );

  const ws = new DataWorkspace(o.dir, {});
  const { store } = ws.store();
  const location = { store, prefix: metricsPrefix(snap.policy, o.model, state.id) };
  const requests = productionRequests();
  const steps: DemoRolloutResult['steps'] = [];
  try {
    for (let h = 0; h < MAX_HOURS; h++) {
      const rollout = snap.deployment.rollout;
      if (!rollout) break;
      const ts = new Date(o.start.getTime() + h * HOUR);
      const first = (h * PER_HOUR) % requests.length;
      const hour = requests.slice(first, first + PER_HOUR);
      const buckets = serveHour({
        ts,
        rolloutId: rollout.id,
        weight: rollout.weight,
        baseline,
        candidate,
        requests: hour,
        firstRequest: h * PER_HOUR,
      });
      await writeMetricsBucket(location, buckets);
      const at = new Date(ts.getTime() + HOUR);
      const t = await io.capture(['rollout', 'tick', o.model, '--json'], o.dir, at, true);
      if (t.code !== 0) throw new Error(`rollout tick failed (exit ${t.code})`);
      const [tick] = JSON.parse(t.out) as TickJson[];
      if (tick?.changed) {
        steps.push({ at, action: tick.action, reason: tick.reason });
        io.say(`      ${clock(at)}  ${tick.reason}\n`);
      }
      snap = await snapshot(o.repo, o.model);
    }
  } finally {
    ws.close();
  }
  const last = steps.at(-1);
  if (!last || snap.deployment.rollout) {
    throw new Error(`the rollout of ${o.model} did not end within ${MAX_HOURS} simulated hours`);
  }
  return { outcome: last.action, endedAt: last.at, steps };
}

async function snapshot(repo: Repo, model: string): Promise<RolloutSnapshot> {
  return readRolloutSnapshot(repo, await resolveRef(repo, 'main'), model);
}

/**
 * Production's artifact, rebuilt by running its Run's trainer on the data it read (by hash,
 * from the cache) with its params:
 * the trainer is seeded, so the bytes must hash to what the version records. A mismatch is
 * said (a different toolchain can round differently) and the rebuilt model still serves.
 */
function rebuildProduction(io: DemoIo, dir: string, model: string, version: string): ServingArm {
  const record = <T>(path: string): T => {
    const r = loadRecord(path, readFileSync(join(dir, path)));
    if (!r.ok) throw new Error(`${path} is not a valid record`);
    return r.record.value as unknown as T;
  };
  const v = record<ModelVersion>(`registry/models/${model}/versions/${version}.yaml`);
  const run = record<Run>(`registry/runs/${model}/${v.run}.yaml`);
  // the data exactly as the run read it, by hash from the cache: the work tree may hold a newer export
  const input = run.inputs.datasets.find((d) => d.name === 'test-executions');
  if (!input) throw new Error(`run ${v.run} names no test-executions input`);
  const data = new Cache(dir).path(pointerRef({ hash: input.hash, dir: false }));
  const work = mkdtempSync(join(tmpdir(), 'mlops-demo-rebuild-'));
  try {
    writeFileSync(join(work, 'params.json'), JSON.stringify(run.params));
    execFileSync(process.execPath, [join(dir, 'training/execution-agent/dist/train.js')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        MLOPS_RUN_DIR: work,
        MLOPS_PARAMS: join(work, 'params.json'),
        MLOPS_DATA_TEST_EXECUTIONS: data,
      },
      stdio: 'ignore',
    });
    const text = readFileSync(join(work, 'artifacts/model.json'), 'utf8');
    const hash = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    const same = hash === v.artifact.hash;
    io.say(
      `      Production ${version}'s artifact, rebuilt from run ${v.run} (${JSON.stringify(run.params)}): ` +
        (same
          ? `${hash.slice(0, 19)}…, the hash its version records.\n`
          : `${hash.slice(0, 19)}…, not the recorded ${v.artifact.hash.slice(0, 19)}… (another toolchain?); serving it anyway.\n`),
    );
    return servingArm(version, text);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function clock(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
