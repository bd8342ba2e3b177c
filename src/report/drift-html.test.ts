import { describe, expect, it } from 'vitest';
import type { ColumnDrift } from '../drift/types.js';
import { driftHtml, figureIds } from './html.js';
import { escapeHtml, histogramSvg } from './svg.js';
import { categorical, fixtureReport, manyColumns, numerical, reportOf } from './testing.js';

/** Each `<figure id="hist-…">` of a page: its id and its markup. */
function figures(html: string): { id: string; body: string }[] {
  return [...html.matchAll(/<figure id="(hist-[^"]*)">([\s\S]*?)<\/figure>/g)].map((m) => ({
    id: m[1]!,
    body: m[2]!,
  }));
}

const count = (s: string, sub: string) => s.split(sub).length - 1;

/** Every number in a rect's geometry: finite and not negative, or the browser complains. */
function rectNumbers(svg: string): number[] {
  return [...svg.matchAll(/<rect [^>]*>/g)].flatMap((m) =>
    [...m[0].matchAll(/ (?:x|y|width|height)="([^"]*)"/g)].map((a) => Number(a[1])),
  );
}

const samples = {
  reference: { name: 'train', rows: 100 },
  current: { name: 'live', rows: 80 },
};

describe('driftHtml', () => {
  const report = fixtureReport();
  const html = driftHtml(report);

  it('is one self-contained page: no scripts, no external resources, its own CSP', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html).not.toMatch(/<script|<iframe|<object|<embed|@import|url\(/i);
    expect(html).not.toMatch(/(?:src|href)="(?!#|data:)/);
    expect(html).toContain('<title>Drift report: execution-agent 1.0.0 (critical)</title>');
    expect(count(html, '<style>')).toBe(1);
  });

  it('summarises: level and why, samples, dataset drift, prediction drift, accuracy', () => {
    expect(html).toContain(
      '<p class="headline"><span class="badge level-critical">critical</span> <code>runner_os</code> PSI 2.256 (critical at ≥ 0.3); accuracy 0.931 → 0.874 (6.12 % drop, warning)</p>',
    );
    expect(html).toContain('<dt>Reference</dt><dd>test-executions@1.0.0 (12,000 rows)</dd>');
    expect(html).toContain(
      '<dt>Dataset drift</dt><dd>4 of 7 columns drifted (57.14 %; the dataset drifts at ≥ 50 %): drifted</dd>',
    );
    expect(html).toContain(
      '<dt>Prediction drift</dt><dd><a href="#prediction"><code>pass_probability</code></a>: K-S p-value 2.2e-12 (drift ≤ 0.05): drifted; PSI 0.3442</dd>',
    );
    expect(html).toContain(
      '<dt>Accuracy</dt><dd>0.931 → 0.874 (6.12 % drop) <span class="badge level-warning">warning</span></dd>',
    );
    expect(html).toContain('<figure id="prediction"><svg');
  });

  it('draws one figure per column, highest PSI first, each with an accessible SVG', () => {
    const figs = figures(html);
    expect(figs.map((f) => f.id)).toEqual([
      'hist-runner_os',
      'hist-pass_rate_7d',
      'hist-execution_time_ms',
      'hist-lines_changed',
      'hist-suite',
      'hist-flakiness_score',
      'hist-retries',
    ]);
    for (const f of figs) {
      expect(count(f.body, '<svg ')).toBe(1);
      expect(f.body).toMatch(/<svg [^>]*role="img" aria-label="Histogram of [^"]+"/);
      expect(count(f.body, '<figcaption>')).toBe(1);
      expect(count(f.body, 'class="bar ref"')).toBe(count(f.body, 'class="bar cur"'));
    }
    // the table links each column to its figure, in the same order
    const links = [...html.matchAll(/<th scope="row"><a href="#([^"]+)">/g)].map((m) => m[1]);
    expect(links).toEqual(figs.map((f) => f.id));
  });

  it('captions each figure with the column, its test, value, threshold and PSI', () => {
    const figs = figures(html);
    expect(figs[2]!.body).toContain(
      '<figcaption><code>execution_time_ms</code> (numerical): K-S p-value 1.2e-41 (drift ≤ 0.05): drifted; PSI 0.6704 <span class="badge level-critical">critical</span></figcaption>',
    );
    expect(figs[6]!.body).toContain(
      'Wasserstein distance 0.02 (drift ≥ 0.1): not drifted; PSI 0.002188',
    );
  });

  it('labels bins: a numerical column by its edges, a categorical one by its categories', () => {
    const [runner, , time] = figures(html);
    for (const c of ['linux', 'macos', 'windows', 'linux-arm64']) {
      expect(runner!.body).toContain(`">${c}</text>`);
    }
    expect(runner!.body).toContain('runner_os (categories)</text>');
    for (const e of ['0', '250', '500', '1000', '2000', '4000', '8000', '16000']) {
      expect(time!.body).toContain(`">${e}</text>`);
    }
    expect(time!.body).toContain(
      '<title>current (test-executions-24h), 4000–8000: 400 rows, 12.7 %</title>',
    );
    expect(time!.body).toContain('% of rows</text>');
    expect(time!.body).toContain('reference: test-executions@1.0.0 (12,000 rows)</text>');
  });

  it('escapes every piece of text from the data: names, categories, notes, samples', () => {
    const evil = reportOf(
      [
        numerical('<script>alert(1)</script>', [0, 1, 2], [5, 5], [1, 9], { value: 0.001 }),
        categorical('x" onmouseover="alert(1)', ['<b>&amp;</b>', "it's"], [4, 6], [6, 4], {
          value: 0.5,
        }),
      ],
      {
        model: '<i>m</i>',
        reference: { name: '</title><script>', rows: 10 },
        accuracy: undefined,
      },
    );
    evil.columns[0]!.note = '<img src=x onerror=alert(1)>';
    const out = driftHtml(evil);
    expect(out).not.toMatch(/<script|<img|<b>|<i>|onmouseover="/i);
    expect(out).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    expect(out).toContain('&lt;b&gt;&amp;amp;&lt;/b&gt;');
    expect(out).toContain('it&#39;s');
    expect(out).toContain('aria-label="Histogram of x&quot; onmouseover=&quot;alert(1):');
    expect(out).toContain('<title>Drift report: &lt;i&gt;m&lt;/i&gt; 1.0.0 (critical)</title>');
    expect(figures(out).map((f) => f.id)).toEqual([
      'hist-_script_alert_1___script_',
      'hist-x__onmouseover__alert_1_',
    ]);
  });

  it('keeps ids unique when names clash after cleaning', () => {
    const cols = manyColumns(3).map((c, i) => ({ ...c, column: ['a b', 'a_b', 'a?b'][i]! }));
    expect(figureIds(cols)).toEqual(['hist-a_b', 'hist-a_b-2', 'hist-a_b-3']);
  });

  it('renders an empty report: the summary, no table, no figures', () => {
    const out = driftHtml(reportOf([]));
    expect(out).toContain('<p class="note">No columns were compared.</p>');
    expect(out).not.toContain('<table');
    expect(out).not.toContain('<figure');
    expect(out).toContain('0 of 0 columns drifted');
  });

  it('is deterministic', () => {
    expect(driftHtml(fixtureReport())).toBe(html);
  });
});

describe('histogramSvg', () => {
  it('draws both samples per bin as shares, with valid geometry', () => {
    const c = numerical('x', [0, 1, 2, 3], [10, 20, 70], [40, 40, 0], { value: 0.01 });
    const svg = histogramSvg(c, samples);
    expect(count(svg, 'class="bar ref"')).toBe(3);
    expect(count(svg, 'class="bar cur"')).toBe(3);
    expect(svg).toContain('<title>reference (train), 2–3: 70 rows, 70 %</title>');
    expect(svg).toContain('<title>current (live), 2–3: 0 rows, 0 %</title>');
    expect(rectNumbers(svg).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    // y ticks in nice steps up to the largest share
    expect(svg).toMatch(/>80 %<\/text>/);
  });

  it('draws degenerate histograms: all zero, one bin, no bins, many bins', () => {
    const cases: ColumnDrift[] = [
      numerical('zero', [0, 1, 2], [0, 0], [0, 0], { value: 1 }),
      numerical('one', [5, 5], [100], [80], { value: 1 }),
      categorical('none', [], [], [], { value: 1 }),
      numerical(
        'many',
        Array.from({ length: 501 }, (_, i) => i),
        Array.from({ length: 500 }, () => 1),
        Array.from({ length: 500 }, (_, i) => i),
        { value: 0 },
      ),
      { ...numerical('nan', [0, 1, 2], [1, 1], [1, 1], { value: 1 }), psi: Number.NaN },
    ];
    for (const c of cases) {
      const svg = histogramSvg(c, samples);
      expect(svg, c.column).not.toMatch(/NaN|Infinity|undefined/);
      expect(
        rectNumbers(svg).every((v) => Number.isFinite(v) && v >= 0),
        c.column,
      ).toBe(true);
      expect(svg.startsWith('<svg ') && svg.endsWith('</svg>')).toBe(true);
    }
    const [zero, one, none, many] = cases.map((c) => histogramSvg(c, samples));
    expect(zero).toContain('no values in either sample');
    expect(count(zero!, 'class="bar ref"')).toBe(2);
    expect(count(one!, 'class="bar ref"')).toBe(1);
    expect(one).toContain('>5</text>');
    expect(count(none!, 'class="bar')).toBe(0);
    expect(none).toContain('no values in either sample');
    expect(count(many!, 'class="bar cur"')).toBe(500);
    // at most ten edges labelled, and the last
    expect(count(many!, 'class="edge"')).toBeLessThanOrEqual(11);
  });

  it('escapes like HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
