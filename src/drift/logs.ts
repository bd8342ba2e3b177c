/**
 * Production logs: what a serving replica records of each request it scores — the model's
 * inputs, its prediction, and the outcome once known — as CSV files on the data remote under
 * `logs/<model>/`, one file per interval and replica. Drift checks read a window of them as
 * the current sample; retraining turns the labelled rows into the next dataset version.
 */
import { putTextObject, readTextObjects, type ObjectStore } from '../data/index.js';

export function logsPrefix(model: string): string {
  return `logs/${model}/`;
}

/**
 * Writes one log file (a CSV with its header) for an interval, named by its start:
 * `logs/<model>/<20260301T000000Z>-<part>.csv`. A file is never rewritten.
 */
export async function writeLogFile(
  store: ObjectStore,
  model: string,
  start: Date,
  csv: string,
  part = 'serving',
): Promise<string> {
  const key = `${logsPrefix(model)}${start.toISOString().replace(/[-:]|\.\d+/g, '')}-${part}.csv`;
  await putTextObject(store, key, csv);
  return key;
}

export interface LogWindow {
  /** One CSV: the header of the first file, then every row whose time is in the window. */
  csv: string;
  rows: number;
  files: string[];
}

/**
 * The logged rows of a model whose `timeColumn` falls in `[from, to)`, as one CSV. Every
 * file must have the same header (a replica that logs other columns is an error to fix, not
 * rows to drop in silence).
 * @throws Error naming the file whose header differs, or a row without a readable time
 */
export async function readLogWindow(
  store: ObjectStore,
  model: string,
  range: { from: Date; to: Date },
  timeColumn = 'event_timestamp',
): Promise<LogWindow> {
  const files = await readTextObjects(store, logsPrefix(model), '.csv');
  let header: string | undefined;
  let at = -1;
  const rows: string[] = [];
  const used: string[] = [];
  const from = range.from.getTime();
  const to = range.to.getTime();
  for (const f of files) {
    const [head = '', ...lines] = f.text.trimEnd().split(/\r?\n/);
    if (header === undefined) {
      header = head;
      at = head.split(',').indexOf(timeColumn);
      if (at < 0) throw new Error(`${f.name}: no ${timeColumn} column (header: ${head})`);
    } else if (head !== header) {
      throw new Error(`${f.name}: header "${head}" differs from "${header}"`);
    }
    let took = false;
    lines.forEach((line, i) => {
      const t = Date.parse(line.split(',')[at] ?? '');
      if (Number.isNaN(t)) throw new Error(`${f.name}:${i + 2}: ${timeColumn} is not a time`);
      if (t >= from && t < to) {
        rows.push(line);
        took = true;
      }
    });
    if (took) used.push(f.name);
  }
  if (header === undefined) return { csv: '', rows: 0, files: [] };
  return { csv: `${[header, ...rows].join('\n')}\n`, rows: rows.length, files: used };
}
