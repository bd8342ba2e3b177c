import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../src/records/finding.js';
import { checkWorkflow } from '../src/validate/index.js';
import { edit, exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RULE = 'workflow/pr-code-with-secrets';
const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8';
const shipped = (name: string) => readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8');

/** The findings of one rule, as `mlops validate` prints them. */
function check(text: string, rule = RULE, file = '.github/workflows/x.yml'): string[] {
  return checkWorkflow(file, text)
    .filter((f) => f.rule === rule)
    .map(formatFinding);
}

/** A workflow of one job, from its lines (indented as under `jobs:`). */
function workflow(on: string, job: string[], top: string[] = ['permissions:', '  contents: read']) {
  return [`on: ${on}`, ...top, 'jobs:', '  j:', '    runs-on: ubuntu-latest', ...job, ''].join(
    '\n',
  );
}

describe('workflow/pr-code-with-secrets: the patterns it flags', () => {
  it('a local action in a job holding a secret on pull_request, at its line', () => {
    const text = workflow('pull_request', [
      '    steps:',
      `      - uses: ${CHECKOUT}`,
      '      - uses: ./actions/deploy',
      '        env:',
      '          KEY: ${{ secrets.DEPLOY_KEY }}',
    ]);
    expect(check(text)).toEqual([
      `.github/workflows/x.yml:${lineOf(text, './actions/deploy')}:15: ${RULE}: job "j" holds secrets.DEPLOY_KEY on pull_request, and step 2 runs the local action ./actions/deploy from the pull request's own checkout: a pull request that edits it runs its code with that secret; check the base out into its own folder (actions/checkout with ref: \${{ github.event.pull_request.base.sha }} and path: .mlops-base) and use ./.mlops-base/actions/deploy, or use a published action pinned by its commit SHA`,
    ]);
  });

  it("a local action from the pull request's head on pull_request_target", () => {
    const text = workflow('pull_request_target', [
      '    steps:',
      `      - uses: ${CHECKOUT}`,
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '          path: pr',
      '      - name: Label',
      '        uses: ./pr/.github/actions/label',
      '        with:',
      '          token: ${{ secrets.BOT_TOKEN }}',
    ]);
    const [f] = check(text);
    expect(f).toContain(
      `x.yml:${lineOf(text, 'uses: ./pr/')}:15: ${RULE}: job "j" holds secrets.BOT_TOKEN on pull_request_target, and step 2 ("Label") runs the local action ./pr/.github/actions/label from the pull request's own checkout (pr)`,
    );
    // the checkout itself is flagged by the older rule too
    expect(check(text, 'workflow/pr-target-checkout')).toHaveLength(1);
  });

  it("commands run in the pull request's head after checking it out, with a secret", () => {
    const text = workflow('pull_request_target', [
      '    env:',
      '      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}',
      '    steps:',
      `      - uses: ${CHECKOUT}`,
      '        with:',
      "          ref: 'refs/pull/${{ github.event.number }}/head'",
      '      - run: npm ci && npm test',
    ]);
    expect(check(text)).toEqual([
      `.github/workflows/x.yml:${lineOf(text, 'npm ci')}:14: ${RULE}: job "j" holds secrets.NPM_TOKEN on pull_request_target, and step 2 runs commands in the pull request's head checked out at .: its scripts and build files are the pull request's code, run with that secret; run them in a job without secrets (permissions: contents: read), or read the head as data only`,
    ]);
  });

  it('commands that enter a head checked out in a folder, or run there', () => {
    const steps = (run: string[]) =>
      workflow('pull_request', [
        '    steps:',
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.head.ref }}',
        '          path: head',
        ...run,
        '        env:',
        '          T: ${{ secrets.T }}',
      ]);
    expect(check(steps(['      - run: make -C head']))).toHaveLength(1);
    expect(check(steps(['      - run: cd head && ./build.sh']))).toHaveLength(1);
    expect(
      check(steps(['      - run: ./build.sh', '        working-directory: ./head/tools'])),
    ).toHaveLength(1);
    // a command that does not go into the head runs no code of it
    expect(check(steps(['      - run: echo "$T" | wc -c']))).toEqual([]);
  });

  it('a review-triggered job with a local action and a write token, no secrets.*', () => {
    const text = workflow(
      'pull_request_review',
      [
        '    permissions:',
        '      contents: read',
        '      pull-requests: write',
        '    steps:',
        `      - uses: ${CHECKOUT}`,
        '      - uses: ./actions/merge',
      ],
      [],
    );
    expect(check(text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\.github/workflows/x\\.yml:${lineOf(text, './actions/merge')}:15: ${RULE}: job "j" holds a token with pull-requests: write on pull_request_review, and step 2 runs the local action \\./actions/merge`,
        ),
      ),
    ]);
  });

  it('a workflow-level secret reaches every job', () => {
    const text = workflow(
      '[pull_request]',
      ['    steps:', `      - uses: ${CHECKOUT}`, '      - uses: ./actions/x'],
      ['permissions: {contents: read}', 'env:', '  TOKEN: ${{ secrets["BOT"] }}'],
    );
    expect(check(text)[0]).toContain('holds secrets.BOT on pull_request');
  });

  it("the pull request's checkout over the base's folder replaces it", () => {
    const text = workflow('pull_request', [
      '    steps:',
      `      - uses: ${CHECKOUT}`,
      '        with:',
      '          ref: ${{ github.event.pull_request.base.sha }}',
      '          path: .mlops-base',
      `      - uses: ${CHECKOUT}`,
      '      - uses: ./.mlops-base/actions/x',
      '        with:',
      '          token: ${{ secrets.T }}',
    ]);
    expect(check(text)).toHaveLength(1);
  });

  it('a self-hosted runner on a review event', () => {
    const text = [
      'on: pull_request_review',
      'permissions: {contents: read}',
      'jobs:',
      '  train:',
      '    runs-on: [self-hosted, gpu]',
      '    steps:',
      '      - run: echo',
      '',
    ].join('\n');
    expect(check(text, 'workflow/self-hosted-pr')).toEqual([
      expect.stringContaining(
        'x.yml:5:14: workflow/self-hosted-pr: job "train" runs on a self-hosted runner for pull_request_review',
      ),
    ]);
  });
});

describe('workflow/pr-code-with-secrets: what it lets through', () => {
  const job = (on: string, lines: string[]) =>
    check(workflow(on, ['    steps:', `      - uses: ${CHECKOUT}`, ...lines]));

  it('a local action from the base checked out into its own folder', () => {
    expect(
      job('pull_request', [
        '        with:',
        '          fetch-depth: 0',
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.base.sha }}',
        '          path: ./.mlops-base/',
        '      - uses: ./.mlops-base/actions/x',
        '        with:',
        '          token: ${{ secrets.T }}',
      ]),
    ).toEqual([]);
  });

  it("pull_request_target's own checkout, which is the base", () => {
    expect(
      job('pull_request_target', [
        '      - uses: ./actions/x',
        '        with:',
        '          token: ${{ secrets.T }}',
      ]),
    ).toEqual([]);
  });

  it('a job without secrets or a write token, and a job that runs on push only', () => {
    expect(job('pull_request', ['      - uses: ./actions/x', '      - run: npm test'])).toEqual([]);
    const pushOnly = workflow('[push, pull_request]', [
      "    if: github.event_name == 'push'",
      '    steps:',
      `      - uses: ${CHECKOUT}`,
      '      - uses: ./actions/x',
      '        env:',
      '          T: ${{ secrets.T }}',
    ]);
    expect(check(pushOnly)).toEqual([]);
    expect(check(pushOnly.replace("== 'push'", "!= 'push'"))).toHaveLength(1);
  });

  it('a published action, and a workflow no pull request starts', () => {
    expect(
      job('pull_request', [
        '      - uses: acme/tool@v1',
        '        env:',
        '          T: ${{ secrets.T }}',
      ]),
    ).toEqual([]);
    expect(
      job('push', ['      - uses: ./actions/x', '        env:', '          T: ${{ secrets.T }}']),
    ).toEqual([]);
  });
});

describe('the shipped workflows', () => {
  const names = readdirSync(path.join(ROOT, '.github/workflows')).filter((n) => n.endsWith('.yml'));

  it.each(names)('%s passes every workflow rule', (name) => {
    expect(checkWorkflow(`.github/workflows/${name}`, shipped(name)).map(formatFinding)).toEqual(
      [],
    );
  });

  it('validate.yml running its actions from the pull request is flagged on both jobs', () => {
    const text = shipped('validate.yml').replaceAll('./.mlops-base/actions/', './actions/');
    const file = '.github/workflows/validate.yml';
    expect(check(text, RULE, file)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${file}:${lineOf(text, 'uses: ./actions/validate')}:\\d+: ${RULE}: job "validate" holds secrets\\.AWS_ACCESS_KEY_ID on pull_request, and step 5 \\("validate"\\) runs the local action \\./actions/validate`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^${file}:${lineOf(text, 'uses: ./actions/governance')}:\\d+: ${RULE}: job "governance" holds secrets\\.MLOPS_TOKEN on pull_request and pull_request_review, and step 5 runs the local action \\./actions/governance`,
        ),
      ),
    ]);
  });
});

describe('mlops validate on a repository whose pull request runs its own action with a secret', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await exampleRegistry();
  });
  afterAll(() => reg.cleanup());
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: reg.dir, encoding: 'utf8' }).trim();

  it('passes the shipped workflows, and refuses the pull request naming job, step and secret', async () => {
    const clean = await reg.mlops('validate', '--ref', 'main');
    expect(clean.err).not.toMatch(/workflow\//);
    expect(clean.code).toBe(0);

    const file = '.github/workflows/validate.yml';
    const bad = edit(
      reg.files.get(file),
      'uses: ./.mlops-base/actions/governance',
      'uses: ./actions/governance',
    );
    await reg.commit({ [file]: bad }, { branch: 'run-my-governance' });
    const refs = git('for-each-ref', '--format=%(refname) %(objectname)');
    const status = git('status', '--porcelain');

    const r = await reg.mlops('validate', '--base', 'main', '--ref', 'run-my-governance');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${file}:${lineOf(bad, 'uses: ./actions/governance')}:15: ${RULE}: job "governance" holds secrets.MLOPS_TOKEN on pull_request and pull_request_review, and step 5 runs the local action ./actions/governance from the pull request's own checkout`,
    );
    // validation changed nothing
    expect(git('for-each-ref', '--format=%(refname) %(objectname)')).toBe(refs);
    expect(git('status', '--porcelain')).toBe(status);
  });
});
