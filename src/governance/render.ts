import type { ApprovalResult } from './approval.js';
import { num, pct } from './numbers.js';
import type { GovernanceCheck, GovernanceResult } from './types.js';

export interface RenderExtras {
  /** The pull request's approval state, shown under the decision. */
  approval?: ApprovalResult;
  /** A heading above everything (Markdown: `### …`). */
  title?: string;
}

const OPS = { '>=': '≥', '<': '<', '<=': '≤' } as const;

/** A check's value as shown: `0.931`, `3 ms`, `+2.04 %`, or `n/a` / `missing`. */
export function checkValue(c: GovernanceCheck): string {
  if (c.value === null) return c.passed ? 'n/a' : 'missing';
  if (c.unit === 'ms') return `${num(c.value)} ms`;
  if (c.unit === 'percent') return pct(c.value, true);
  return num(c.value);
}

/** A check's threshold as shown: `≥ 0.9`, `< 100 ms`, `≥ 2 %`; `(model)` when overridden. */
export function checkThreshold(c: GovernanceCheck, ascii = false): string {
  const t =
    c.unit === 'ms'
      ? `${num(c.threshold)} ms`
      : c.unit === 'percent'
        ? pct(c.threshold)
        : num(c.threshold);
  return `${ascii ? c.op : OPS[c.op]} ${t}${c.overridden ? ' (model)' : ''}`;
}

const handle = (h: string) => `@${h.replace(/^@/, '')}`;

function reviewersLine(r: GovernanceResult): string {
  const n = r.requiredApprovals;
  return `${r.reviewers.map(handle).join(', ')} (${n} approval${n === 1 ? '' : 's'} required when review is needed)`;
}

/** Where the judgement comes from: the base's policy, and the change measured. */
function judgedBy(r: GovernanceResult, code: (s: string) => string): string[] {
  if (!r.at) return [];
  const { baseRef, base, headRef, head, mergeBase } = r.at;
  const short = (s: string) => code(s.slice(0, 7));
  const policy = `policy and production: ${code(baseRef)} at ${short(base)}`;
  if (head === 'worktree') return [policy, `change: the work tree since ${short(mergeBase)}`];
  const name = headRef === head ? short(head) : `${code(headRef)} at ${short(head)}`;
  if (head === mergeBase) return [policy, `change: none (${name} is in ${code(baseRef)})`];
  return [policy, `change: ${name} since ${short(mergeBase)}`];
}

/**
 * What a pull request shows: the decision in bold, the checks table, the risk and its
 * reasons, the reviewers and, when given, where the approval stands. Deterministic.
 * @example
 * await forge.comment(pr.number, governanceMarkdown(result, { approval }));
 */
export function governanceMarkdown(r: GovernanceResult, extras: RenderExtras = {}): string {
  const out: string[] = [];
  if (extras.title) out.push(`### ${extras.title}`, '');
  const decision = { 'auto-approve': '✅', 'needs-review': '👀', reject: '❌' }[r.decision];
  out.push(`${decision} **Decision: ${r.decision}** — ${cell(r.reasons[0] ?? '')}`, '');
  const against = r.production ? `production ${r.production}` : 'no production version';
  const lines = [
    `**${r.model} ${r.version}** against ${against}`,
    ...judgedBy(r, (s) => `\`${s}\``),
  ];
  // a backslash at the end of a line is a hard line break in CommonMark (and on GitHub)
  out.push(lines.join('\\\n'), '');
  if (r.checks.length) {
    out.push('| check | value | threshold | result |', '| --- | --: | --: | :-: |');
    for (const c of r.checks)
      out.push(
        `| ${c.title} | ${checkValue(c)} | ${checkThreshold(c)} | ${c.passed ? '✅' : '❌'} |`,
      );
  } else out.push(`_No checks ran: ${r.version} has no version record._`);
  out.push('', `**Risk: ${r.risk.level}**`);
  if (r.risk.reasons.length) out.push('', ...r.risk.reasons.map((x) => `- ${cell(x)}`));
  out.push('', `**Why ${r.decision}:**`, '', ...r.reasons.map((x) => `- ${cell(x)}`));
  out.push('', `**Reviewers:** ${reviewersLine(r)}`);
  const a = extras.approval;
  if (a) {
    out.push('', `**Approval:** ${a.satisfied ? '✅' : '⏳'} ${cell(a.summary)}`);
    const lines = [
      ...a.approvedBy.map((u) => `- ${handle(u)} approved the latest commit`),
      ...a.changesRequestedBy.map((u) => `- ${handle(u)} requested changes on the latest commit`),
      ...a.ignored.map((i) => `- ${handle(i.user)}'s review does not count: ${cell(i.reason)}`),
    ];
    if (lines.length) out.push('', ...lines);
  }
  return out.join('\n') + '\n';
}

/**
 * The same for a terminal: the checks as aligned columns, the risk and decision with their
 * reasons, the reviewers.
 * @example
 * process.stdout.write(governanceText(result));
 */
export function governanceText(r: GovernanceResult, extras: RenderExtras = {}): string {
  const out: string[] = [];
  const against = r.production ? `production ${r.production}` : 'no production version';
  out.push(`${r.model} ${r.version} against ${against}`);
  out.push(...judgedBy(r, (s) => s));
  out.push('');
  if (r.checks.length) {
    out.push(
      ...columns([
        ['CHECK', 'VALUE', 'THRESHOLD', 'RESULT'],
        ...r.checks.map((c) => [
          c.title,
          checkValue(c),
          checkThreshold(c, true),
          c.passed ? (c.value === null ? 'pass (n/a)' : 'pass') : 'FAIL',
        ]),
      ]),
    );
  } else out.push(`no checks ran: ${r.version} has no version record`);
  out.push('', `risk: ${r.risk.level}`, ...r.risk.reasons.map((x) => `  - ${x}`));
  out.push(`decision: ${r.decision}`, ...r.reasons.map((x) => `  - ${x}`));
  out.push(`reviewers: ${reviewersLine(r)}`);
  const a = extras.approval;
  if (a) {
    out.push(`approval: ${a.summary}`);
    out.push(...a.ignored.map((i) => `  - ${handle(i.user)} does not count: ${i.reason}`));
  }
  return out.join('\n') + '\n';
}

/** Aligned columns, two spaces apart, no trailing spaces. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** Text safe inside a Markdown table cell or list item: no pipes or line breaks. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
