/**
 * The registry dashboard, built by `mlops demo` (the richest repository we have: three models,
 * two rollouts, a rollback, a drift status, three pull requests) and checked against git's own
 * view of that repository: one page per model and version, a chart per metric, one dot per
 * rollout decision git logged, an anchored row per commit `git log` lists, and no dead link.
 * Then links to GitHub, rebuilding, bad input, an empty registry and escaping.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './helpers/cli.js';
import { edit, exampleRegistry } from './helpers/registry.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const mlops = (cwd: string, argv: string[], env: Record<string, string> = {}) =>
  runCli(cwd, argv, { env });

let dir = '';
let site = '';
const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
const page = (p: string) => readFileSync(join(site, p), 'utf8');

/** Every file under `root`, relative, sorted. */
function walk(root: string): string[] {
  const out: string[] = [];
  const go = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) go(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  go(root);
  return out.sort();
}

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'mlops-dashboard-test-')), 'repo');
  made.push(dirname(dir));
  const r = await mlops(process.cwd(), ['demo', '--dir', dir]);
  expect(r.code, r.out + r.err).toBe(0);
  site = join(dir, 'site');
  expect(r.out).toContain(`The dashboard: open ${join(site, 'index.html')}\n`);
  // every record of the demo loads: nothing is left out, and nothing says so
  expect(r.out).not.toContain('left out of the dashboard');
}, 180_000);

