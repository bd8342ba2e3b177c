/**
 * The registry dashboard in a real browser: Debian's headless Chromium opens the site `mlops
 * demo` builds. Every page loads without a console message (the pages have no script and a
 * Content-Security-Policy that allows nothing from outside, so any message is an error), the
 * DOM Chromium built holds the charts, and the screenshot of the model page, kept at
 * `.test-output/dashboard-model.png`, shows them painted: its pixels are counted in the
 * colours of the stages, the rollback and the critical drift.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { DECISION_COLORS, LEVEL_COLORS, STAGE_COLORS } from '../src/dashboard/render/charts.js';
import {
  chromium,
  chromiumInstalled,
  consoleLines,
  countColor,
  decodePng,
  inCI,
  requireChromiumInCI,
  skipReason,
} from './helpers/chromium.js';

/** Where the screenshot is kept for people to look at (git-ignored). */
const SHOT = resolve('.test-output/dashboard-model.png');
let scratch = '';
let site = '';

beforeAll(async () => {
  requireChromiumInCI();
  if (!chromiumInstalled) return;
  scratch = mkdtempSync(join(tmpdir(), 'mlops-dashboard-chromium-'));
  const dir = join(scratch, 'repo');
  const r = await runCli(process.cwd(), ['demo', '--dir', dir]);
  expect(r.code, r.out + r.err).toBe(0);
  site = join(dir, 'site');
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!chromiumInstalled && !inCI)(
  `the dashboard in headless Chromium${skipReason}`,
  () => {
    it.each([
      ['index.html', 'Model registry', /<table class="models">/],
      ['audit.html', 'Audit trail', /<table class="audit">/],
      [
        'models/execution-agent/1.2.0.html',
        'execution-agent 1.2.0 · Model registry',
        /<h2>Intended use<\/h2>/,
      ],
      [
        'models/generation-agent-dqn/index.html',
        'generation-agent-dqn · Model registry',
        /class="chart metric-chart"/,
      ],
    ])('loads %s without a console message', async (path, title, marker) => {
      const run = await chromium(scratch, join(site, path), ['--dump-dom']);
      expect(run.code, run.stderr).toBe(0);
      expect(consoleLines(run.stderr)).toEqual([]);
      expect(run.stdout).toContain(`<title>${title}</title>`);
      expect(run.stdout).toMatch(marker);
    });

    it('renders the model page with its charts, and takes its screenshot', async () => {
      const page = join(site, 'models/execution-agent/index.html');
      const dom = await chromium(scratch, page, ['--dump-dom']);
      expect(dom.code, dom.stderr).toBe(0);
      expect(consoleLines(dom.stderr)).toEqual([]);
      // the DOM the browser built, not the text written: 7 metric charts, 2 rollouts, the PSI chart
      expect(dom.stdout.match(/<svg [^>]*class="chart metric-chart"/g)).toHaveLength(7);
      expect(dom.stdout.match(/<svg [^>]*class="chart rollout-chart"/g)).toHaveLength(2);
      expect(dom.stdout.match(/<svg [^>]*class="chart psi-chart"/g)).toHaveLength(1);

      const shot = join(scratch, 'model.png');
      const pic = await chromium(scratch, page, [
        `--screenshot=${shot}`,
        '--window-size=1280,3200',
      ]);
      expect(pic.code, pic.stderr).toBe(0);
      expect(consoleLines(pic.stderr)).toEqual([]);
      const png = decodePng(readFileSync(shot));
      expect([png.width, png.height]).toEqual([1280, 3200]);
      mkdirSync(resolve('.test-output'), { recursive: true });
      copyFileSync(shot, SHOT);
      // Painted, not just present: the production dots and badge, the rollback's dot and the
      // critical PSI bar each cover pixels of their own colour.
      const px = {
        production: countColor(png, STAGE_COLORS.Production),
        rollback: countColor(png, DECISION_COLORS.rollback!),
        critical: countColor(png, LEVEL_COLORS.critical),
        lines: countColor(png, '#64748b'),
        // the header's background: the site's style sheet loaded under its CSP
        header: countColor(png, '#0f172a'),
      };
      expect(px.header, JSON.stringify(px)).toBeGreaterThan(1280 * 30);
      expect(px.production, JSON.stringify(px)).toBeGreaterThan(500);
      expect(px.rollback, JSON.stringify(px)).toBeGreaterThan(50);
      expect(px.critical, JSON.stringify(px)).toBeGreaterThan(2000);
      expect(px.lines, JSON.stringify(px)).toBeGreaterThan(1000);
    });
  },
);
