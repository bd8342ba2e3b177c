/**
 * Crash safety: a push and a pull SIGKILLed in the middle of writing an object, then run
 * again, finish with every object verified and none under a wrong name.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gitdir.js';
import { Cache } from '../cache.js';
import { addPath } from '../hash/add.js';
import { hashBytes } from '../hash/file.js';
import { keyRef, pointerRef, type DataPointer } from '../hash/ref.js';
import { LocalObjectStore } from '../store/local.js';
import { checkoutPointer } from './checkout.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { verify } from './verify.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CHILD = join(REPO, 'test', 'helpers', 'data-crash-child.ts');

/** Runs the child until it says STALLED, then SIGKILLs it; returns the lines it printed. */
async function killMidway(args: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_c, s) => resolve(s)),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (line === 'STALLED') {
      child.kill('SIGKILL');
      break;
    }
    if (line.startsWith('REPORT')) break;
  }
  const signal = await exited;
  if (signal !== 'SIGKILL')
    throw new Error(`the child was not killed midway:\n${lines.join('\n')}\n${stderr}`);
  return lines;
}

/** Every object file under a store or cache folder (temps aside): its bytes must hash to its key. */
function wronglyNamed(dir: string): { checked: number; wrong: string[] } {
  const wrong: string[] = [];
  let checked = 0;
  const walk = (rel: string) => {
    for (const d of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const key = `${rel}/${d.name}`;
      if (d.isDirectory()) walk(key);
      else if (d.name.startsWith('.tmp-'))
        continue; // a temp beside its object, not an object
      else {
        const ref = keyRef(key);
        checked++;
        if (!ref || hashBytes(readFileSync(join(dir, key)), ref.algo) !== ref.hex) wrong.push(key);
      }
    }
  };
  if (existsSync(join(dir, 'files'))) walk('files');
  return { checked, wrong };
}

async function source() {
  const root = tempDir();
  mkdirSync(join(root, 'data'));
  // Large files are written in several 1 MiB chunks, so the kill lands inside one.
  for (let i = 0; i < 10; i++)
    writeFileSync(join(root, 'data', `big${i}.bin`), randomBytes((2 << 20) + i * 4099));
  for (let i = 0; i < 20; i++) writeFileSync(join(root, 'data', `small${i}.txt`), `row ${i}\n`);
  const cache = new Cache(root);
  const { pointer } = await addPath(root, 'data', { algo: 'sha256', cache });
  return { root, cache, pointer };
}

describe('crash safety (SIGKILL in a child process)', () => {
  it('an add killed while copying a file into the cache leaves only rightly named objects', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'data'));
    // Over 4 MiB: streamed to a temp in chunks while hashed, so the kill lands inside one.
    for (let i = 0; i < 6; i++)
      writeFileSync(join(root, 'data', `f${i}.bin`), randomBytes((9 << 20) + i));
    const lines = await killMidway(['add', root, '-', 'data', '2']);
    expect(lines).toContain('added 2');
    const cache = new Cache(root);
    expect(readdirSync(join(cache.dir, 'tmp')).length).toBeGreaterThan(0);
    const during = wronglyNamed(cache.dir);
    expect(during.wrong).toEqual([]);
    expect(during.checked).toBeLessThan(6);

    const again = await addPath(root, 'data', { algo: 'sha256', cache });
    expect(again.pointer.files).toBe(6);
    expect(wronglyNamed(cache.dir)).toEqual({ checked: 7, wrong: [] });
    expect(await verify(cache, [pointerRef(again.pointer)])).toMatchObject({
      ok: 7,
      failed: [],
      missing: [],
    });
  });

  it('a push killed mid-object leaves no object under a wrong name, and a re-run completes', async () => {
    const { root, cache, pointer } = await source();
    const remoteDir = tempDir();
    const lines = await killMidway(['push', root, remoteDir, JSON.stringify(pointer), '3']);
    expect(lines.filter((l) => l.startsWith('transferred ')).length).toBeGreaterThanOrEqual(3);
    // Killed while writing: a partial temp exists, and no partial object under a key.
    expect(readdirSync(join(remoteDir, 'tmp')).length).toBeGreaterThan(0);
    const during = wronglyNamed(remoteDir);
    expect(during.wrong).toEqual([]);
    expect(during.checked).toBeLessThan(31);

    const remote = new LocalObjectStore(remoteDir);
    const again = await push(cache, remote, [pointerRef(pointer)]);
    expect(again.failed).toEqual([]);
    expect(again.transferred + again.skipped).toBe(31); // 30 files and the manifest
    expect(again.skipped).toBe(during.checked);
    expect(wronglyNamed(remoteDir)).toEqual({ checked: 31, wrong: [] });
    expect(await verify(cache, [pointerRef(pointer)], { store: remote })).toMatchObject({
      ok: 62,
      failed: [],
      missing: [],
    });
  });

  it('a pull killed mid-object leaves no cache object under a wrong name, and a re-run completes', async () => {
    const src = await source();
    const remoteDir = tempDir();
    const remote = new LocalObjectStore(remoteDir);
    expect((await push(src.cache, remote, [pointerRef(src.pointer)])).failed).toEqual([]);
    const dst = tempDir();
    const lines = await killMidway(['pull', dst, remoteDir, JSON.stringify(src.pointer), '3']);
    expect(lines.filter((l) => l.startsWith('transferred ')).length).toBeGreaterThanOrEqual(3);
    const cache = new Cache(dst);
    expect(readdirSync(join(cache.dir, 'tmp')).length).toBeGreaterThan(0);
    const during = wronglyNamed(cache.dir);
    expect(during.wrong).toEqual([]);
    expect(during.checked).toBeLessThan(31);

    const again = await pull(cache, remote, [pointerRef(src.pointer)]);
    expect(again.failed).toEqual([]);
    expect(again.transferred + again.skipped).toBe(31);
    expect(wronglyNamed(cache.dir)).toEqual({ checked: 31, wrong: [] });
    expect(await verify(cache, [pointerRef(src.pointer)])).toMatchObject({
      ok: 31,
      failed: [],
      missing: [],
    });
    const pointer: DataPointer = src.pointer;
    expect(await checkoutPointer(cache, pointer)).toMatchObject({ written: 30 });
    for (const name of ['big3.bin', 'small7.txt']) {
      expect(
        readFileSync(join(dst, 'data', name)).equals(readFileSync(join(src.root, 'data', name))),
      ).toBe(true);
    }
  });
});
