/**
 * Debian's headless Chromium for the tests of pages: a run on a file with arguments (a
 * screenshot, the DOM it built), the page's console messages from its log, and a PNG's size
 * and pixels (decoded with node:zlib) to prove a screenshot shows what it should.
 *
 * Chromium must be installed (scripts/test-all.sh installs Debian's package): in CI a test
 * using it fails without it; elsewhere it is skipped, saying why.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumInstalled = existsSync(CHROMIUM);
export const inCI = process.env.CI === 'true' || process.env.CI === '1';
/** Why a describe block is skipped, for its title; empty when it runs. */
export const skipReason = chromiumInstalled
  ? ''
  : ` (skipped: ${CHROMIUM} is not installed, apt-get install chromium)`;

/** Throws in CI when Chromium is missing: there a missing browser is a failure, not a skip. */
export function requireChromiumInCI(): void {
  if (!chromiumInstalled && inCI)
    throw new Error(
      `${CHROMIUM} is missing: install Debian's "chromium" package (scripts/test-all.sh does)`,
    );
}

export interface ChromiumRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One Chromium run at most. */
const RUN_MS = 15_000;
let runs = 0;

/**
 * Chromium headless on `page` (a file, or a file URL with a fragment) with `args`, in its own
 * profile under `scratch` (so runs never share a lock) and its own process group, killed whole
 * when it overruns: the launcher execs the browser, whose zygote and renderers would
 * otherwise outlive it.
 */
export function chromium(scratch: string, page: string, args: string[]): Promise<ChromiumRun> {
  const profile = join(scratch, `profile-${++runs}`);
  const url = page.startsWith('file:') ? page : pathToFileURL(page).href;
  return new Promise((resolve, reject) => {
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--disable-gpu',
        '--no-sandbox',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--hide-scrollbars',
        '--mute-audio',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        ...args,
        url,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, RUN_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The page's console messages in Chromium's log: `[…:INFO:CONSOLE:1] "msg", source: …`. */
export function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[(:\]]/.test(l));
}

export interface Png {
  width: number;
  height: number;
  /** 8-bit RGBA, row by row. */
  rgba: Uint8Array;
}

/**
 * Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are): the
 * IDAT stream inflated and each scanline unfiltered (None, Sub, Up, Average, Paeth).
 * @throws Error for anything else
 */
export function decodePng(png: Buffer): Png {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, color, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || interlace !== 0 || (color !== 2 && color !== 6))
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${color}`);
      channels = color === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    const prev = y ? rows.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const x = line[i]!;
      let v: number;
      if (filter === 0) v = x;
      else if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter !== 4) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      else {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      out[i] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = rows[p * channels + k]!;
    rgba[p * 4 + 3] = channels === 4 ? rows[p * channels + 3]! : 255;
  }
  return { width, height, rgba };
}

/** How many pixels within `tolerance` (per channel) of the colour `#rrggbb`. */
export function countColor(png: Png, hex: string, tolerance = 6): number {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let p = 0; p < png.width * png.height; p++) {
    if (want.every((v, k) => Math.abs(png.rgba[p * 4 + k]! - v) <= tolerance)) n++;
  }
  return n;
}
