/**
 * Kill tests (test/kill-*.test.ts): run a real mlops command in a child process on a copy of
 * a prepared repository, SIGKILL it after a random delay, check what it left, run the
 * command again in-process, and check that the work is done exactly once.
 *
 * The delays are the test's input, not a synchronisation: uniform over the command's life
 * (measured by runs that are not killed, from the go given to the loaded child to its exit),
 * drawn from a seeded generator so a failure names the seed and iteration that reproduce it
 * (MLOPS_KILL_SEED=<seed>). The invariants must hold wherever the kill lands.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { KILL_ENV, checkAfterKill, checkAfterRerun, git } from './kill-checks.js';

export { KILL_ENV, git };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles test/helpers/cli-kill-child.ts (with the sources as they are now) into a temp
 * folder: a bundle starts several times faster than TypeScript compiled on the fly. The
 * `.mjs` name keeps validation and hashing on the main thread (they use workers only from a
 * `.js` bundle, which this one does not serve). The bundle is kept under a hash of the
 * sources, so the kill test files of one run build it once.
 */
export async function buildKillChild(): Promise<{ file: string; cleanup(): void }> {
  const hash = createHash('sha256');
  const sources = ['src', 'test/helpers/cli-kill-child.ts', 'package-lock.json'];
  for (const source of sources) {
    const abs = join(ROOT, source);
    const names = statSync(abs).isDirectory()
      ? (readdirSync(abs, { recursive: true }) as string[]).sort().map((n) => join(abs, n))
      : [abs];
    for (const name of names) {
      const st = statSync(name, { throwIfNoEntry: false });
      if (!st?.isFile()) continue; // (or removed meanwhile)
      hash.update(name).update(readFileSync(name));
    }
  }
  const dir = join(tmpdir(), `mlops-kill-child-${hash.digest('hex').slice(0, 16)}`);
  const file = join(dir, 'child.mjs');
  const keep = { file, cleanup: () => undefined };
  if (existsSync(file)) return keep;
  const building = mkdtempSync(`${dir}.tmp-`);
  await build({
    absWorkingDir: ROOT,
    entryPoints: { child: 'test/helpers/cli-kill-child.ts' },
    outdir: building,
    outExtension: { '.js': '.mjs' },
    // each command in its own chunk: a child parses only the command it runs
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifyWhitespace: true,
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    logLevel: 'silent',
  });
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another test file built it first
  }
  // bundles of older sources go, once no run can still be using them
  for (const name of readdirSync(tmpdir())) {
    const old = join(tmpdir(), name);
    if (!name.startsWith('mlops-kill-child-') || old === dir || name.includes('.tmp-')) continue;
    if (Date.now() - statSync(old).mtimeMs > 3_600_000)
      rmSync(old, { recursive: true, force: true });
  }
  return keep;
}

export interface ChildRun {
  /** Killed before it finished. */
  killed: boolean;
  code: number | null;
  out: string;
  err: string;
  /** Milliseconds from the go to the exit. */
  lifeMs: number;
}

/** A child started and loading; `go` runs the command, SIGKILLing it `killAfterMs` later. */
export interface StartedChild {
  dir: string;
  go(killAfterMs?: number): Promise<ChildRun>;
  /** Kills it unused and removes its copy (a loop that stopped early). */
  discard(): void;
}