describe('mlops dashboard on the demo repository', () => {
  it('has a page per model and per version, and the front page lists every model with its stages', async () => {
    const ls = JSON.parse((await mlops(dir, ['ls', '--json'])).out) as {
      name: string;
      production: string | null;
      versions: number;
    }[];
    const pages = walk(site).filter((p) => p.endsWith('.html'));
    const expected = ['audit.html', 'index.html'];
    for (const m of ls) {
      const show = JSON.parse((await mlops(dir, ['show', m.name, '--json'])).out) as {
        versions: { version: string }[];
      };
      expected.push(`models/${m.name}/index.html`);
      for (const v of show.versions) expected.push(`models/${m.name}/${v.version}.html`);
    }
    expect(pages).toEqual(expected.sort());
    const index = page('index.html');
    for (const m of ls) {
      expect(index).toContain(`href="models/${m.name}/index.html"`);
      expect(index).toContain(
        `<a href="models/${m.name}/${m.production}.html">${m.production}</a> <span class="badge stage-Production">`,
      );
    }
    expect(existsSync(join(site, '.nojekyll'))).toBe(true);
    expect(index).not.toContain('class="warning"');
  });

  it('charts every metric across the versions, one dot per version that has it', async () => {
    const show = JSON.parse((await mlops(dir, ['show', 'execution-agent', '--json'])).out) as {
      versions: { version: string; stage: string; metrics: Record<string, number> }[];
    };
    const html = page('models/execution-agent/index.html');
    const charts = [...html.matchAll(/<svg [^>]*class="chart metric-chart"[\s\S]*?<\/svg>/g)];
    const metrics = [...new Set(show.versions.flatMap((v) => Object.keys(v.metrics)))];
    expect(charts).toHaveLength(metrics.length);
    // the primary metric comes first
    expect(charts[0]![0]).toContain('>accuracy</text>');
    for (const chart of charts) {
      const name = />([a-z0-9_]+)<\/text>/.exec(chart[0])![1]!;
      const having = show.versions.filter((v) => v.metrics[name] !== undefined);
      const dots = [...chart[0].matchAll(/<circle class="point"[^>]*><title>([^<]*)<\/title>/g)];
      expect(dots.map((d) => d[1])).toEqual(
        having.map(
          (v) => `${v.version}: ${name} ${Number(v.metrics[name]!.toPrecision(4))} (${v.stage})`,
        ),
      );
    }
  });

  it("draws each rollout from git's log: one dot per decision committed, the rollback's reason beside it", () => {
    const logged = git(
      'log',
      '--format=%H %(trailers:key=Rollout,valueonly,separator=)|%(trailers:key=Decision,valueonly,separator=)',
      '--',
      'registry/models/execution-agent/deployment.yaml',
    )
      .trim()
      .split('\n')
      .map((l) => /^([0-9a-f]{40}) (.*)\|(.*)$/.exec(l)!)
      .filter((m) => m[2] && m[3]);
    expect(logged.length).toBeGreaterThanOrEqual(6);
    const html = page('models/execution-agent/index.html');
    const dots = [...html.matchAll(/<circle class="decision decision-([a-z-]+)"/g)].map(
      (m) => m[1],
    );
    expect(dots.sort()).toEqual(logged.map((m) => m[3]).sort());
    expect(html.match(/<svg [^>]*class="chart rollout-chart"/g)).toHaveLength(
      new Set(logged.map((m) => m[2])).size,
    );
    const rollback = git('log', '-1', '--format=%s', '--grep=^rollout execution-agent: rollback');
    expect(html).toContain(
      rollback.trim().replace('rollout execution-agent: ', '').replace(/'/g, '&#39;'),
    );
    for (const [, oid] of logged)
      expect(html).toContain(`href="../../audit.html#c-${oid!.slice(0, 12)}"`);
  });

  it('shows the committed drift status: its level, a PSI bar per drifted column, the level changes', () => {
    const status = parse(
      readFileSync(join(dir, 'registry/models/execution-agent/drift.yaml'), 'utf8'),
    ) as { level: string; drifted: { column: string; psi: number; level: string }[] };
    expect(status.level).toBe('critical');
    const html = page('models/execution-agent/index.html');
    const bars = [...html.matchAll(/<rect class="bar psi-([a-z]+)"[^>]*><title>([^:<]+): PSI/g)];
    expect(bars.map((b) => [b[2], b[1]])).toEqual(status.drifted.map((d) => [d.column, d.level]));
    expect(html).toMatch(/<dt>Level<\/dt><dd><span class="badge level-critical">critical<\/span>/);
    const changes = git('log', '--format=%H', '--', 'registry/models/execution-agent/drift.yaml')
      .trim()
      .split('\n');
    const section = /<h3>Level changes<\/h3>[\s\S]*?<\/table>/.exec(html)![0];
    expect(section.match(/<tr><td/g)).toHaveLength(changes.length);
  });

  it("has an anchored row for every commit git logs for the registry's folders, and each pull request's merge", () => {
    const logged = git(
      'log',
      '--format=%H',
      '--',
      'registry/',
      'model-cards/',
      'policies/',
      'data/',
    )
      .trim()
      .split('\n');
    const merges = git('log', '--merges', '--format=%H %s').trim().split('\n');
    expect(merges.length).toBeGreaterThanOrEqual(2);
    const html = page('audit.html');
    const main = /<table class="audit">[\s\S]*?<\/table>/.exec(html)![0];
    expect([...main.matchAll(/<tr id="c-([0-9a-f]{12})">/g)].map((m) => m[1])).toEqual(
      logged.map((oid) => oid.slice(0, 12)),
    );
    for (const line of merges) {
      const [, oid, number] = /^([0-9a-f]{40}) Merge pull request (#\d+) /.exec(line)!;
      expect(html).toContain(`id="c-${oid!.slice(0, 12)}"`);
      expect(html).toContain(`>${number}</a>`);
    }
  });

  it('has no dead link: every relative link names a page of the site, and every #fragment an id on it', () => {
    const pages = walk(site).filter((p) => p.endsWith('.html'));
    let checked = 0;
    for (const p of pages) {
      for (const [, href] of page(p).matchAll(/href="([^"]+)"/g)) {
        expect(href, `${p}: ${href}`).not.toMatch(/^[a-z]+:/); // nothing leaves an offline site
        const [file, fragment] = href!.split('#');
        const target = file
          ? resolve(dirname(join(site, p)), decodeURIComponent(file))
          : join(site, p);
        expect(existsSync(target), `${p}: ${href}`).toBe(true);
        if (fragment)
          expect(readFileSync(target, 'utf8'), `${p}: ${href}`).toContain(`id="${fragment}"`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('links commits and pull requests to GitHub: --repo-url, the Actions run, or an origin on GitHub', async () => {
    const merge = git('log', '--merges', '-1', '--format=%H %s', '--grep=#2 ').trim();
    const expectGitHub = (html: string) => {
      expect(html).toContain('href="https://github.com/acme/models/pull/2"');
      expect(html).toContain(
        `href="https://github.com/acme/models/commit/${git('rev-parse', 'HEAD').trim()}"`,
      );
      expect(html).not.toContain('audit.html#c-');
    };
    expect(merge).toMatch(/Merge pull request #2 /);
    let r = await mlops(dir, [
      'dashboard',
      '--out',
      '../gh1',
      '--repo-url',
      'https://github.com/acme/models/',
    ]);
    expect(r.code, r.err).toBe(0);
    expectGitHub(readFileSync(join(dir, '../gh1/audit.html'), 'utf8'));
    r = await mlops(dir, ['dashboard', '--out', '../gh2', '--json'], {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/models',
    });
    expect(JSON.parse(r.out)).toMatchObject({
      repoUrl: 'https://github.com/acme/models',
      pages: 12,
    });
    expectGitHub(readFileSync(join(dir, '../gh2/audit.html'), 'utf8'));
    git('remote', 'add', 'origin', 'git@github.com:acme/models.git');
    try {
      r = await mlops(dir, ['dashboard', '--out', '../gh3']);
      expect(r.code, r.err).toBe(0);
      expectGitHub(readFileSync(join(dir, '../gh3/models/execution-agent/index.html'), 'utf8'));
    } finally {
      git('remote', 'remove', 'origin');
    }
  });

  it('rebuilds the site whole, and refuses bad input without touching what is there', async () => {
    writeFileSync(join(site, 'stale.html'), 'from an older build');
    let r = await mlops(dir, ['dashboard']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^dashboard of 3 models at [0-9a-f]{7}: 12 pages in \d+ ms\nopen .*index\.html\n$/,
    );
    expect(existsSync(join(site, 'stale.html'))).toBe(false);
    const before = page('index.html');
    const leftovers = () => readdirSync(dir).filter((f) => f.startsWith('.site.'));
    expect(leftovers()).toEqual([]);

    // a folder of the user's is never replaced
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'guide.md'), '# mine\n');
    r = await mlops(dir, ['dashboard', '--out', 'docs']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlops: docs exists and is not a dashboard built by mlops/);
    expect(readdirSync(join(dir, 'docs'))).toEqual(['guide.md']);

    // a file, a page of the site, or nothing at all is no place for a site
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    for (const [out, message] of [
      ['notes.txt', /^mlops: notes\.txt is not a folder; choose another --out\n$/],
      [
        'site/models/execution-agent',
        /^mlops: site\/models\/execution-agent exists and is not a dashboard/,
      ],
      ['', /^mlops: --out must name a folder\n$/],
    ] as const) {
      r = await mlops(dir, ['dashboard', '--out', out]);
      expect(r.code, out).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');

    for (const [argv, message] of [
      [['--ref', 'no-such-ref'], /no-such-ref/],
      [['--limit', '0'], /--limit must be a whole number >= 1; got "0"/],
      [['--repo-url', 'ftp://example.com/x'], /--repo-url must be an http\(s\) address/],
    ] as const) {
      r = await mlops(dir, ['dashboard', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(page('index.html')).toBe(before);
    }
    expect(leftovers()).toEqual([]);
    expect(page('index.html')).toBe(before);
  });

  it('builds into site/ at the top of the repository from any folder, and clears what an interrupted build left', async () => {
    // an interrupted build's folders beside the site
    mkdirSync(join(dir, '.site.new-AbC123'));
    writeFileSync(join(dir, '.site.new-AbC123', 'index.html'), 'half');
    mkdirSync(join(dir, '.site.new-XyZ789.old'));
    const r = await mlops(join(dir, 'registry', 'models'), ['dashboard']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`open ${join(site, 'index.html')}\n`);
    expect(existsSync(join(dir, 'registry', 'models', 'site'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.site.'))).toEqual([]);
  });
});

describe('mlops dashboard elsewhere', () => {
  it('builds for a registry with no models yet (just after mlops init)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mlops-dashboard-empty-'));
    made.push(empty);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: empty });
    expect((await mlops(empty, ['init'])).code).toBe(0);
    execFileSync('git', ['add', '-A'], { cwd: empty });
    execFileSync(
      'git',
      [
        '-c',
        'user.name=A',
        '-c',
        'user.email=a@example.com',
        'commit',
        '-qm',
        'Adopt gitops-mlops',
      ],
      {
        cwd: empty,
      },
    );
    const r = await mlops(empty, ['dashboard']);
    expect(r.code, r.err).toBe(0);
    const index = readFileSync(join(empty, 'site/index.html'), 'utf8');
    expect(index).toContain('0 models, 0 in production, 0 rolling out.');
    expect(index).toContain('No models yet');
    expect(readFileSync(join(empty, 'site/audit.html'), 'utf8')).toContain('Adopt gitops-mlops');
  });

  it('leaves out a record that does not load, and says which and why, on stderr and on the page', async () => {
    const reg = await exampleRegistry();
    made.push(reg.dir);
    const path = 'registry/models/generation-agent-dqn/versions/2.1.0.yaml';
    // and a metric no version has a finite value of: valid, but nothing to chart
    const older = 'registry/models/generation-agent-dqn/versions/2.0.0.yaml';
    await reg.commit({
      [path]: edit(
        reg.files.get(path),
        'created_at: "2026-01-11T03:05:00Z"',
        'created_at: yesterday',
      ),
      [older]: edit(
        reg.files.get(older),
        '  mean_reward: 112.4',
        '  mean_reward: 112.4\n  stability: .nan',
      ),
    });
    const r = await reg.mlops('dashboard');
    expect(r.code, r.err).toBe(0);
    const line =
      reg.files
        .get(path)!
        .split('\n')
        .findIndex((l) => l.startsWith('created_at:')) + 1;
    expect(r.err).toMatch(
      new RegExp(
        `^mlops: warning: left out of the dashboard: ${path.replace(/\./g, '\\.')}:${line}:\\d+: schema`,
        'm',
      ),
    );
    const index = readFileSync(join(reg.dir, 'site/index.html'), 'utf8');
    expect(index).toContain(
      '<div class="warning"><strong>1 problem in the records at this commit</strong>',
    );
    expect(index).toContain(`<code>${path}:${line}:`);
    expect(existsSync(join(reg.dir, 'site/models/generation-agent-dqn/2.1.0.html'))).toBe(false);
    expect(existsSync(join(reg.dir, 'site/models/generation-agent-dqn/2.0.0.html'))).toBe(true);
    // production is still named on the front page, but not linked to a page that is not there
    expect(index).toContain('<td>2.1.0 <span class="badge stage-Production">');
    expect(index).not.toContain('href="models/generation-agent-dqn/2.1.0.html"');
    const model = readFileSync(
      join(reg.dir, 'site/models/generation-agent-dqn/index.html'),
      'utf8',
    );
    expect(model).toContain('>mean_reward</text>');
    expect(model).not.toContain('>stability</text>');
  });

  it('escapes what commits say: markup in a subject, an author, a trailer and a body is text', async () => {
    const reg = await exampleRegistry();
    made.push(reg.dir);
    const path = 'registry/models/execution-agent/model.yaml';
    const markup = '<script>alert(1)</script>"><svg onload=alert(2)>';
    await reg.commit(
      {
        [path]: reg.files.get(path)!.replace('owners: [ml-leads]', 'owners: [ml-leads, qa-leads]'),
      },
      {
        message: `Owners ${markup}\n\nWhy: ${markup}\n\nModel: execution-agent\nDecision: ${markup}\n`,
      },
    );
    const r = await reg.mlops('dashboard');
    expect(r.code, r.err).toBe(0);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;svg onload=alert(2)&gt;';
    for (const p of [
      'site/audit.html',
      'site/models/execution-agent/index.html',
      'site/index.html',
    ]) {
      const html = readFileSync(join(reg.dir, p), 'utf8');
      expect(html, p).not.toMatch(/<script|<svg onload/i);
      expect(html, p).toContain(`Owners ${escaped}`);
    }
    const audit = readFileSync(join(reg.dir, 'site/audit.html'), 'utf8');
    expect(audit).toContain(`Decision: ${escaped}`);
    expect(audit).toContain(`<pre>Why: ${escaped}</pre>`);
  });

  it('escapes what the records say: markup in a description is text', async () => {
    const reg = await exampleRegistry();
    made.push(reg.dir);
    const path = 'registry/models/execution-agent/model.yaml';
    await reg.commit({
      [path]: edit(
        reg.files.get(path),
        'description: Predicts whether a test run will pass from how the test has behaved recently.',
        'description: "Flaky <script>alert(1)</script> & \\"quotes\\""',
      ),
    });
    const r = await reg.mlops('dashboard');
    expect(r.code, r.err).toBe(0);
    for (const p of ['site/index.html', 'site/models/execution-agent/index.html']) {
      const html = readFileSync(join(reg.dir, p), 'utf8');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain(
        'Flaky &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;',
      );
    }
  });
});
