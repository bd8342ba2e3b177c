/**
 * The job summary of one training (pure Markdown): the outcome, the run's metrics against
 * production and the governance thresholds, where it ran, and what comes next.
 */
import type { ModelVersion, Run } from '../../../src/records/index.js';
import { formatMetric } from '../../../src/tracking/index.js';
import { escapeMd } from './plan.js';

/** The thresholds a version must meet (the policy, with the model's overrides applied). */
export interface Thresholds {
  min_accuracy?: number;
  max_latency_p95_ms?: number;
}

export interface TrainSummary {
  model: string;
  /** The Run, when the command started. */
  run?: Run;
  /** How long the command ran (the Run's timestamps are whole seconds). */
  durationMs?: number;
  /** Why nothing trained, or what went wrong after training (registration, push). */
  error?: string;
  /** The version in production, to compare with. */
  production?: ModelVersion;
  thresholds: Thresholds;
  /** The version registered from the run, and the branch it was pushed on. */
  registered?: { version: string; branch: string; commit: string };
  /** The promotion pull request the version went on to, with governance's decision. */
  promotion?: { number: number; url: string; decision: string; status: string; merged?: string };
  /** The branch a run that was not registered was recorded on. */
  recorded?: { branch: string; commit: string };
}

/**
 * Renders the summary.
 * @example
 * trainSummary({ model: 'm', run, production, thresholds: { min_accuracy: 0.9 },
 *   registered: { version: '1.1.0', branch: 'register/m/20260120-000000-m', commit } });
 * // '### Training m\n\n✅ **succeeded**: run `20260120-000000-m` …| accuracy | 0.95 | 0.938 | +0.012 | ≥ 0.9 ✅ |…'
 */
export function trainSummary(s: TrainSummary): string {
  const parts = [`### Training ${s.model}\n`];
  const run = s.run;
  if (!run) {
    parts.push(`❌ **not trained**: ${escapeMd(s.error ?? 'unknown error')}\n`);
    return parts.join('\n');
  }
  const ok = run.status === 'succeeded';
  const ms =
    s.durationMs ?? (run.ended_at ? Date.parse(run.ended_at) - Date.parse(run.started_at) : NaN);
  const took = Number.isFinite(ms) ? ` in ${duration(ms)}` : '';
  parts.push(`${ok ? '✅' : '❌'} **${run.status}**: run \`${run.id}\`${took}\n`);
  if (run.trigger.reason)
    parts.push(`Trigger: ${run.trigger.type}, ${escapeMd(run.trigger.reason)}\n`);
  if (Object.keys(run.metrics).length) parts.push(metricsTable(run, s.production, s.thresholds));
  parts.push(environment(run));
  if (run.failure) {
    parts.push(`**Reason:** ${escapeMd(run.failure.reason)}\n`);
    if (run.failure.last_lines.length)
      parts.push(`Last output:\n\n${codeBlock(run.failure.last_lines)}`);
  }
  if (s.error) parts.push(`❌ ${escapeMd(s.error)}\n`);
  if (s.registered) {
    const r = s.registered;
    parts.push(
      `Registered ${s.model} ${r.version} (branch \`${r.branch}\`, commit \`${r.commit.slice(0, 7)}\`)\n`,
    );
    const p = s.promotion;
    if (p) {
      const merged = p.merged ? `; merged as \`${p.merged.slice(0, 7)}\`` : '';
      parts.push(
        `Promotion: [#${p.number}](${p.url}), ${p.decision} (${escapeMd(p.status)})${merged}\n`,
      );
    }
  } else if (s.recorded) {
    parts.push(
      `Nothing was registered; the Run is recorded on branch \`${s.recorded.branch}\` (commit \`${s.recorded.commit.slice(0, 7)}\`).\n`,
    );
  }
  return parts.join('\n');
}

/** `metric | this run | production (v) | Δ | policy`, with ✅/❌ where a threshold applies. */
function metricsTable(run: Run, production: ModelVersion | undefined, t: Thresholds): string {
  const prod = production ? `production (${production.version})` : 'production (none)';
  const rows = [
    `| metric | this run | ${prod} | Δ | policy threshold |`,
    '|---|---:|---:|---:|---|',
  ];
  const names = [...Object.keys(run.metrics)];
  for (const n of Object.keys(production?.metrics ?? {})) if (!names.includes(n)) names.push(n);
  for (const name of names) {
    const mine = run.metrics[name];
    const theirs = production?.metrics[name];
    const delta = mine !== undefined && theirs !== undefined ? signed(mine - theirs) : '—';
    rows.push(
      `| ${name} | ${num(mine)} | ${num(theirs)} | ${delta} | ${threshold(name, mine, t)} |`,
    );
  }
  return rows.join('\n') + '\n';
}

function threshold(name: string, value: number | undefined, t: Thresholds): string {
  let rule: { text: string; pass: (v: number) => boolean } | undefined;
  if (name === 'accuracy' && t.min_accuracy !== undefined) {
    const min = t.min_accuracy;
    rule = { text: `≥ ${formatMetric(min)}`, pass: (v) => v >= min };
  } else if (name === 'latency_p95_ms' && t.max_latency_p95_ms !== undefined) {
    const max = t.max_latency_p95_ms;
    rule = { text: `< ${formatMetric(max)}`, pass: (v) => v < max };
  }
  if (!rule) return '';
  if (value === undefined) return `${rule.text} ❌`;
  return `${rule.text} ${rule.pass(value) ? '✅' : '❌'}`;
}

function environment(run: Run): string {
  const e = run.environment;
  const lines = [`**Environment:**\n`, `- Runner: ${escapeMd(e.runner)} (${escapeMd(e.os)})`];
  lines.push(`- GPUs: ${gpuText(e.gpus)}`);
  const tools = [e.python && `Python ${e.python}`, e.node && `Node ${e.node}`].filter(Boolean);
  if (tools.length) lines.push(`- ${tools.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** `2 × NVIDIA H100 80GB HBM3 (81559 MB, driver 550.54.15)`, one entry per kind. */
function gpuText(gpus: Run['environment']['gpus']): string {
  if (!gpus.length) return 'none';
  const kinds = new Map<string, number>();
  for (const g of gpus) {
    const key = `${escapeMd(g.name)} (${g.memory_mb} MB, driver ${escapeMd(g.driver)})`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} × ${k}`).join(', ');
}

/** A fenced block longer than any run of backticks inside it. */
function codeBlock(lines: string[]): string {
  const text = lines.join('\n');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${text}\n${fence}\n`;
}

function num(v: number | undefined): string {
  return v === undefined ? '—' : formatMetric(v);
}

function signed(v: number): string {
  const text = formatMetric(Number(v.toPrecision(10)));
  return v > 0 ? `+${text}` : text;
}

function duration(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
