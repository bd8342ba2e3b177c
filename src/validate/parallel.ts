import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Finding } from '../records/index.js';
import { openRepo } from '../repo/index.js';
import { checkFiles } from './check-files.js';
import { openTree } from './tree.js';

/**
 * Below this many files a worker's start-up and the competition for two cores
 * cost more than they save (measured: 12,811 records took 1.36 s on one
 * thread, 1.66 s on two; 32,011 took 2.95 s on one, 2.75 s on two).
 */
export const PARALLEL_THRESHOLD = 20_000;

interface Job {
  mlopsValidateJob: true;
  dir: string;
  oid: string;
  paths: string[];
}

/**
 * How many threads to use: `jobs` when given, else one per core (at most 4)
 * for a large tree. Workers run this module's own file, so they exist only in
 * the bundled tool (dist/cli.js, an action's dist/index.js), never under a TS
 * loader.
 */
export function plannedJobs(files: number, jobs?: number): number {
  if (!import.meta.url.endsWith('.js')) return 1;
  if (jobs !== undefined) return Math.max(1, Math.min(jobs, 16));
  return files < PARALLEL_THRESHOLD ? 1 : Math.min(availableParallelism(), 4);
}

/**
 * Check a commit's files on `jobs` threads. Files are split by model (its
 * versions, cards and runs stay together), so the references a rule follows
 * are mostly read by the thread that already has them.
 */
export async function checkFilesInParallel(
  dir: string,
  oid: string,
  paths: string[],
  jobs: number,
  local: (paths: string[]) => Promise<Finding[]>,
): Promise<Finding[]> {
  const buckets: string[][] = Array.from({ length: jobs }, () => []);
  for (const p of paths) buckets[bucketOf(p, jobs)]!.push(p);
  const workers = buckets.slice(1).map(
    (bucket) =>
      new Promise<Finding[]>((resolve, reject) => {
        const job: Job = { mlopsValidateJob: true, dir, oid, paths: bucket };
        const w = new Worker(new URL(import.meta.url), { workerData: job });
        w.once('message', (findings: Finding[]) => resolve(findings));
        w.once('error', reject);
        w.once(
          'exit',
          (code) => code !== 0 && reject(new Error(`validation worker exited with code ${code}`)),
        );
      }),
  );
  const results = await Promise.all([local(buckets[0]!), ...workers]);
  return results.flat();
}

function bucketOf(path: string, jobs: number): number {
  const m = /^(?:registry\/models|registry\/runs|model-cards)\/([^/]+)\//.exec(path);
  if (!m) return 0; // shared records (data, policies, features, workflows) stay on the main thread
  let h = 0;
  for (let i = 0; i < m[1]!.length; i++) h = (h * 31 + m[1]!.charCodeAt(i)) | 0;
  return Math.abs(h) % jobs;
}

/** True in a thread started by {@link checkFilesInParallel}. */
export function isValidationWorker(): boolean {
  return !isMainThread && (workerData as Partial<Job> | null)?.mlopsValidateJob === true;
}

/** The body of a validation thread: check its files and post the findings back. */
export async function serveValidationJob(): Promise<void> {
  const job = workerData as Job;
  const tree = await openTree(await openRepo(job.dir), job.oid);
  parentPort!.postMessage(await checkFiles(tree.index, job.paths));
}
