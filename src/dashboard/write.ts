/**
 * Writes the site all at once: every page goes into a fresh folder beside the target, which
 * then takes the target's place, so a failed build leaves the previous site whole. A target
 * that holds anything but a dashboard this tool wrote (its `index.html` names the generator)
 * is refused, never replaced.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { GENERATOR } from './render/layout.js';

/** Files written at once. */
const WRITERS = 16;

export class DashboardError extends Error {
  readonly code = 'DASHBOARD_OUT';
}

/** Whether `dir` may be replaced: absent, empty, or a dashboard this tool wrote. */
function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  const entries = readdirSync(dir);
  if (!entries.length) return true;
  const index = join(dir, 'index.html');
  return (
    existsSync(index) &&
    readFileSync(index, 'utf8').includes(`<meta name="generator" content="${GENERATOR}">`)
  );
}

/**
 * Writes `files` (relative path → text) as the folder `out` (`shown` in messages).
 * @throws DashboardError when `out` holds something else
 * @example
 * await writeSite('site', renderSite(data, siteLinks()))
 */
export async function writeSite(
  out: string,
  files: Map<string, string>,
  shown = out,
): Promise<void> {
  const target = resolve(out);
  if (!replaceable(target))
    throw new DashboardError(
      `${shown} exists and is not a dashboard built by mlops (no generator mark in its index.html); choose another --out or empty it`,
    );
  mkdirSync(dirname(target), { recursive: true });
  const fresh = mkdtempSync(join(dirname(target), `.${basename(target)}.new-`));
  try {
    // folders first, then the pages a few at a time: thousands of small files are written
    // faster in parallel than one by one
    for (const d of new Set([...files.keys()].map((p) => dirname(join(fresh, p)))))
      mkdirSync(d, { recursive: true });
    const queue = [...files];
    const writer = async () => {
      for (let next = queue.pop(); next; next = queue.pop())
        await writeFile(join(fresh, next[0]), next[1]);
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const old = existsSync(target) ? `${fresh}.old` : undefined;
    if (old) renameSync(target, old);
    renameSync(fresh, target);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
}
