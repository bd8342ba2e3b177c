import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles, formatProblem, validateText } from '../scripts/check-workflows.mjs';

const SCRIPT = path.resolve(import.meta.dirname, '../scripts/check-workflows.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlops-workflows-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Runs the script as CI does; returns its exit status and output. */
function run(...args: string[]): { status: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, output: e.stdout + e.stderr };
  }
}

const GOOD_WORKFLOW = `on: pull_request
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
`;

const GOOD_ACTION = `name: x
description: y
runs:
  using: node24
  main: dist/index.js
`;

describe('scripts/check-workflows.mjs', () => {
  it("passes on this repository's workflows and actions", () => {
    const { checked, problems } = checkFiles();
    expect(checked).toContain('.github/workflows/validate.yml');
    expect(checked).toContain('.github/workflows/ci.yml');
    expect(checked).toContain('actions/validate/action.yml');
    expect(checked).toContain('.github/workflows/train.yml');
    expect(checked).toContain('actions/train/action.yml');
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it('reports a misspelt job key at its line', () => {
    const broken = GOOD_WORKFLOW.replace('    steps:', '    stepz:');
    expect(validateText('workflow', GOOD_WORKFLOW)).toEqual([]);
    expect(validateText('workflow', broken)).toEqual([
      { line: 7, col: 5, message: "/jobs/test: Additional property 'stepz' is not allowed" },
    ]);
  });

  it('reports a value of the wrong type and a YAML syntax error', () => {
    const wrongType = GOOD_WORKFLOW.replace('contents: read', 'contents: sometimes');
    expect(validateText('workflow', wrongType)).not.toEqual([]);
    const [syntax] = validateText('workflow', 'on: push\njobs: [\n');
    expect(syntax).toMatchObject({ line: 3, col: 1 });
    expect(syntax?.message).toMatch(/Parse Error/);
  });

  it('accepts node24 actions but still checks the rest of them', () => {
    expect(validateText('action', GOOD_ACTION)).toEqual([]);
    expect(validateText('action', GOOD_ACTION.replace('node24', 'node99'))).toEqual([
      { line: 4, col: 3, message: '/runs/using: Enum conditions are not met (got "node99")' },
    ]);
    expect(validateText('action', GOOD_ACTION.replace('main:', 'mian:'))).toContainEqual({
      line: 5,
      col: 3,
      message: "/runs: Additional property 'mian' is not allowed",
    });
  });

  it('exits 1 naming the broken file, and 0 when all are valid', () => {
    const bad = tempRepo({
      '.github/workflows/ok.yml': GOOD_WORKFLOW,
      '.github/workflows/bad.yml': GOOD_WORKFLOW.replace('runs-on', 'run-on'),
      'actions/x/action.yml': GOOD_ACTION,
    });
    const failed = run('--root', bad);
    expect(failed.status).toBe(1);
    expect(failed.output).toMatch(/^\.github\/workflows\/bad\.yml:6:5: .*'run-on'/m);
    expect(failed.output).not.toMatch(/^\.github\/workflows\/ok\.yml/m);
    expect(failed.output).not.toMatch(/^actions\/x/m);

    const good = tempRepo({
      '.github/workflows/ok.yml': GOOD_WORKFLOW,
      'actions/x/action.yml': GOOD_ACTION,
    });
    expect(run('--root', good)).toEqual({
      status: 0,
      output: '2 workflow and action files valid\n',
    });
  });

  it('fails when there is nothing to check', () => {
    const empty = tempRepo({ 'README.md': '# nothing\n' });
    const result = run('--root', empty);
    expect(result.status).toBe(1);
    expect(result.output).toContain('no .github/workflows/*.yml or actions/*/action.yml files');
  });
});
