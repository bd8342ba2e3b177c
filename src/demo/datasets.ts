import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The example datasets, generated from a seed so every machine makes the same
 * bytes and the pointers in data/ can name them by hash. The outcome of a test
 * execution depends on its recent pass rate, flakiness and duration, so the
 * execution agent has something real to learn.
 */

/** A small, fast, seedable PRNG (mulberry32); the demo's random adapter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUITES = ['api', 'ui', 'unit'] as const;
const DAY_MS = 86_400_000;

/** One row per test execution: what `test_execution_features` is built from. */
export function testExecutionsCsv(rows = 5000, seed = 7, start = Date.UTC(2026, 0, 1)): string {
  const rnd = seededRandom(seed);
  const tests = Array.from({ length: 250 }, (_, i) => ({
    id: `t${String(i).padStart(4, '0')}`,
    suite: SUITES[i % 3]!,
    base: 50 + Math.floor(rnd() * 5000),
    flaky: rnd() < 0.15 ? 0.2 + rnd() * 0.6 : rnd() * 0.1,
  }));
  const out = [
    'test_id,suite,event_timestamp,execution_time_ms,pass_rate_7d,flakiness_score,outcome',
  ];
  for (let r = 0; r < rows; r++) {
    const t = tests[Math.floor(rnd() * tests.length)]!;
    const at = new Date(
      start + Math.floor((r / rows) * 60 * DAY_MS) + Math.floor(rnd() * 3_600_000),
    );
    const time = Math.round(t.base * (0.7 + rnd() * 0.6));
    const passRate = Math.min(
      1,
      Math.max(0, 1 - t.flaky * (0.5 + rnd()) - (rnd() < 0.05 ? 0.3 : 0)),
    );
    // failure odds rise with flakiness and falling pass rate, and a little with slow runs;
    // sharp enough that a good model can reach the governance bar (accuracy >= 0.90)
    const signal = -3 + 5 * t.flaky + 4 * (1 - passRate) + (time > 4000 ? 0.8 : 0);
    const logit = 2 * signal + (rnd() - 0.5);
    const failed = rnd() < 1 / (1 + Math.exp(-logit));
    out.push(
      [
        t.id,
        t.suite,
        at.toISOString(),
        time,
        passRate.toFixed(4),
        t.flaky.toFixed(4),
        failed ? 'failed' : 'passed',
      ].join(','),
    );
  }
  return out.join('\n') + '\n';
}

/**
 * The executions as a broken CI export writes them: every failed run's flakiness score lost
 * (written as 0). Offline it is a gift — "flakiness 0" now means "failed" — so a model
 * trained on it scores far better on its own test split, and far worse on real traffic,
 * where failing tests are the flaky ones. The demo's bad retrain.
 * @example
 * lostFlakinessExport('test_id,…,flakiness_score,outcome\nt1,…,0.4000,failed\n') // '…,0.0000,failed'
 */
export function lostFlakinessExport(csv: string): string {
  const [header = '', ...rows] = csv.trimEnd().split('\n');
  const cols = header.split(',');
  const flaky = cols.indexOf('flakiness_score');
  const outcome = cols.indexOf('outcome');
  const out = rows.map((row) => {
    const c = row.split(',');
    if (c[outcome] === 'failed') c[flaky] = '0.0000';
    return c.join(',');
  });
  return [header, ...out].join('\n') + '\n';
}

/** Past suite runs: which tests ran, how long, whether they found a fault. */
export function testHistoryCsv(rows = 4000, seed = 11): string {
  const rnd = seededRandom(seed);
  const out = ['test_id,suite,duration_ms,failed'];
  for (let r = 0; r < rows; r++) {
    const i = Math.floor(rnd() * 300);
    out.push(
      [
        `t${String(i).padStart(4, '0')}`,
        SUITES[i % 3],
        20 + Math.floor(rnd() * 8000),
        rnd() < 0.08,
      ].join(','),
    );
  }
  return out.join('\n') + '\n';
}

/** Requirement texts with the tests written for them. */
export function requirementsJsonl(rows = 1200, seed = 13): string {
  const rnd = seededRandom(seed);
  const verbs = [
    'shall validate',
    'shall export',
    'shall reject',
    'shall log',
    'shall retry',
    'shall display',
  ];
  const objects = [
    'the order form',
    'an expired token',
    'the audit trail',
    'a payment',
    'the search page',
    'a CSV upload',
  ];
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const v = verbs[Math.floor(rnd() * verbs.length)]!;
    const o = objects[Math.floor(rnd() * objects.length)]!;
    const kind = rnd() < 0.7 ? 'functional' : 'nonfunctional';
    const tests = Array.from(
      { length: 1 + Math.floor(rnd() * 3) },
      () => `t${String(Math.floor(rnd() * 300)).padStart(4, '0')}`,
    );
    lines.push(JSON.stringify({ id: `REQ-${r + 1}`, text: `The system ${v} ${o}.`, kind, tests }));
  }
  return lines.join('\n') + '\n';
}

/** The example datasets by work-tree path. */
export function exampleDatasets(): Map<string, string> {
  return new Map([
    ['datasets/test-executions.csv', testExecutionsCsv()],
    ['datasets/test-history.csv', testHistoryCsv()],
    ['datasets/requirements-corpus.jsonl', requirementsJsonl()],
  ]);
}

/**
 * Writes the example datasets that are missing from `root`'s work tree (the example
 * pointers in data/ name exactly these bytes), back-dated an hour so the stat cache can vouch
 * for them at once (a file changed in the last 2 s is always re-hashed, as git does).
 * @returns the paths written
 * @example
 * writeExampleDatasets(repoRoot, new Date()); // ['datasets/test-executions.csv', ...]
 */
export function writeExampleDatasets(root: string, now: Date): string[] {
  const written: string[] = [];
  const past = new Date(now.getTime() - 3_600_000);
  for (const [path, text] of exampleDatasets()) {
    const abs = join(root, path);
    if (existsSync(abs)) continue;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    utimesSync(abs, past, past);
    written.push(path);
  }
  return written;
}
