import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
    expect(checked).toContain('.github/workflows/rollout.yml');
    expect(checked).toContain('actions/rollout/action.yml');
    expect(checked).toContain('.github/workflows/drift.yml');
    expect(checked).toContain('actions/drift/action.yml');
    expect(checked).toContain('.github/workflows/retrain.yml');
    expect(checked).toContain('.github/workflows/dashboard.yml');
    expect(checked).toContain('actions/dashboard/action.yml');
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

describe('.github/workflows/rollout.yml', () => {
  const file = path.resolve(import.meta.dirname, '../.github/workflows/rollout.yml');
  interface Job {
    if: string;
    needs?: string;
    outputs?: Record<string, string>;
    strategy?: { 'fail-fast': boolean; matrix: Record<string, string> };
    concurrency?: { group: string; 'cancel-in-progress': boolean };
    permissions?: Record<string, string>;
    steps: { id?: string; uses?: string; with?: Record<string, unknown> }[];
  }
  const wf = parse(readFileSync(file, 'utf8')) as {
    on: {
      push: { branches: string[]; paths: string[] };
      schedule: { cron: string }[];
      workflow_dispatch: unknown;
    };
    permissions: Record<string, string>;
    concurrency?: unknown;
    jobs: Record<string, Job>;
  };
  const plan = wf.jobs.plan!;
  const job = wf.jobs.rollout!;

  it('starts rollouts on a push of a Deployment or the policy, and ticks every 15 minutes', () => {
    expect(wf.on.push).toEqual({
      branches: ['main'],
      paths: ['registry/models/*/deployment.yaml', 'policies/rollout.yaml'],
    });
    expect(wf.on.schedule).toEqual([{ cron: '*/15 * * * *' }]);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    // its own step commits, pushed with a token that starts workflows, start no run
    expect(plan.if).toContain("!startsWith(github.event.head_commit.message, 'rollout ')");
  });

  it('plans read-only, then gives each model its own job and concurrency group, never cancelled', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency).toBeUndefined();
    expect(plan.permissions).toBeUndefined();
    expect(plan.steps[1]).toMatchObject({ uses: './actions/rollout', with: { plan: 'true' } });
    expect(plan.outputs).toEqual({ models: '${{ steps.plan.outputs.models }}' });
    expect(job.needs).toBe('plan');
    expect(job.strategy).toEqual({
      'fail-fast': false,
      matrix: { model: '${{ fromJSON(needs.plan.outputs.models) }}' },
    });
    expect(job.concurrency).toEqual({
      group: 'rollout-${{ matrix.model }}',
      'cancel-in-progress': false,
    });
    expect(job.permissions).toEqual({
      contents: 'write',
      issues: 'write',
      'pull-requests': 'read',
    });
  });

  it('checks out main with its history and runs the local action for its model with MLOPS_TOKEN', () => {
    const [checkout, rollout] = job.steps;
    expect(checkout?.uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
    expect(checkout?.with).toMatchObject({ ref: 'main', 'fetch-depth': 0 });
    expect(rollout).toMatchObject({
      uses: './actions/rollout',
      with: {
        token: '${{ secrets.MLOPS_TOKEN || github.token }}',
        branch: 'main',
        models: '${{ matrix.model }}',
      },
    });
  });
});

describe('.github/workflows/drift.yml', () => {
  const file = path.resolve(import.meta.dirname, '../.github/workflows/drift.yml');
  const wf = parse(readFileSync(file, 'utf8')) as {
    on: Record<string, unknown> & {
      schedule: { cron: string }[];
      workflow_dispatch: { inputs: Record<string, { type: string; required: boolean }> };
    };
    permissions: Record<string, string>;
    concurrency: unknown;
    jobs: Record<
      string,
      {
        env: Record<string, string>;
        steps: { uses?: string; with?: Record<string, unknown> }[];
      }
    >;
  };
  const job = wf.jobs.drift!;

  it('checks hourly and by hand, never on a push or a pull request', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.on.schedule).toEqual([{ cron: '0 * * * *' }]);
    expect(wf.on.workflow_dispatch.inputs).toEqual({
      models: expect.objectContaining({ type: 'string', required: false }) as unknown,
    });
  });

  it('may push statuses and open issues, one run at a time, never cancelled', () => {
    expect(wf.permissions).toEqual({ contents: 'write', issues: 'write' });
    expect(wf.concurrency).toEqual({ group: 'drift', 'cancel-in-progress': false });
  });

  it('checks out main with its history and MLOPS_TOKEN, and runs the local action', () => {
    const [checkout, drift] = job.steps;
    expect(checkout?.uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
    expect(checkout?.with).toEqual({
      ref: 'main',
      'fetch-depth': 0,
      token: '${{ secrets.MLOPS_TOKEN || github.token }}',
    });
    expect(drift).toMatchObject({
      uses: './actions/drift',
      with: {
        token: '${{ secrets.MLOPS_TOKEN || github.token }}',
        branch: 'main',
        models: '${{ inputs.models }}',
      },
    });
    // the data remote's credentials come from secrets, for an S3 remote only
    expect(job.env).toMatchObject({
      AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}',
      AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    });
  });
});

