/**
 * Command-line inputs that slipped through (issue 15, point 8): a `data add` path outside the
 * repository or absolute, and a branch option (`--branch`, `--base`, the actions' `branch`
 * input) that names no branch: `HEAD`, a tag, a commit id, what git's check-ref-format refuses.
 * Each is refused with a message naming the path or the option, and nothing changes: no file
 * written, no ref moved.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main as rolloutAction } from '../actions/rollout/src/main.js';
import { actionStep, committerTestDeps } from './helpers/action-step.js';
import { exampleRegistry, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
let outside: string;
beforeAll(async () => {
  reg = await exampleRegistry();
  mkdirSync(join(reg.dir, 'datasets'));
  writeFileSync(join(reg.dir, 'datasets/inside.csv'), 'a,b\n1,2\n');
  // a sibling whose name starts with the repository's: `../<repo>X/datasets/inside.csv` once
  // read as the repository's own datasets/inside.csv
  outside = `${reg.dir}X`;
  mkdirSync(join(outside, 'datasets'), { recursive: true });
  writeFileSync(join(outside, 'datasets/inside.csv'), 'secret,data\n1,2\n');
});
afterAll(() => {
  reg.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

const git = (...a: string[]) => execFileSync('git', a, { cwd: reg.dir, encoding: 'utf8' }).trim();

/** What a refused command must leave as it was: refs, the work tree, data/ and the tool's folder. */
function state() {
  const list = (p: string) =>
    existsSync(join(reg.dir, p)) ? readdirSync(join(reg.dir, p), { recursive: true }).sort() : [];
  return {
    refs: git('for-each-ref', '--format=%(refname) %(objectname)'),
    status: git('status', '--porcelain', '--ignored'),
    data: list('data'),
    tool: list('.mlops'),
  };
}

describe('data add refuses a path outside the repository', () => {
  it.each([
    [
      '../outside/x.csv',
      () => '../outside/x.csv',
      /path "\.\.\/outside\/x\.csv" is outside the repository/,
    ],
    [
      '../<repo>X/datasets/inside.csv',
      () => `../${basename(reg.dir)}X/datasets/inside.csv`,
      /is outside the repository/,
    ],
    [
      '<repo>/datasets/inside.csv',
      () => join(reg.dir, 'datasets/inside.csv'),
      /is absolute; give it relative/,
    ],
    ['/etc/hostname', () => '/etc/hostname', /path "\/etc\/hostname" is absolute/],
    ['datasets/../../x.csv', () => 'datasets/../../x.csv', /is outside the repository/],
  ])('%s', async (_label, arg, message) => {
    const path = arg();
    const before = state();
    const r = await reg.mlops('data', 'add', path);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/^mlops: /);
    expect(state()).toEqual(before);
  });

  it('still adds a path given from a subfolder, relative to it', async () => {
    const sub = join(reg.dir, 'datasets');
    const before = state();
    const { main } = await import('../src/cli/main.js');
    let err = '';
    const code = await main(['data', 'add', 'inside.csv', '--json'], {
      out: () => {},
      err: (s) => (err += s),
      cwd: sub,
      env: {},
      now: () => new Date('2026-01-20T00:00:00Z'),
      isTTY: false,
    });
    expect(code, err).toBe(0);
    expect(state().data).toEqual([...before.data, 'inside.yaml'].sort());
    rmSync(join(reg.dir, 'data/inside.yaml'));
  });
});

describe('a branch option names a branch', () => {
  const bad = () =>
    [
      ['HEAD', /"HEAD" names the checked-out commit or a pseudo-ref, not a branch/],
      ['FETCH_HEAD', /not a branch/],
      ['refs/tags/v1', /"refs\/tags\/v1" is a ref outside refs\/heads\/, not a branch/],
      ['refs/remotes/origin/main', /outside refs\/heads\//],
      [git('rev-parse', 'main'), /looks like a commit id, not a branch/],
      [git('rev-parse', '--short', 'main'), /looks like a commit id/],
      ['bad..name', /is not a valid branch name \(git check-ref-format --branch\)/],
      ['with space', /is not a valid branch name/],
      ['x.lock', /is not a valid branch name/],
      ['-x', /is not a valid branch name/],
      ['@', /is not a valid branch name/],
    ] as const;

  it('rollout tick, start and abort, register and promote refuse each, naming the option', async () => {
    git('tag', 'v1');
    for (const [name, why] of bad()) {
      for (const [argv, flag] of [
        [['rollout', 'tick', `--branch=${name}`], '--branch'],
        [['rollout', 'status', `--branch=${name}`], '--branch'],
        [['rollout', 'start', 'execution-agent', `--branch=${name}`], '--branch'],
        [['rollout', 'abort', 'execution-agent', `--branch=${name}`], '--branch'],
        [['register', 'execution-agent', '--run', 'x', `--branch=${name}`], '--branch'],
        [['promote', 'execution-agent', '1.0.0', `--base=${name}`], '--base'],
      ] as const) {
        const before = state();
        const r = await reg.mlops(...argv);
        expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
        expect(r.err).toContain(`mlops: ${flag} must name a branch: `);
        expect(r.err).toMatch(why);
        expect(state()).toEqual(before);
      }
    }
  });

  it('accepts a branch, and refs/heads/<branch> as that branch', async () => {
    for (const name of ['main', 'refs/heads/main', 'release/2026-q1', 'feature_x']) {
      const r = await reg.mlops('rollout', 'status', `--branch=${name}`);
      expect(r.err).not.toContain('must name a branch');
      if (name.endsWith('main')) expect(r.code, r.err).toBe(0);
      else expect(r.err).toContain(`revision "${name}" is not a branch`);
    }
  });
});

describe("the rollout action's branch input names a branch", () => {
  const step = actionStep('inputs-rollout');
  let scratch: string;
  beforeEach(() => {
    step.capture();
    scratch = mkdtempSync(join(tmpdir(), 'inputs-action-'));
  });
  afterEach(() => {
    step.release();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each(['HEAD', 'refs/tags/v1', '0123456789abcdef0123456789abcdef01234567'])(
    '%s fails the step, naming the input, and moves nothing',
    async (branch) => {
      const before = state();
      const env = step.prepare(scratch, reg.dir, { name: 'schedule' }, { branch, token: 't' });
      const deps = committerTestDeps(
        env,
        () => {
          throw new Error('no forge should be made');
        },
        new Date('2026-03-01T00:00:00Z'),
      );
      await rolloutAction(env, deps);
      const r = step.result(scratch);
      expect(r.failed).toBe(true);
      expect(r.errors.join('\n')).toMatch(/the branch input must name a branch: /);
      expect(state()).toEqual(before);
    },
  );
});
