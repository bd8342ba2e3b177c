import { describe, expect, it } from 'vitest';
import type { ColumnDrift, DriftLevel } from '../drift/types.js';
import { driftMarkdown, mdText } from './markdown.js';
import { mermaidText } from './mermaid.js';
import { categorical, fixtureReport, manyColumns, numerical, reportOf } from './testing.js';

/** The rows of the column table, as cells (the escaped pipes kept inside their cell). */
function tableRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| column') && !l.startsWith('| ---'))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

function mermaidBlocks(md: string): string[] {
  return [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

/** Every line of a block as xychart's grammar takes it (numbers without exponents). */
const NUM = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)`;
const LIST = String.raw`\[${NUM}(?:, ${NUM})*\]`;
const MERMAID_LINE = new RegExp(
  [
    '^xychart-beta$',
    '^  title "[^"`\\n]*"$',
    '^  x-axis \\["[^"`]*"(?:, "[^"`]*")*\\]$',
    `^  y-axis "[^"]*" ${NUM} --> ${NUM}$`,
    `^  (?:bar|line) ${LIST}$`,
  ].join('|'),
);

describe('driftMarkdown', () => {
  const report = fixtureReport();
  const md = driftMarkdown(report, { title: 'Drift check' });

  it('leads with the level, its emoji and why: the worst column first, then accuracy', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('### Drift check');
    expect(lines[2]).toBe(
      '🚨 **Drift: critical** — **runner\\_os** PSI 2.256 (critical at ≥ 0.3); accuracy 0.931 → 0.874 (6.12 % drop, warning)',
    );
  });

  it('gives each level its emoji', () => {
    const emoji: Record<DriftLevel, string> = {
      ok: '✅',
      monitor: '🔎',
      warning: '⚠️',
      critical: '🚨',
    };
    for (const [level, e] of Object.entries(emoji)) {
      const out = driftMarkdown(reportOf(manyColumns(2), { level: level as DriftLevel }));
      expect(out.startsWith(`${e} **Drift: ${level}** — `)).toBe(true);
    }
  });

  it('names the accuracy drop first when it, not a column, sets the level', () => {
    const ok = reportOf(manyColumns(20).slice(16), {
      accuracy: { reference: 0.9, current: 0.8, drop: 0.1111, level: 'critical' },
    });
    expect(ok.level).toBe('critical');
    expect(driftMarkdown(ok).split('\n')[0]).toBe(
      '🚨 **Drift: critical** — accuracy 0.9 → 0.8 (11.11 % drop, critical); **f17** PSI 0 (below monitor 0.1)',
    );
  });

  it('says where the samples come from, with counts and the window', () => {
    expect(md).toContain(
      '**execution-agent 1.0.0**: reference test-executions@1.0.0 (12,000 rows) against current test-executions-24h (3,150 rows, 2026-01-20T00:00:00Z → 2026-01-21T00:00:00Z)\\\nchecked at 2026-01-21T00:05:00Z',
    );
  });

  it('states dataset drift, prediction drift and accuracy', () => {
    expect(md).toContain(
      '- **Dataset drift:** 4 of 7 columns drifted (57.14 %; the dataset drifts at ≥ 50 %): drifted',
    );
    expect(md).toContain(
      '- **Prediction drift:** **pass\\_probability**: K-S p-value 2.2e-12 (drift ≤ 0.05), drifted; PSI 0.3442, 🚨 critical',
    );
    expect(md).toContain('- **Accuracy:** 0.931 → 0.874 (6.12 % drop): ⚠️ warning');
    const bare = driftMarkdown(fixtureReport({ prediction: undefined, accuracy: undefined }));
    expect(bare).not.toContain('Prediction drift');
    expect(bare).not.toContain('**Accuracy:**');
  });

  it('tables the columns by PSI, highest first, with test, threshold, verdict and shift', () => {
    const rows = tableRows(md);
    expect(rows.map((r) => r[0])).toEqual([
      'runner\\_os',
      'pass\\_rate\\_7d',
      'execution\\_time\\_ms',
      'lines\\_changed',
      'suite',
      'flakiness\\_score',
      'retries',
    ]);
    const psi = rows.map((r) => Number(r[6]));
    expect(psi).toEqual([...psi].sort((a, b) => b - a));
    expect(rows[0]).toEqual([
      'runner\\_os',
      'categorical',
      'chi-square p-value',
      '0',
      '≤ 0.05',
      '**yes**',
      '2.256',
      '🚨 critical',
      'linux 75 %, macos 15 % → linux 47.62 %, linux-arm64 26.98 %',
    ]);
    expect(rows[2]).toEqual([
      'execution\\_time\\_ms',
      'numerical',
      'K-S p-value',
      '1.2e-41',
      '≤ 0.05',
      '**yes**',
      '0.6704',
      '🚨 critical',
      'mean 1284 → 2804',
    ]);
    expect(rows[6]!.slice(2, 6)).toEqual(['Wasserstein distance', '0.02', '≥ 0.1', 'no']);
  });

  it('formats numbers for people: four significant digits, separators, percents', () => {
    const text = md.replace(/```mermaid[\s\S]*?```/g, '');
    // never more than four significant digits after the point
    expect(text).not.toMatch(/\.0*[1-9]\d{4}/);
    expect(text).toContain('0.0000031');
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
    expect(text).toContain('12,000 rows');
  });

  it('charts PSI per column against the given levels, and the two worst histograms', () => {
    const custom = driftMarkdown(report, { psi: { monitor: 0.05, warning: 0.15, critical: 0.25 } });
    const blocks = mermaidBlocks(custom);
    expect(blocks).toHaveLength(3);
    for (const b of blocks) for (const l of b.split('\n')) expect(l).toMatch(MERMAID_LINE);
    const [psi, first, second] = blocks as [string, string, string];
    expect(psi).toContain(
      'title "PSI per column (lines: monitor 0.05, warning 0.15, critical 0.25)"',
    );
    expect(psi).toContain('x-axis ["runner_os", "pass_rate_7d", "execution_time_ms",');
    expect(psi).toContain('line [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]');
    expect(first).toContain('x-axis ["linux", "macos", "windows", "linux-arm64"]');
    expect(first).toContain('bar [75, 15, 10, 0]');
    expect(first).toContain('bar [47.619, 15.2381, 10.1587, 26.9841]');
    expect(second).toContain('x-axis ["0–0.1", "0.1–0.2"');
    expect(mermaidBlocks(driftMarkdown(report, { histograms: 0 }))).toHaveLength(1);
  });

  it('caps the table and the chart for many columns, and says what it left out', () => {
    const out = driftMarkdown(reportOf(manyColumns(30)));
    expect(tableRows(out)).toHaveLength(20);
    expect(out).toContain('_10 more columns not shown, PSI 0 or less; none drifted._');
    const psi = mermaidBlocks(out)[0]!;
    expect(psi.split('\n')[2]!.match(/"f\d\d"/g)).toHaveLength(20);
    const five = driftMarkdown(reportOf(manyColumns(30)), { maxRows: 2 });
    expect(tableRows(five).map((r) => r[0])).toEqual(['f01', 'f02']);
    expect(five).toContain('_28 more columns not shown, PSI 0.02738 or less; 1 of them drifted._');
  });

  it('escapes names and categories from data files: no HTML, no Markdown, no broken table', () => {
    const evil = reportOf([
      numerical('<script>alert(1)</script>', [0, 1, 2], [5, 5], [1, 9], { value: 0.001 }),
      categorical(
        'a|b *c* [x](y)',
        ['<img src=x onerror=alert(1)>', 'say "hi" `now`', 'line\nbreak'],
        [10, 10, 10],
        [1, 10, 19],
        { value: 0.3 },
      ),
    ]);
    const out = driftMarkdown(evil, { histograms: 2 });
    expect(out).not.toMatch(/<script|<img/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const rows = tableRows(out);
    expect(rows.every((r) => r.length === 9)).toBe(true);
    expect(rows.map((r) => r[0])).toContain('a\\|b \\*c\\* \\[x\\](y)');
    for (const b of mermaidBlocks(out))
      for (const l of b.split('\n')) expect(l).toMatch(MERMAID_LINE);
    expect(out).toContain('"‹img src=x onerror=…"');
    expect(out).toContain(`"say 'hi' 'now'"`);
    expect(out).toContain('"line break"');
  });

  it('draws degenerate histograms without NaN: all-zero counts, one bin, no bins', () => {
    const constant: ColumnDrift = {
      ...numerical('constant', [3, 3], [100], [80], { value: 1 }),
      note: 'constant in both samples',
    };
    const empty = numerical('empty', [0, 1, 2], [0, 0], [0, 0], { value: 1 });
    const none: ColumnDrift = {
      ...categorical('none', [], [], [], { value: 1 }),
      psi: Number.NaN,
    };
    const out = driftMarkdown(reportOf([constant, empty, none]), { histograms: 3 });
    const blocks = mermaidBlocks(out);
    expect(blocks).toHaveLength(3); // PSI, constant, empty; `none` has no bins to draw
    for (const b of blocks) for (const l of b.split('\n')) expect(l).toMatch(MERMAID_LINE);
    expect(out).toContain('x-axis ["3"]');
    expect(out).toContain('bar [0, 0]');
    expect(out).toContain('- **constant**: constant in both samples');
    expect(tableRows(out).map((r) => r[0])).toEqual(['constant', 'empty', 'none']);
    expect(tableRows(out)[2]![6]).toBe('n/a');
  });

  it('renders an empty report: the level, no table, no charts', () => {
    const out = driftMarkdown(reportOf([]));
    expect(out.split('\n')[0]).toBe('✅ **Drift: ok** — no columns were compared');
    expect(out).toContain('0 of 0 columns drifted');
    expect(out).toContain('_No columns were compared._');
    expect(out).not.toContain('| column');
    expect(mermaidBlocks(out)).toEqual([]);
  });

  it('is deterministic and ends with one newline', () => {
    expect(driftMarkdown(fixtureReport())).toBe(driftMarkdown(fixtureReport()));
    expect(md.endsWith('\n') && !md.endsWith('\n\n')).toBe(true);
  });
});

describe('mdText and mermaidText', () => {
  it('make text inert', () => {
    expect(mdText('a_b & <c> `d`\r\ne')).toBe('a\\_b &amp; &lt;c&gt; \\`d\\` e');
    expect(mermaidText('a"b`c<d>\ne', 80)).toBe("a'b'c‹d› e");
    expect(mermaidText('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
