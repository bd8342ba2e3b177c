import { GpuPool, type Gpu } from './gpus.js';

export interface TrainingJob {
  name: string;
  /** Whole GPUs the job needs (0 for CPU). */
  gpus: number;
}

export type JobOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs trainings one after another, or with `parallel` all at once as far as the GPUs go:
 * each job gets its own set of whole GPUs from the pool and waits while none is free (the
 * seed's "three agents, one per GPU"). CPU jobs never wait for GPUs. A job that needs more
 * GPUs than the pool has must be refused by the caller beforehand; here it would wait forever.
 * @example
 * const out = await scheduleTrainings(jobs, gpus, true, (job, set) => train(job.name, set));
 */
export async function scheduleTrainings<T>(
  jobs: readonly TrainingJob[],
  gpus: readonly Gpu[],
  parallel: boolean,
  run: (job: TrainingJob, set: Gpu[]) => Promise<T>,
): Promise<Map<string, JobOutcome<T>>> {
  const out = new Map<string, JobOutcome<T>>();
  const pool = new GpuPool(gpus);
  const settle = async (job: TrainingJob, set: Gpu[]) => {
    try {
      out.set(job.name, { ok: true, value: await run(job, set) });
    } catch (error) {
      out.set(job.name, { ok: false, error });
    } finally {
      pool.give(set);
    }
  };
  if (!parallel) {
    for (const job of jobs) await settle(job, pool.take(job.gpus) ?? []);
    return out;
  }
  const waiting = [...jobs];
  const running = new Set<Promise<void>>();
  while (waiting.length || running.size) {
    for (let i = 0; i < waiting.length;) {
      const set = pool.take(waiting[i]!.gpus);
      if (!set) {
        i++;
        continue;
      }
      const [job] = waiting.splice(i, 1);
      const p: Promise<void> = settle(job!, set).then(() => void running.delete(p));
      running.add(p);
    }
    if (!running.size) break; // nothing can start: the caller let through an impossible job
    await Promise.race(running);
  }
  for (const job of waiting) {
    out.set(job.name, { ok: false, error: new Error(`${job.name}: not enough GPUs`) });
  }
  return out;
}
