import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actionStep } from '../../../test/helpers/action-step.js';
import { exampleRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { main } from './main.js';

const step = actionStep('dashboard');
let reg: TestRegistry;
let scratch: string;

beforeAll(async () => {
  reg = await exampleRegistry();
});
afterAll(() => reg.cleanup());
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dashboard-action-'));
  step.capture();
});
afterEach(() => {
  step.release();
  rmSync(scratch, { recursive: true, force: true });
});

const github = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/models' };

describe('dashboard action', () => {
  it("builds the site into the workspace with links to the run's repository", async () => {
    const env = step.prepare(
      scratch,
      reg.dir,
      { name: 'push' },
      { out: 'public', limit: '50' },
      github,
    );
    await main(env);
    const r = step.result(scratch);
    expect(r.failed, r.log).toBe(false);
    expect(r.outputs).toEqual({ path: path.join(reg.dir, 'public'), pages: '9' });
    expect(r.summary).toMatch(/^Dashboard of 3 models at [0-9a-f]{7}: 9 pages in /);
    const audit = readFileSync(path.join(reg.dir, 'public/audit.html'), 'utf8');
    expect(audit).toMatch(/href="https:\/\/github\.com\/acme\/models\/commit\/[0-9a-f]{40}"/);
    expect(existsSync(path.join(reg.dir, 'public/models/execution-agent/index.html'))).toBe(true);
  });

  it.each([
    [{ limit: 'lots' }, /^::error::input limit must be a whole number >= 1; got "lots"$/],
    [{ ref: 'no-such-ref' }, /^::error::.*no-such-ref/],
    [{ out: 'README.md' }, /^::error::README\.md is not a folder; choose another --out$/],
  ])('fails the step, writing nothing, on %j', async (inputs, message) => {
    writeFileSync(path.join(reg.dir, 'README.md'), 'mine\n');
    const env = step.prepare(scratch, reg.dir, { name: 'push' }, { out: 'bad', ...inputs }, github);
    await main(env);
    const r = step.result(scratch);
    expect(r.failed).toBe(true);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
    expect(existsSync(path.join(reg.dir, 'bad'))).toBe(false);
    expect(readFileSync(path.join(reg.dir, 'README.md'), 'utf8')).toBe('mine\n');
  });
});
