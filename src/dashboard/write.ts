/**
 * Writes the site all at once: every page goes into a fresh folder beside the target, which
 * then takes the target's place, so a failed build leaves the previous site whole. A target
 * that holds anything but a dashboard this tool wrote (its root's `index.html` names the
 * generator, beside `audit.html`) is refused, never replaced.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { GENERATOR } from './render/layout.js';

/** Files written at once. */
const WRITERS = 16;

export class DashboardError extends Error {
  readonly code = 'DASHBOARD_OUT';
}

/** Whether `dir` may be replaced: absent, empty, or the root of a dashboard this tool wrote. */
function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!readdirSync(dir).length) return true;
  const index = join(dir, 'index.html');
  return (
    existsSync(index) &&
    existsSync(join(dir, 'audit.html')) &&
    readFileSync(index, 'utf8').includes(`<meta name="generator" content="${GENERATOR}">`)
  );
}

/**
 * Writes `files` (relative path → text) as the folder `out` (`shown` in messages).
 * @throws DashboardError when `out` holds something else or cannot be written
 * @example
 * await writeSite('site', renderSite(data, siteLinks()))
 */
export async function writeSite(
  out: string,
  files: Map<string, string>,
  shown = out,
): Promise<void> {
  const target = resolve(out);
  if (existsSync(target) && !statSync(target).isDirectory())
    throw new DashboardError(`${shown} is not a folder; choose another --out`);
  if (!replaceable(target))
    throw new DashboardError(
      `${shown} exists and is not a dashboard built by mlops (no index.html naming the generator beside an audit.html); choose another --out or empty it`,
    );
  const parent = dirname(target);
  const prefix = `.${basename(target)}.new-`;
  let fresh: string;
  try {
    mkdirSync(parent, { recursive: true });
    // what an interrupted build left beside the target
    for (const name of readdirSync(parent))
      if (new RegExp(`^${escapeRegExp(prefix)}\\w{6}(\\.old)?$`).test(name))
        rmSync(join(parent, name), { recursive: true, force: true });
    fresh = mkdtempSync(join(parent, prefix));
  } catch (e) {
    throw new DashboardError(`cannot write the dashboard to ${shown}: ${(e as Error).message}`);
  }
  const old = `${fresh}.old`;
  let moved = false;
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
    if (existsSync(target)) {
      renameSync(target, old);
      moved = true;
    }
    renameSync(fresh, target);
  } catch (e) {
    // the previous site goes back where it was
    if (moved && !existsSync(target)) renameSync(old, target);
    rmSync(fresh, { recursive: true, force: true });
    throw new DashboardError(`cannot write the dashboard to ${shown}: ${(e as Error).message}`);
  }
  if (moved) rmSync(old, { recursive: true, force: true });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
