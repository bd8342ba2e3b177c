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
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftHtml } from '../src/report/index.js';
import { categorical, fixtureReport, numerical, reportOf } from '../src/report/testing.js';
import {
  chromiumInstalled,
  chromium as run,
  consoleLines,
  inCI,
  requireChromiumInCI,
  skipReason,
} from './helpers/chromium.js';

let dir = '';
const chromium = (page: string, args: string[]) => run(dir, page, args);

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

beforeAll(async () => {
  requireChromiumInCI();
  if (chromiumInstalled) dir = await mkdtemp(join(tmpdir(), 'drift-report-chromium-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Outside CI a missing Chromium skips, saying why; in CI the tests run and beforeAll fails.
describe.skipIf(!chromiumInstalled && !inCI)(
  `drift report in headless Chromium${skipReason}`,
  () => {
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
  },
);
