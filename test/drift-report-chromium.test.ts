/**
 * The HTML drift report in a real browser: Debian's headless Chromium opens the page of a
 * fixture report (five numerical columns, two categorical, predictions), takes a screenshot,
 * dumps the DOM it built, and logs what the page put on its console. The page has no script
 * and its own Content-Security-Policy, so anything on its console (an invalid SVG attribute,
 * a blocked resource) is an error; a deliberately broken page first proves that this
 * Chromium's log shows such messages at all. Degenerate histograms (all zero, one bin, none,
 * hundreds) are opened too.
 *
 * Chromium must be installed (scripts/test-all.sh installs Debian's package): in CI this test
 * fails without it; elsewhere it is skipped, saying why.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftHtml } from '../src/report/index.js';
import { categorical, fixtureReport, numerical, reportOf } from '../src/report/testing.js';

const CHROMIUM = '/usr/bin/chromium';
const installed = existsSync(CHROMIUM);
const inCI = process.env.CI === 'true' || process.env.CI === '1';
/** One Chromium run at most; three runs in all keep the file well under 20 s. */
const RUN_MS = 15_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir = '';
let runs = 0;

/**
 * Chromium headless on `page` with `args`, in its own profile (so runs never share a lock)
 * and its own process group, killed whole when it overruns: the launcher execs the browser,
 * whose zygote and renderers would otherwise outlive it.
 */
function chromium(page: string, args: string[]): Promise<Run> {
  const profile = join(dir, `profile-${++runs}`);
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
        pathToFileURL(page).href,
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
function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[(:\]]/.test(l));
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

beforeAll(async () => {
  if (!installed) {
    // CI as scripts/test-all.sh reads it: there a missing browser is a failure, not a skip.
    if (inCI)
      throw new Error(
        `${CHROMIUM} is missing: install Debian's "chromium" package (scripts/test-all.sh does)`,
      );
    return;
  }
  dir = await mkdtemp(join(tmpdir(), 'drift-report-chromium-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Outside CI a missing Chromium skips, saying why; in CI the tests run and beforeAll fails.
const why = installed ? '' : ` (skipped: ${CHROMIUM} is not installed, apt-get install chromium)`;
describe.skipIf(!installed && !inCI)(`drift report in headless Chromium${why}`, () => {
  const report = fixtureReport();
  // A column name that would be markup if it were not escaped: the browser must see text.
  report.columns[5] = { ...report.columns[5]!, column: 'suite<script>alert(1)</script>' };

  it('sees console messages at all: a broken page logs them', async () => {
    const page = join(dir, 'broken.html');
    await writeFile(
      page,
      `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><link rel="stylesheet" href="https://example.invalid/x.css"></head><body><svg><rect width="-1" height="1"/></svg></body></html>`,
    );
    const run = await chromium(page, ['--dump-dom']);
    expect(run.code).toBe(0);
    expect(consoleLines(run.stderr).length).toBeGreaterThan(0);
  });

  it('renders the report: a screenshot, one SVG of bars per column, no console errors', async () => {
    const page = join(dir, 'drift.html');
    await writeFile(page, driftHtml(report));

    const shot = join(dir, 'drift.png');
    const pic = await chromium(page, [`--screenshot=${shot}`, '--window-size=1200,2000']);
    expect(pic.code, pic.stderr).toBe(0);
    expect((await stat(shot)).size).toBeGreaterThan(30_000);
    expect(pngSize(await readFile(shot))).toEqual({ width: 1200, height: 2000 });

    const dom = await chromium(page, ['--dump-dom']);
    expect(dom.code, dom.stderr).toBe(0);
    expect([...consoleLines(pic.stderr), ...consoleLines(dom.stderr)]).toEqual([]);

    // The DOM Chromium built, not the text written: every column's figure holds one SVG
    // with a reference and a current bar per bin.
    const html = dom.stdout;
    expect(html).toContain('<title>Drift report: execution-agent 1.0.0 (critical)</title>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<code>suite&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    const figures = [...html.matchAll(/<figure id="(hist-[^"]*)">([\s\S]*?)<\/figure>/g)];
    expect(figures.map((f) => f[1]).sort()).toEqual(
      report.columns.map((c) => `hist-${c.column.replace(/[^A-Za-z0-9_.-]/g, '_')}`).sort(),
    );
    for (const [, id, body] of figures) {
      const column = report.columns.find(
        (c) => `hist-${c.column.replace(/[^A-Za-z0-9_.-]/g, '_')}` === id,
      )!;
      const bins = column.histogram.reference.length;
      expect(body!.match(/<svg /g), id).toHaveLength(1);
      expect(body).toMatch(/<svg [^>]*role="img"/);
      expect(body!.match(/<rect class="bar ref"/g), id).toHaveLength(bins);
      expect(body!.match(/<rect class="bar cur"/g), id).toHaveLength(bins);
      expect(body).toMatch(/<figcaption>[\s\S]*PSI [\d.]+/);
    }
    // plus the predictions' figure, outside the columns'
    expect(html.match(/<svg /g)).toHaveLength(report.columns.length + 1);
  });

  it('renders degenerate histograms without console errors', async () => {
    const page = join(dir, 'degenerate.html');
    const columns = [
      numerical('all zero', [0, 1, 2], [0, 0], [0, 0], { value: 1 }),
      numerical('one bin', [5, 5], [100], [80], { value: 1 }),
      categorical('no bins', [], [], [], { value: 1 }),
      numerical(
        'many bins',
        Array.from({ length: 301 }, (_, i) => i / 10),
        Array.from({ length: 300 }, () => 1),
        Array.from({ length: 300 }, (_, i) => i % 7),
        { value: 0 },
      ),
    ];
    await writeFile(page, driftHtml(reportOf(columns)));
    const dom = await chromium(page, ['--dump-dom']);
    expect(dom.code, dom.stderr).toBe(0);
    expect(consoleLines(dom.stderr)).toEqual([]);
    expect(dom.stdout.match(/<figure id="hist-/g)).toHaveLength(columns.length);
  });
});
