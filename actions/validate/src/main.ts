/**
 * The `validate` action: inputs → validateRepository → annotations, job summary, outputs.
 *
 * Inputs and the GitHub context are read from `env` (defaulting to `process.env`) when
 * `main` runs, never at import. Annotations, outputs and the summary go through
 * `@actions/core`, which writes to `process.env.GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`.
 */
import path from 'node:path';
import * as core from '@actions/core';
import {
  asRecord,
  readContext,
  type ActionContext,
  type Env,
} from '../../../src/action-context/index.js';
import { artifactChecker, datasetChecker } from '../../../src/data/index.js';
import type { Finding } from '../../../src/records/finding.js';
import { validateRepository } from '../../../src/validate/index.js';

type ValidationResult = Awaited<ReturnType<typeof validateRepository>>;

export { readContext, type ActionContext } from '../../../src/action-context/index.js';

export interface Inputs {
  /** Absolute path of the repository to validate. */
  dir: string;
  /** Base commit for the diff rules; undefined validates the snapshot only. */
  base: string | undefined;
}

export interface Deps {
  validateRepository: typeof validateRepository;
}

/** Rows past this many are counted, not listed (a job summary is at most 1 MiB). */
const MAX_SUMMARY_ROWS = 500;

export function parseInputs(env: Env, context: ActionContext): Inputs {
  const input = (name: string) => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
  const pullRequest = asRecord(context.payload['pull_request']);
  const prBase = asRecord(pullRequest['base'])['sha'];
  const base = input('base') || (typeof prBase === 'string' ? prBase : '') || undefined;
  return { dir: path.resolve(context.workspace, input('path') || '.'), base };
}

/**
 * Runs the action. Never throws: a failure becomes `core.setFailed`.
 *
 * @example
 * // INPUT_PATH=. GITHUB_WORKSPACE=/repo GITHUB_EVENT_PATH=event.json
 * await main();
 */
export async function main(env: Env = process.env, deps: Deps = { validateRepository }) {
  try {
    const context = readContext(env);
    const inputs = parseInputs(env, context);
    core.info(`Validating ${inputs.dir}` + (inputs.base ? ` against base ${inputs.base}` : ''));
    // The checked-out commit, not the work tree: what the annotations point at is what was pushed.
    const result = await deps.validateRepository({
      dir: inputs.dir,
      ref: 'HEAD',
      base: inputs.base,
      // changed dataset pointers get their expectations run and added versions their artifact
      // looked for, through the base's remotes; credentials come from the job's env, unless the
      // change edits data/remotes.yaml, when the check runs without any
      ...(inputs.base
        ? {
            checkDatasets: datasetChecker(inputs.dir, env),
            checkArtifacts: artifactChecker(inputs.dir, env),
          }
        : {}),
    });
    const prefix = workspacePrefix(context.workspace, inputs.dir);

    for (const f of result.findings) {
      const props = { file: prefix + f.path, startLine: f.line, startColumn: f.col, title: f.rule };
      if (f.severity === 'error') core.error(f.message, props);
      else core.warning(f.message, props);
    }
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    core.setOutput('findings', result.findings.length);
    core.setOutput('errors', errors);
    if (process.env['GITHUB_STEP_SUMMARY']) await writeSummary(result, prefix);

    const warnings = result.findings.length - errors;
    const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    core.info(`${plural(result.checkedFiles, 'file')} checked at ${result.head}: ${counts}`);
    if (errors > 0) core.setFailed(`Registry validation failed: ${counts}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

async function writeSummary(result: ValidationResult, prefix: string) {
  const { findings } = result;
  const range = result.base ? `${short(result.base)}..${short(result.head)}` : short(result.head);
  core.summary
    .addHeading('Registry validation', 2)
    .addRaw(`${plural(result.checkedFiles, 'file')} checked at <code>${range}</code>: `)
    .addRaw(findings.length ? `${plural(findings.length, 'finding')}.` : 'no findings.', true);
  if (findings.length) {
    const header = ['File', 'Rule', 'Message'].map((data) => ({ data, header: true }));
    const rows = findings
      .slice(0, MAX_SUMMARY_ROWS)
      .map((f: Finding) => [
        `<code>${escapeHtml(`${prefix}${f.path}:${f.line}`)}</code>`,
        escapeHtml(f.rule),
        escapeHtml(f.severity === 'warning' ? `warning: ${f.message}` : f.message),
      ]);
    core.summary.addTable([header, ...rows]);
    if (findings.length > MAX_SUMMARY_ROWS) {
      core.summary.addRaw(`…and ${findings.length - MAX_SUMMARY_ROWS} more.`, true);
    }
  }
  await core.summary.write();
}

/** `sub/dir/` when the registry is a folder of the workspace, so annotations find the file. */
function workspacePrefix(workspace: string, dir: string): string {
  const rel = path.relative(workspace, dir);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return '';
  return rel.split(path.sep).join('/') + '/';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function short(sha: string): string {
  return /^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 7) : sha;
}

/** Escapes for a table cell; a blank line would end the HTML block in Markdown. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\r?\n/g, '<br>');
}