/** Starts the command's child on a fresh copy of `template`; it waits for `go`. */
export function startChild(
  bundle: string,
  template: string,
  now: Date,
  argv: string[],
): StartedChild {
  const dir = copyOf(template);
  const child = spawn(process.execPath, [bundle, dir, now.toISOString(), ...argv], {
    cwd: dir,
    env: KILL_ENV,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('READY\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.on('error', () => undefined); // a child that died early closed its end
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    },
  );
  return {
    dir,
    async go(killAfterMs) {
      await Promise.race([ready, closed]);
      const start = performance.now();
      child.stdin.end('go\n');
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const { code, signal } = await closed;
      return { killed: signal === 'SIGKILL', code, out, err, lifeMs: performance.now() - start };
    },
    discard() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The command in this process (the re-run after a kill). */
export async function runHere(dir: string, now: Date, argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    cwd: dir,
    env: KILL_ENV,
    now: () => now,
    isTTY: false,
  });
  return { code, out, err };
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a kill loop: MLOPS_KILL_SEED, else a fixed one per command. */
export function killSeed(fallback: number): number {
  const s = Number(process.env.MLOPS_KILL_SEED);
  return Number.isInteger(s) ? s : fallback;
}

/** A fresh copy of the prepared repository. */
export function copyOf(template: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-kill-'));
  cpSync(template, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/**
 * The loop: measured runs that are not killed (the command's life, that it does its work
 * once, and that a re-run after it recognises the work as done), then `kills` runs killed
 * after a uniform random delay in [0, life], each followed by the checks, an in-process
 * re-run and the checks again. Two lanes run side by side (each starts its next child while
 * it checks the last), so both cores work; the unkilled runs are measured the same way.
 * `done` checks the work was done exactly once; `rerunOk` which results a re-run may have.
 */
export async function killLoop(opts: {
  bundle: string;
  template: string;
  argv: string[];
  now: Date;
  kills: number;
  seed: number;
  rerunOk: (r: { code: number; out: string; err: string }) => boolean;
  done: (dir: string, before: string, why: string) => void;
}): Promise<{ killedMidway: number; moved: number }> {
  const before = git(opts.template, 'rev-parse', 'main').trim();
  const start = () => startChild(opts.bundle, opts.template, opts.now, opts.argv);
  let stopped = false;

  /** Runs `count` iterations one after the other, each next child started ahead. */
  async function lane(count: number, each: (child: StartedChild) => Promise<void>) {
    let next: StartedChild | undefined = count > 0 ? start() : undefined;
    try {
      for (let i = 0; i < count && !stopped; i++) {
        const current = next!;
        next = i + 1 < count ? start() : undefined;
        try {
          await each(current);
        } catch (e) {
          stopped = true;
          throw e;
        } finally {
          rmSync(current.dir, { recursive: true, force: true });
        }
      }
    } finally {
      next?.discard();
    }
  }
  const lanes = (total: number, each: (child: StartedChild, i: number) => Promise<void>) => {
    let taken = 0;
    const half = Math.ceil(total / LANES);
    return Promise.all(
      Array.from({ length: LANES }, (_, l) =>
        lane(Math.min(half, total - l * half), (child) => each(child, taken++)),
      ),
    );
  };

  // The life varies from run to run on a busy machine: the longest measured, so that late
  // kill points (after the branch moved) are drawn too.
  let life = 0;
  await lanes(LANES, async (child) => {
    const r = await child.go();
    expect(r.code, r.err).toBe(0);
    opts.done(child.dir, before, 'an unkilled run');
    checkAfterRerun(child.dir, { moved: true, staged: new Map() }, 'an unkilled run');
    life = Math.max(life, r.lifeMs);
    const again = await runHere(child.dir, opts.now, opts.argv);
    const why = 'a re-run after an unkilled run';
    expect(opts.rerunOk(again), `${why}: ${again.code} ${again.out}${again.err}`).toBe(true);
    checkAfterRerun(child.dir, { moved: true, staged: new Map() }, why);
    opts.done(child.dir, before, why);
  });

  const random = seeded(opts.seed);
  const delays = Array.from({ length: opts.kills }, () => random() * life);
  let killedMidway = 0;
  let moved = 0;
  await lanes(opts.kills, async (child, i) => {
    const delay = delays[i]!;
    const why = `seed ${opts.seed}, kill ${i + 1} after ${delay.toFixed(1)} ms of ${life.toFixed(1)}`;
    const r = await child.go(delay);
    if (r.killed) killedMidway++;
    else expect(r.code, `${why}: ${r.err}`).toBe(0);
    const kill = checkAfterKill(child.dir, opts.template, before, why);
    if (kill.moved) moved++;
    const again = await runHere(child.dir, opts.now, opts.argv);
    expect(opts.rerunOk(again), `${why}: re-run: ${again.code} ${again.out}${again.err}`).toBe(
      true,
    );
    checkAfterRerun(child.dir, kill, why);
    opts.done(child.dir, before, why);
  });
  if (process.env.MLOPS_KILL_REPORT) {
    // where the kills landed, to see the loop reaches the late windows too
    process.stderr.write(
      `mlops ${opts.argv.join(' ')}: ${opts.kills} kills over ${life.toFixed(0)} ms, ` +
        `${killedMidway} before the end, ${moved} after main moved\n`,
    );
  }
  return { killedMidway, moved };
}

const LANES = 2;
