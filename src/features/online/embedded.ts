/**
 * The embedded online store: every view in memory (a Map of entity key to row), kept on disk
 * under `<root>/.mlops/online/` so that a restarted server or CLI sees what was materialized.
 *
 * Layout: `views/<view>.json` per view (a write rewrites only its own view) and
 * `watermarks.json`. Every change is persisted before the call returns, as one file written to
 * a temp name, fsynced and renamed over the old one, so a crash leaves the old or the new file,
 * never half of one. One process owns a root at a time: two processes writing the same root
 * would each rename their own view of it into place (the last one wins).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ensureToolDir } from '../../data/tool-dir.js';
import type { FeatureValue, OnlineHit, OnlineRow, OnlineStore } from '../types.js';
import { NO_CREATED, checkRow, fromJsonValue, replaces, toJsonValue } from './rows.js';

const VIEW_FORMAT = 'mlops-online-view/1';
const MARKS_FORMAT = 'mlops-online-watermarks/1';

interface Stored {
  /** Frozen, handed out by `read` as is: no copy on the hot path, no caller can change it. */
  hit: OnlineHit;
  createdTs: number;
}

/** A view file: rows as `[key, eventTs, createdTs | null, values]`, values JSON-safe. */
interface ViewFile {
  format: string;
  view: string;
  rows: [string, number, number | null, Record<string, unknown>][];
}

export class EmbeddedOnlineStore implements OnlineStore {
  readonly describe: string;
  private readonly views = new Map<string, Map<string, Stored>>();
  private readonly marks = new Map<string, number>();
  /** File writes in the order their snapshots were taken, so the last rename is the newest. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly dir: string,
    root: string,
  ) {
    this.describe = `embedded ${relative(root, dir) || dir}`;
  }

  /** Opens (creating when needed) the store of a repository and loads it into memory. */
  static async open(root: string): Promise<EmbeddedOnlineStore> {
    const dir = join(ensureToolDir(root), 'online');
    await mkdir(join(dir, 'views'), { recursive: true });
    const store = new EmbeddedOnlineStore(dir, root);
    for (const name of await readdir(join(dir, 'views'))) {
      if (!name.endsWith('.json')) continue; // temp files of an interrupted write
      const file = join(dir, 'views', name);
      store.views.set(...(await loadView(file)));
    }
    const marks = await readJson(join(dir, 'watermarks.json'));
    if (marks !== undefined) {
      const m = marks as { format?: string; views?: Record<string, number> };
      if (m.format !== MARKS_FORMAT) throw new Error(`${dir}/watermarks.json: not ${MARKS_FORMAT}`);
      for (const [view, ms] of Object.entries(m.views ?? {})) store.marks.set(view, ms);
    }
    return store;
  }

  async write(
    view: string,
    rows: readonly OnlineRow[],
  ): Promise<{ written: number; skipped: number }> {
    this.assertOpen();
    for (const row of rows) checkRow(view, row);
    let table = this.views.get(view);
    if (!table) this.views.set(view, (table = new Map<string, Stored>()));
    let written = 0;
    for (const row of rows) {
      const createdTs = row.createdTs ?? NO_CREATED;
      const old = table.get(row.key);
      if (old && !replaces(row.eventTs, createdTs, old.hit.eventTs, old.createdTs)) continue;
      const values = Object.freeze({ ...row.values });
      table.set(row.key, { hit: Object.freeze({ values, eventTs: row.eventTs }), createdTs });
      written++;
    }
    if (written > 0) {
      const file = this.viewFile(view);
      try {
        await this.persist(file, viewJson(view, table));
      } catch (err) {
        // Memory must not claim what the disk does not have: go back to the file.
        const onDisk = await loadView(file).then(
          ([, t]) => t,
          () => new Map<string, Stored>(),
        );
        this.views.set(view, onDisk);
        throw err;
      }
    }
    return { written, skipped: rows.length - written };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async: errors as rejections
  async read(view: string, keys: readonly string[]): Promise<(OnlineHit | null)[]> {
    this.assertOpen();
    const table = this.views.get(view);
    return keys.map((k) => table?.get(k)?.hit ?? null);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async: errors as rejections
  async watermark(view: string): Promise<number | null> {
    this.assertOpen();
    return this.marks.get(view) ?? null;
  }

  async setWatermark(view: string, ms: number): Promise<void> {
    this.assertOpen();
    if (!Number.isFinite(ms)) throw new Error(`watermark of ${view}: ${ms} is not a time`);
    const before = this.marks.get(view);
    this.marks.set(view, ms);
    const text = JSON.stringify({ format: MARKS_FORMAT, views: Object.fromEntries(this.marks) });
    try {
      await this.persist(join(this.dir, 'watermarks.json'), text);
    } catch (err) {
      if (before === undefined) this.marks.delete(view);
      else this.marks.set(view, before);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
  }

  private viewFile(view: string): string {
    // encodeURIComponent: a view name is a path segment, whatever it holds
    return join(this.dir, 'views', `${encodeURIComponent(view)}.json`);
  }

  /** Queues an atomic replace of `file` by `text`; resolves when it is on disk. */
  private persist(file: string, text: string): Promise<void> {
    const done = this.queue.catch(() => undefined).then(() => atomicWrite(file, text));
    this.queue = done;
    return done;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.describe} is closed`);
  }
}

function viewJson(view: string, table: Map<string, Stored>): string {
  const rows: ViewFile['rows'] = [];
  for (const [key, { hit, createdTs }] of table) {
    const values: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(hit.values)) values[name] = toJsonValue(v);
    rows.push([key, hit.eventTs, createdTs === NO_CREATED ? null : createdTs, values]);
  }
  return JSON.stringify({ format: VIEW_FORMAT, view, rows } satisfies ViewFile);
}

async function loadView(file: string): Promise<[string, Map<string, Stored>]> {
  const data = (await readJson(file)) as ViewFile | undefined;
  if (!data || data.format !== VIEW_FORMAT || !Array.isArray(data.rows))
    throw new Error(`${file}: not an online store view file (${VIEW_FORMAT})`);
  const table = new Map<string, Stored>();
  for (const [key, eventTs, createdTs, raw] of data.rows) {
    const values: Record<string, FeatureValue> = {};
    for (const [name, v] of Object.entries(raw)) values[name] = fromJsonValue(v);
    table.set(key, {
      hit: Object.freeze({ values: Object.freeze(values), eventTs }),
      createdTs: createdTs ?? NO_CREATED,
    });
  }
  return [data.view, table];
}

/** The parsed JSON of a file, or undefined when there is none. */
async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/** Temp file beside the target (same file system), fsynced, then renamed over it. */
async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
