import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { putTextObject, readTextObjects, type ObjectStore } from '../../data/index.js';
import type { RolloutWindow } from '../window.js';
import {
  formatMetricsLine,
  parseMetricsLines,
  type Arm,
  type MetricsBucket,
} from './file-format.js';
import type { MetricsProvider } from './provider.js';
import { aggregateWindow, type WindowRange } from './window.js';

/**
 * Where metrics files live: every `*.jsonl` object under `prefix` of an object store (e.g.
 * `metrics/<model>/<rollout-id>/`), or every `*.jsonl` file under a local directory.
 */
export type MetricsLocation = { store: ObjectStore; prefix: string } | { dir: string };

/** Metrics files that break the format; `problems` lists each as `file:line: message`. */
export class MetricsFileError extends Error {
  override name = 'MetricsFileError';
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 20).join('\n  ');
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : '';
    super(`${problems.length} problem(s) in the metrics files:\n  ${shown}${more}`);
  }
}

/**
 * The `file` metrics provider (see ./file-format.ts): reads every `*.jsonl` under a location
 * each time it is asked, so replicas and simulators may keep adding files between ticks.
 * @example
 * const metrics = new FileMetricsProvider({ store: remote, prefix: 'metrics/fraud/fraud-1.3.0/' });
 * const window = await metrics.window({ from: state.since, to: now });
 * // { baseline: { requests: 9500, errors: 95, latencyP95Ms: 80 }, candidate: { … } }, or null
 */
export class FileMetricsProvider implements MetricsProvider {
  constructor(readonly location: MetricsLocation) {}

  get describe(): string {
    return 'dir' in this.location
      ? `file metrics in ${this.location.dir}`
      : `file metrics under ${this.location.prefix}`;
  }

  /** Why the last {@link window} was null: the storage could not be read. */
  unreachable: string | null = null;

  /**
   * Both arms over `[from, to)`, zero counts for an arm nothing was measured for. With
   * `versions`, buckets of another version are left out. Null when the storage cannot be
   * read (a failed tick: the state machine counts it); {@link unreachable} says why. Throws
   * {@link MetricsFileError} when any file breaks the format: a window is never computed from
   * part of the data.
   */
  async window(
    range: WindowRange,
    versions: Partial<Record<Arm, string>> = {},
  ): Promise<RolloutWindow | null> {
    let read;
    try {
      read = await this.read();
    } catch (e) {
      this.unreachable = `${this.describe}: ${e instanceof Error ? e.message : String(e)}`;
      return null;
    }
    this.unreachable = null;
    if (read.problems.length > 0) throw new MetricsFileError(read.problems);
    return aggregateWindow(read.buckets, range, versions);
  }

  /** Every bucket and every problem in the location's files, in the files' name order. */
  async read(): Promise<{ buckets: MetricsBucket[]; problems: string[]; files: string[] }> {
    const texts = await readAll(this.location);
    const buckets: MetricsBucket[] = [];
    const problems: string[] = [];
    for (const { name, text } of texts) {
      const r = parseMetricsLines(text, name);
      buckets.push(...r.buckets);
      problems.push(...r.problems);
    }
    return { buckets, problems, files: texts.map((t) => t.name) };
  }
}

async function readAll(loc: MetricsLocation): Promise<{ name: string; text: string }[]> {
  if ('dir' in loc) {
    const names = await readdir(loc.dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    const files = names.filter((n) => n.endsWith('.jsonl')).sort();
    return Promise.all(
      files.map(async (f) => ({
        name: join(loc.dir, f),
        text: await readFile(join(loc.dir, f), 'utf8'),
      })),
    );
  }
  return readTextObjects(loc.store, folder(loc.prefix), '.jsonl');
}

/**
 * Writes buckets as a new metrics file under a location and returns its key (or path): named
 * `name`, by default after the first bucket, `<ts>-<arm>.jsonl` (`20260301T000000Z-baseline.jsonl`).
 * An existing file is never overwritten, nor a bucket that breaks the format written: those throw. For simulators and exporters.
 * @example
 * await writeMetricsBucket({ dir: 'metrics/fraud/fraud-1.3.0' }, { ts: new Date('2026-03-01T00:00:00Z'),
 *   arm: 'candidate', version: '1.3.0', requests: 50, errors: 1 })
 * // 'metrics/fraud/fraud-1.3.0/20260301T000000Z-candidate.jsonl'
 */
export async function writeMetricsBucket(
  loc: MetricsLocation,
  buckets: MetricsBucket | MetricsBucket[],
  name?: string,
): Promise<string> {
  const list = Array.isArray(buckets) ? buckets : [buckets];
  const first = list[0];
  if (!first) throw new Error('writeMetricsBucket: no buckets to write');
  const fileName = name ?? `${compactTime(first.ts)}-${first.arm}.jsonl`;
  const text = list.map((b) => `${formatMetricsLine(b)}\n`).join('');
  const { problems } = parseMetricsLines(text, fileName);
  if (problems.length > 0) throw new MetricsFileError(problems);
  if ('dir' in loc) {
    await mkdir(loc.dir, { recursive: true });
    const path = join(loc.dir, fileName);
    await writeFile(path, text, { flag: 'wx' });
    return path;
  }
  const key = `${folder(loc.prefix)}${fileName}`;
  await putTextObject(loc.store, key, text);
  return key;
}

/** `2026-03-01T00:00:00.000Z` → `20260301T000000Z` (milliseconds kept when not zero). */
function compactTime(ts: Date): string {
  const iso = ts.toISOString().replace(/[-:]/g, '');
  return iso.endsWith('.000Z') ? iso.replace('.000Z', 'Z') : iso.replace('.', '');
}

/** A prefix as a folder: `a/b` → `a/b/`, `` stays ``. */
function folder(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}
