import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../src/records/finding.js';
import { main } from './main.js';
import type { Deps } from './main.js';

// @actions/core caches the summary file path on first use, so the whole file shares one
// summary file and one output file, emptied before each test.
let scratch: string;
let summaryFile: string;
let outputFile: string;
let stdout: string[];

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'mlops-validate-action-'));
  summaryFile = path.join(scratch, 'step-summary.md');
  outputFile = path.join(scratch, 'output.txt');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeEach(() => {
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  core.summary.emptyBuffer();
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

/** Sets the variables the runner sets for a `uses: ./actions/validate` step. */
function actionEnv(opts: { workspace: string; event: unknown; base?: string; path?: string }) {
  const eventFile = path.join(scratch, 'event.json');
  writeFileSync(eventFile, JSON.stringify(opts.event));
  const vars: Record<string, string> = {
    INPUT_BASE: opts.base ?? '',
    INPUT_PATH: opts.path ?? '.',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
  };
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
}

/** Parses the `name<<delimiter` blocks @actions/core appends to GITHUB_OUTPUT. */
function outputs(): Record<string, string> {
  const text = readFileSync(outputFile, 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

function printed(): string {
  return stdout.join('');
}

function fakeValidator(findings: Finding[], extra: { base?: string } = {}) {
  const fn = vi.fn<Deps['validateRepository']>(() =>
    Promise.resolve({ findings, checkedFiles: 7, head: 'f'.repeat(40), threads: 1, ...extra }),
  );
  return { deps: { validateRepository: fn }, fn };
}

const PR_EVENT = { pull_request: { number: 3, base: { sha: 'a'.repeat(40) } } };

describe('validate action (validator stubbed)', () => {
  it('annotates each finding on its line, summarizes, sets outputs and fails on an error', async () => {
    const workspace = mkdtempSync(path.join(scratch, 'ws-'));
    actionEnv({ workspace, event: PR_EVENT });
    const { deps, fn } = fakeValidator(
      [
        {
          path: 'registry/models/demo/versions/1.0.0.yaml',
          line: 4,
          col: 10,
          rule: 'immutable',
          message: 'metrics.accuracy changed <0.91 & 0.93>',
          severity: 'error',
        },
        {
          path: 'policies/governance.yaml',
          line: 2,
          col: 1,
          rule: 'policy/changed',
          message: 'policy changed',
          severity: 'warning',
        },
      ],
      { base: 'a'.repeat(40) },
    );

    await main(process.env, deps);

    // with a base, changed datasets' expectations and added versions' artifacts are checked too
    expect(fn).toHaveBeenCalledWith({
      dir: workspace,
      ref: 'HEAD',
      base: 'a'.repeat(40),
      checkDatasets: expect.any(Function) as unknown,
      checkArtifacts: expect.any(Function) as unknown,
    });
    const lines = printed().split('\n');
    expect(lines).toContain(
      '::error title=immutable,file=registry/models/demo/versions/1.0.0.yaml,line=4,col=10::' +
        'metrics.accuracy changed <0.91 & 0.93>',
    );
    expect(lines).toContain(
      '::warning title=policy/changed,file=policies/governance.yaml,line=2,col=1::policy changed',
    );
    expect(lines).toContain('::error::Registry validation failed: 1 error, 1 warning');
    expect(process.exitCode).toBe(1);

    expect(outputs()).toEqual({ findings: '2', errors: '1' });

    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toContain('<h2>Registry validation</h2>');
    expect(summary).toContain('7 files checked at <code>aaaaaaa..fffffff</code>: 2 findings.');
    expect(summary).toContain('<th>File</th><th>Rule</th><th>Message</th>');
    expect(summary).toContain(
      '<td><code>registry/models/demo/versions/1.0.0.yaml:4</code></td><td>immutable</td>' +
        '<td>metrics.accuracy changed &#60;0.91 &#38; 0.93&#62;</td>',
    );
    expect(summary).toContain(
      '<td><code>policies/governance.yaml:2</code></td><td>policy/changed</td>' +
        '<td>warning: policy changed</td>',
    );
  });

  it('takes base and path from inputs and prefixes annotations with the path', async () => {
    const workspace = mkdtempSync(path.join(scratch, 'ws-'));
    actionEnv({ workspace, event: PR_EVENT, base: 'b'.repeat(40), path: 'registry-repo' });
    const { deps, fn } = fakeValidator([
      {
        path: 'data/x.yaml',
        line: 1,
        col: 1,
        rule: 'data/hash',
        message: 'hash unverified',
        severity: 'warning',
      },
    ]);

    await main(process.env, deps);

    expect(fn).toHaveBeenCalledWith({
      dir: path.join(workspace, 'registry-repo'),
      ref: 'HEAD',
      base: 'b'.repeat(40),
      checkDatasets: expect.any(Function) as unknown,
      checkArtifacts: expect.any(Function) as unknown,
    });
    expect(printed()).toContain(
      '::warning title=data/hash,file=registry-repo/data/x.yaml,line=1,col=1::hash unverified',
    );
    expect(printed()).not.toContain('::error');
    expect(process.exitCode).toBeUndefined();
    expect(outputs()).toEqual({ findings: '1', errors: '0' });
  });

  it('validates the snapshot only outside a pull request and says when all is well', async () => {
    const workspace = mkdtempSync(path.join(scratch, 'ws-'));
    actionEnv({ workspace, event: { ref: 'refs/heads/main' } });
    vi.stubEnv('GITHUB_EVENT_NAME', 'push');
    const { deps, fn } = fakeValidator([]);

    await main(process.env, deps);

    expect(fn).toHaveBeenCalledWith({ dir: workspace, ref: 'HEAD', base: undefined });
    expect(process.exitCode).toBeUndefined();
    expect(outputs()).toEqual({ findings: '0', errors: '0' });
    expect(readFileSync(summaryFile, 'utf8')).toContain(
      '7 files checked at <code>fffffff</code>: no findings.',
    );
  });

  it('fails the step with the message when validation cannot run', async () => {
    const workspace = mkdtempSync(path.join(scratch, 'ws-'));
    actionEnv({ workspace, event: PR_EVENT });
    const deps: Deps = {
      validateRepository: () => Promise.reject(new Error('base aaaaaaa is not in the history')),
    };

    await main(process.env, deps);

    expect(printed().split('\n')).toContain('::error::base aaaaaaa is not in the history');
    expect(process.exitCode).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------

const GIT_ID = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', [...GIT_ID, '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
}

/** A real repository with one commit per entry, each writing the given files. */
function gitRepo(commits: Record<string, string>[]): { dir: string; shas: string[] } {
  const dir = mkdtempSync(path.join(scratch, 'repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  const shas: string[] = [];
  commits.forEach((files, i) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `commit ${i + 1}`);
    shas.push(git(dir, 'rev-parse', 'HEAD'));
  });
  return { dir, shas };
}

describe('validate action (real validator, real repository)', () => {
  it('reports a broken record on its line in a pull request against its base', async () => {
    const { dir, shas } = gitRepo([
      { 'README.md': '# registry\n' },
      {
        'registry/models/demo/model.yaml':
          'kind: Model\nschema_version: 1\nname: demo\ndescription: [unclosed\n',
      },
    ]);
    const [base, head] = shas as [string, string];
    actionEnv({ workspace: dir, event: { pull_request: { number: 1, base: { sha: base } } } });

    await main();

    expect(printed()).toMatch(
      /^::error title=[^,\n]+,file=registry\/models\/demo\/model\.yaml,line=\d+,col=\d+::/m,
    );
    expect(process.exitCode).toBe(1);
    const out = outputs();
    expect(Number(out['errors'])).toBeGreaterThanOrEqual(1);
    expect(Number(out['findings'])).toBeGreaterThanOrEqual(Number(out['errors']));
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toContain(`<code>${base.slice(0, 7)}..${head.slice(0, 7)}</code>`);
    expect(summary).toContain('<code>registry/models/demo/model.yaml:');
  });
});
