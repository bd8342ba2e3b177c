/**
 * GPUs as `nvidia-smi` reports them, and how they are handed out: each training gets a set
 * of whole GPUs (`CUDA_VISIBLE_DEVICES`), and no two trainings running at once share one.
 */

/** Runs a program and returns its output, or null when the program is not installed. */
export type Exec = (
  file: string,
  args: string[],
) => Promise<{ code: number; stdout: string; stderr: string } | null>;

export interface Gpu {
  /** The index `CUDA_VISIBLE_DEVICES` names it by. */
  index: number;
  name: string;
  memory_mb: number;
  driver: string;
}

export const GPU_QUERY = [
  '--query-gpu=index,name,memory.total,driver_version',
  '--format=csv,noheader,nounits',
];

/**
 * The machine's GPUs, or `[]` when there is no `nvidia-smi` or it finds no device. When the
 * environment already restricts `CUDA_VISIBLE_DEVICES` (a runner sharing its GPUs), only
 * those listed are ours.
 * @example
 * const gpus = await queryGpus(exec, process.env.CUDA_VISIBLE_DEVICES);
 */
export async function queryGpus(exec: Exec, visible?: string): Promise<Gpu[]> {
  const r = await exec('nvidia-smi', GPU_QUERY);
  if (!r || r.code !== 0) return [];
  const all = parseGpuCsv(r.stdout);
  if (visible === undefined || visible.trim() === '') return all;
  const allowed = new Set(
    visible
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return all.filter((g) => allowed.has(String(g.index)));
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseGpuCsv(text: string): Gpu[] {
  const out: Gpu[] = [];
  for (const line of text.split('\n')) {
    // the name is whatever lies between the index and the last two fields: it may hold commas
    const m = /^\s*(\d+)\s*,\s*(.+?)\s*,\s*([^,]*?)\s*,\s*([^,]*?)\s*$/.exec(line);
    if (!m) continue;
    const mb = Number(m[3]);
    out.push({
      index: Number(m[1]),
      name: m[2]!,
      memory_mb: Number.isFinite(mb) ? Math.round(mb) : 0,
      driver: m[4]!,
    });
  }
  return out;
}

/**
 * Hands out whole GPUs to trainings that may run at once. `take(n)` returns a free set or
 * null (wait for a `give` back); asking for more than the machine has can never succeed.
 * @example
 * const pool = new GpuPool(gpus);
 * const mine = pool.take(1); // [gpus[0]]
 * pool.give(mine!);
 */
export class GpuPool {
  private readonly free: Gpu[];

  constructor(readonly gpus: readonly Gpu[]) {
    this.free = [...gpus];
  }

  take(n: number): Gpu[] | null {
    if (n === 0) return [];
    if (this.free.length < n) return null;
    return this.free.splice(0, n);
  }

  give(set: readonly Gpu[]): void {
    this.free.push(...set);
    this.free.sort((a, b) => a.index - b.index);
  }
}