describe('.github/workflows/retrain.yml', () => {
  const read = (name: string): unknown =>
    parse(readFileSync(path.resolve(import.meta.dirname, `../.github/workflows/${name}`), 'utf8'));
  interface Job {
    needs?: string;
    if?: string;
    outputs?: Record<string, string>;
    strategy?: { 'fail-fast': boolean; matrix: Record<string, string> };
    permissions?: Record<string, string>;
    uses?: string;
    with?: Record<string, string>;
    secrets?: string;
    steps?: { uses?: string; run?: string; env?: Record<string, string> }[];
  }
  const wf = read('retrain.yml') as {
    on: Record<string, unknown> & {
      schedule: { cron: string }[];
      repository_dispatch: { types: string[] };
      workflow_dispatch: { inputs: Record<string, unknown> };
    };
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const train = read('train.yml') as {
    on: { workflow_call: { inputs: Record<string, unknown> } };
  };
  const call = wf.jobs.train!;

  it("retrains weekly, on the drift action's dispatch and by hand, never on a pull request", () => {
    expect(Object.keys(wf.on).sort()).toEqual([
      'repository_dispatch',
      'schedule',
      'workflow_dispatch',
    ]);
    expect(wf.on.schedule).toEqual([{ cron: '0 2 * * 0' }]);
    expect(wf.on.repository_dispatch).toEqual({ types: ['retrain'] });
    // only here: were train.yml to listen too, each dispatch would train the model twice
    expect(Object.keys(train.on)).not.toContain('repository_dispatch');
    expect(Object.keys(wf.on.workflow_dispatch.inputs).sort()).toEqual(['model', 'reason']);
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('lists the models to train, the one named or every registry/models/*/model.yaml', () => {
    const list = wf.jobs.models!;
    expect(list.permissions).toBeUndefined();
    expect(list.outputs).toEqual({ models: '${{ steps.list.outputs.models }}' });
    const step = list.steps!.find((s) => s.run)!;
    expect(step.env).toEqual({
      MODEL: '${{ inputs.model || github.event.client_payload.model }}',
    });
    expect(step.run).toContain('registry/models/*/model.yaml');
    // the untrusted name reaches the script through the environment only
    expect(step.run).not.toContain('${{');
  });

  it('calls train.yml once per model with what its workflow_call accepts, and the secrets', () => {
    expect(call.needs).toBe('models');
    expect(call.uses).toBe('./.github/workflows/train.yml');
    expect(call.strategy).toEqual({
      'fail-fast': false,
      matrix: { model: '${{ fromJSON(needs.models.outputs.models) }}' },
    });
    expect(call.permissions).toEqual({ contents: 'write' });
    expect(call.secrets).toBe('inherit');
    expect(Object.keys(call.with!).sort()).toEqual(['model', 'reason', 'trigger']);
    for (const input of Object.keys(call.with!))
      expect(train.on.workflow_call.inputs).toHaveProperty(input);
    expect(call.with!.model).toBe('${{ matrix.model }}');
    expect(call.with!.reason).toContain('github.event.client_payload.reason');
    for (const trigger of ["'drift'", "'schedule'", "'manual'"])
      expect(call.with!.trigger).toContain(trigger);
  });
});

describe('.github/workflows/dashboard.yml', () => {
  const file = path.resolve(import.meta.dirname, '../.github/workflows/dashboard.yml');
  interface Step {
    id?: string;
    uses?: string;
    with?: Record<string, unknown>;
  }
  const wf = parse(readFileSync(file, 'utf8')) as {
    on: { push: { branches: string[]; paths: string[] }; workflow_dispatch: unknown };
    permissions: Record<string, string>;
    concurrency: unknown;
    jobs: Record<
      string,
      {
        needs?: string;
        permissions?: Record<string, string>;
        environment?: { name: string; url: string };
        steps: Step[];
      }
    >;
  };

  it("publishes on a push to main that changes the registry's folders, and by hand", () => {
    expect(Object.keys(wf.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(wf.on.push.branches).toEqual(['main']);
    expect(wf.on.push.paths.sort()).toEqual(
      ['data/**', 'model-cards/**', 'policies/**', 'registry/**'].sort(),
    );
  });

  it('builds read-only from the whole history, confirming pull requests; only the deploy job may write Pages', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency).toEqual({ group: 'pages', 'cancel-in-progress': false });
    const { build, deploy } = wf.jobs;
    expect(build!.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    const [checkout, dashboard, upload] = build!.steps;
    expect(checkout).toMatchObject({
      uses: expect.stringMatching(/^actions\/checkout@[0-9a-f]{40}$/) as unknown,
      with: { 'fetch-depth': 0, 'persist-credentials': false },
    });
    expect(dashboard).toMatchObject({
      uses: './actions/dashboard',
      with: { out: 'site', token: '${{ github.token }}' },
    });
    expect(upload).toMatchObject({
      uses: expect.stringMatching(/^actions\/upload-pages-artifact@[0-9a-f]{40}$/) as unknown,
      with: { path: 'site' },
    });
    expect(deploy!.needs).toBe('build');
    expect(deploy!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(deploy!.environment).toEqual({
      name: 'github-pages',
      url: '${{ steps.deployment.outputs.page_url }}',
    });
    expect(deploy!.steps).toEqual([
      {
        id: 'deployment',
        uses: expect.stringMatching(/^actions\/deploy-pages@[0-9a-f]{40}$/) as unknown,
      },
    ]);
  });
});

describe('.github/workflows/validate.yml', () => {
  const file = path.resolve(import.meta.dirname, '../.github/workflows/validate.yml');
  interface Step {
    name?: string;
    id?: string;
    uses?: string;
    run?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
  }
  interface Job {
    if?: string;
    needs?: string;
    permissions?: Record<string, string>;
    steps: Step[];
  }
  const wf = parse(readFileSync(file, 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const BASE_SHA = '${{ github.event.pull_request.base.sha }}';

  it('runs on pull requests and reviews, read-only unless a job says more', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'pull_request_review']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(wf.jobs).sort()).toEqual(['governance', 'validate']);
    expect(wf.jobs.validate!.permissions).toBeUndefined();
    expect(wf.jobs.governance!.permissions).toEqual({
      contents: 'read',
      statuses: 'write',
      'pull-requests': 'write',
    });
  });

  it.each(['validate', 'governance'])(
    'job %s holds its secrets only in steps that run the actions from the base',
    (name) => {
      const job = wf.jobs[name]!;
      expect(JSON.stringify(job)).toContain('secrets.');
      const checkouts = job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
      // the pull request first, read as data with its history, then the base into its folder
      expect(checkouts).toHaveLength(2);
      const [pr, base] = checkouts;
      expect(pr!.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
      expect(base!.with).toEqual({
        ref: BASE_SHA,
        path: '.mlops-base',
        'persist-credentials': false,
      });
      // whatever the pull request committed at .mlops-base goes before the base is put there
      const i = (s: Step | undefined) => job.steps.indexOf(s!);
      const clear = job.steps.find((s) => s.run !== undefined);
      expect(clear?.run?.trim()).toBe('rm -rf -- .mlops-base');
      expect(i(pr)).toBeLessThan(i(clear));
      expect(i(clear)).toBeLessThan(i(base));
      expect(job.steps.filter((s) => s.run !== undefined)).toEqual([clear]);
      // every local action comes from the base's folder, after the base is there
      const local = job.steps.filter((s) => s.uses?.startsWith('./'));
      expect(local.map((s) => s.uses)).toEqual([`./.mlops-base/actions/${name}`]);
      for (const s of local) expect(i(s)).toBeGreaterThan(i(base));
      // a secret appears only in those steps
      for (const s of job.steps) {
        if (JSON.stringify(s).includes('secrets.')) expect(local).toContain(s);
      }
      // and every other action is pinned by its commit
      for (const s of job.steps) {
        if (s.uses && !s.uses.startsWith('./'))
          expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
      }
    },
  );

  it('validates with the base commit; the AWS secrets reach that step only', () => {
    const step = wf.jobs.validate!.steps.find((s) => s.id === 'validate')!;
    expect(step.with).toEqual({ base: BASE_SHA });
    expect(step.env).toEqual({
      AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}',
      AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    });
    expect(wf.jobs.validate!.if).toBe("${{ github.event_name == 'pull_request' }}");
  });

  it('judges after validation, and on a review, where validation is skipped', () => {
    const gov = wf.jobs.governance!;
    expect(gov.needs).toBe('validate');
    // without this, a skipped validate (every review event) would skip governance too
    expect(gov.if).toBe(
      "${{ !cancelled() && (needs.validate.result == 'success' || needs.validate.result == 'skipped') }}",
    );
    const step = gov.steps.find((s) => s.uses === './.mlops-base/actions/governance')!;
    expect(step.with).toEqual({ token: '${{ secrets.MLOPS_TOKEN || github.token }}' });
  });
});

describe('every shipped workflow', () => {
  const dir = path.resolve(import.meta.dirname, '../.github/workflows');
  const files = readdirSync(dir).filter((n) => n.endsWith('.yml'));
  const PR_EVENTS = ['pull_request', 'pull_request_review', 'pull_request_target'];
  interface Job {
    'runs-on'?: unknown;
    steps?: { uses?: string; with?: Record<string, unknown> }[];
  }

  it.each(files)(
    '%s pins third-party actions by commit and keeps the GPU runner off pull requests',
    (name) => {
      const wf = parse(readFileSync(path.join(dir, name), 'utf8')) as {
        on: Record<string, unknown>;
        jobs: Record<string, Job>;
      };
      const prEvents = Object.keys(wf.on).filter((e) => PR_EVENTS.includes(e));
      for (const job of Object.values(wf.jobs)) {
        if (JSON.stringify(job['runs-on'] ?? '').includes('self-hosted'))
          expect(prEvents).toEqual([]);
        for (const s of job.steps ?? []) {
          if (s.uses && !s.uses.startsWith('./')) expect(s.uses).toMatch(/@[0-9a-f]{40}$/);
        }
      }
    },
  );
});
