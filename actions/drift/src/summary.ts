/**
 * The job summary of a drift run: per model, what was done about its level (the status
 * committed or not, the issue, the dispatch) above its report, and why a model was not checked.
 */
import type { Acted } from './act.js';
import type { ModelCheck } from './pass.js';

/**
 * The summary as Markdown.
 * @example
 * driftSummary(checks, acted, 'schedule')
 * // '## Drift (schedule)\n\n### execution-agent 1.0.0\n\n- level **critical** …'
 */
export function driftSummary(checks: ModelCheck[], acted: Acted[], source: string): string {
  const lines = [`## Drift (${source})`, ''];
  if (!checks.length) lines.push('No model in production: nothing to check.', '');
  for (const c of checks) {
    if (c.kind !== 'checked') {
      const mark = c.kind === 'failed' ? '❌' : '⚠️';
      lines.push(`### ${mark} ${c.model}`, '', `Not checked: ${c.message}`, '');
      continue;
    }
    const a = acted.find((x) => x.model === c.model);
    lines.push(`### ${c.model}${c.report.version ? ` ${c.report.version}` : ''}`, '');
    lines.push(
      `- ${c.commit ? `level changed: drift status committed (\`${c.commit.slice(0, 7)}\`)` : `level unchanged (${c.level}): nothing committed`}`,
    );
    if (a?.error) lines.push(`- ❌ ${a.error}`);
    else if (a?.issue !== undefined)
      lines.push(
        `- ${a.created ? 'opened' : 'updated'} issue #${a.issue}: retrain within ${c.deadline}`,
      );
    else if (a?.dispatched) lines.push('- retraining dispatched (repository_dispatch `retrain`)');
    lines.push('', c.markdown.trim(), '');
  }
  return lines.join('\n');
}
