/**
 * A pull request cannot choose where validation's data check sends requests: the remotes are
 * read from the base, and a change that edits `data/remotes.yaml` is checked without the
 * job's credentials. Tried as an attacker would: the PR points the S3 remote's endpoint (or
 * the local remote's path) at a server (a folder) of theirs, through `mlops validate --base`
 * and through the validate Action, with AWS credentials in the job's environment.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main as validateAction } from '../actions/validate/src/main.js';
import { actionStep } from './helpers/action-step.js';
import { edit, exampleRegistry, lineOf, type TestRegistry } from './helpers/registry.js';

/** An S3 server on loopback that has a bucket but no object, and remembers every request. */
interface Recorder {
  url: string;
  requests: { method: string; path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

async function recorder(): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
    });
    req.resume();
    // the bucket is there (HeadBucket), the objects are not
    if (req.method === 'HEAD' && /^\/[^/]+\/?$/.test(req.url ?? ''))
      return res.writeHead(200).end();
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end(
      req.method === 'HEAD'
        ? undefined
        : '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>no</Message></Error>',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAJOBSECRET', AWS_SECRET_ACCESS_KEY: 'job-secret' };
const REMOTES = 'data/remotes.yaml';
const DATASET = 'data/test-executions.yaml';
const MODEL = 'execution-agent';
const RUN_ID = '20260201-000000-elsewhere';
const RUN = `registry/runs/${MODEL}/${RUN_ID}.yaml`;
const VERSION = `registry/models/${MODEL}/versions/1.1.0.yaml`;

let reg: TestRegistry;
let legit: Recorder;
let attacker: Recorder;
let scratch: string;
/** A folder of the attacker's, holding the artifact the hand-written version names. */
let planted: string;
const hash = createHash('sha256').update('weights nobody trained').digest('hex');

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const file = (p: string) => reg.files.get(p)!;

function remotes(s3Endpoint: string, localPath = '.mlops/remote'): string {
  return edit(
    edit(file(REMOTES), 'path: .mlops/remote', `path: ${localPath}`),
    'region: us-east-1',
    `region: us-east-1\n    endpoint: ${s3Endpoint}\n    path_style: true`,
  );
}

/** A Run and version 1.1.0 trained "elsewhere", its artifact on the remote named. */
function registration(remote: string): Record<string, string> {
  const run = file(`registry/runs/${MODEL}/20260106-020000-initial.yaml`)
    .replaceAll('20260106-020000-initial', RUN_ID)
    .replace(
      'mlops://artifacts/execution-agent/1.0.0/model.json',
      `mlops://${remote}/runs/${RUN_ID}/model.json`,
    )
    .replace(
      /sha256:8b53264259d08053b711b2cfc83864be8fd88781dbe06c8d4c40e51e1b0233a4/,
      `sha256:${hash}`,
    );
  const version = file(`registry/models/${MODEL}/versions/1.0.0.yaml`)
    .replace('version: 1.0.0', 'version: 1.1.0')
    .replace('20260106-020000-initial', RUN_ID)
    .replace(
      'mlops://artifacts/execution-agent/1.0.0/model.json',
      `mlops://${remote}/runs/${RUN_ID}/model.json`,
    )
    .replace(
      /sha256:8b53264259d08053b711b2cfc83864be8fd88781dbe06c8d4c40e51e1b0233a4/,
      `sha256:${hash}`,
    )
    .replace(`${MODEL}/1.0.0.yaml`, `${MODEL}/1.1.0.yaml`);
  const card = file(`model-cards/${MODEL}/1.0.0.yaml`).replace('version: 1.0.0', 'version: 1.1.0');
  return { [RUN]: run, [VERSION]: version, [`model-cards/${MODEL}/1.1.0.yaml`]: card };
}

/** The dataset moved to the S3 remote with data the cache lacks: the check must pull it. */
const movedDataset = () =>
  edit(
    edit(file(DATASET), 'remote: local', 'remote: s3'),
    /sha256:17151a6748c11307e5907b54382905dfa6c1a322061094b417fce5e51a43a4e8/,
    `sha256:${createHash('sha256').update('rows nobody pushed').digest('hex')}`,
  );

function state(): string {
  return (
    git(reg.dir, 'for-each-ref', '--format=%(refname) %(objectname)') +
    '\n' +
    git(reg.dir, 'status', '--porcelain')
  );
}

beforeAll(async () => {
  legit = await recorder();
  attacker = await recorder();
  reg = await exampleRegistry();
  scratch = mkdtempSync(join(tmpdir(), 'mlops-validate-remotes-'));
  // main's S3 remote is the team's server (here: a recorder that has nothing)
  await reg.commit({ [REMOTES]: remotes(legit.url) }, { message: 'The S3 remote is MinIO' });
  // the attacker's folder holds the bytes their version names
  planted = join(scratch, 'attacker-remote');
  const object = join(planted, 'files', 'sha256', hash.slice(0, 2), hash.slice(2));
  mkdirSync(dirname(object), { recursive: true });
  writeFileSync(object, 'weights nobody trained');
});
afterAll(async () => {
  reg.cleanup();
  rmSync(scratch, { recursive: true, force: true });
  await legit.close();
  await attacker.close();
});
beforeEach(() => {
  legit.requests.length = 0;
  attacker.requests.length = 0;
  // the job's credentials are in the process's environment too, where the AWS SDK looks
  for (const [k, v] of Object.entries(CREDENTIALS)) vi.stubEnv(k, v);
});
afterEach(() => vi.unstubAllEnvs());

async function pullRequest(edits: Record<string, string>) {
  const branch = `pr-${Math.random().toString(36).slice(2, 8)}`;
  await reg.commit(edits, { branch, from: 'main', message: 'a pull request' });
  return branch;
}

describe('mlops validate --base: storage comes from the base', () => {
  it("refuses a PR that points the S3 endpoint at the attacker's server, which hears nothing", async () => {
    const branch = await pullRequest({
      [REMOTES]: remotes(attacker.url),
      [DATASET]: movedDataset(),
      ...registration('s3'),
    });
    const before = state();
    Object.assign(reg.env, CREDENTIALS);
    const r = await reg.mlops('validate', '--base', 'main', '--ref', branch);
    expect(state()).toBe(before);
    expect(r.code).toBe(1);
    expect(attacker.requests).toEqual([]);
    // the base's server was asked, and never with the job's credentials
    expect(legit.requests.length).toBeGreaterThan(0);
    expect(legit.requests.filter((q) => q.authorization !== undefined)).toEqual([]);
    expect(r.err).toContain(
      `${REMOTES}:1:1: warning: data/no-credentials: this change edits data/remotes.yaml: its data is checked against the base's remotes and without the job's credentials`,
    );
    const version = registration('s3')[VERSION]!;
    expect(r.err).toContain(
      `${VERSION}:${lineOf(version, /^\s+hash:/)}:9: artifact/missing: the artifact sha256:${hash} of ${MODEL} 1.1.0 is not on remote "s3" (s3://ml-datasets/gitops-mlops)`,
    );
    expect(r.err).toMatch(
      new RegExp(
        `${DATASET}:${lineOf(movedDataset(), 'hash:')}:7: data/unavailable: test-executions: .*remote "s3"`,
      ),
    );
  });

  it("signs with the job's credentials when the PR leaves the remotes alone (the control)", async () => {
    const branch = await pullRequest({ [DATASET]: movedDataset(), ...registration('s3') });
    Object.assign(reg.env, CREDENTIALS);
    const r = await reg.mlops('validate', '--base', 'main', '--ref', branch);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('data/no-credentials');
    expect(legit.requests.length).toBeGreaterThan(0);
    expect(
      legit.requests.every((q) => q.authorization?.includes('Credential=AKIAJOBSECRET/')),
    ).toBe(true);
  });

  it("refuses a PR that points the local remote at the attacker's folder holding the bytes", async () => {
    const branch = await pullRequest({
      [REMOTES]: remotes(legit.url, planted),
      ...registration('local'),
    });
    const before = state();
    const r = await reg.mlops('validate', '--base', 'main', '--ref', branch);
    expect(state()).toBe(before);
    expect(r.code).toBe(1);
    const version = registration('local')[VERSION]!;
    expect(r.err).toContain(
      `${VERSION}:${lineOf(version, /^\s+hash:/)}:9: artifact/missing: the artifact sha256:${hash} of ${MODEL} 1.1.0 is not on remote "local" (${join(reg.dir, '.mlops/remote')})`,
    );
  });

  it("refuses data on a remote the PR adds: the base's remotes do not have it", async () => {
    const withEvil = edit(
      remotes(legit.url),
      'remotes:\n',
      `remotes:\n  evil:\n    type: s3\n    bucket: ml-datasets\n    endpoint: ${attacker.url}\n`,
    );
    const branch = await pullRequest({ [REMOTES]: withEvil, ...registration('evil') });
    const r = await reg.mlops('validate', '--base', 'main', '--ref', branch);
    expect(r.code).toBe(1);
    expect(attacker.requests).toEqual([]);
    expect(r.err).toContain(
      `artifact/unavailable: cannot check that the artifact of ${MODEL} 1.1.0 is stored: no remote "evil" in the base's data/remotes.yaml`,
    );
  });
});

describe('the validate Action: storage comes from the base', () => {
  const step = actionStep('validate');
  beforeEach(() => step.capture());
  afterEach(() => step.release());

  it('checks a PR that moves the S3 endpoint without credentials, and refuses it', async () => {
    const branch = await pullRequest({ [REMOTES]: remotes(attacker.url), ...registration('s3') });
    // the runner's checkout: a clone at the PR's head, the base commit in its history
    const checkout = join(mkdtempSync(join(scratch, 'ws-')), 'repo');
    execFileSync('git', ['clone', '--quiet', reg.dir, checkout]);
    git(checkout, 'checkout', '--quiet', branch);
    const base = git(reg.dir, 'rev-parse', 'main');
    const before = state();
    const env = step.prepare(
      scratch,
      checkout,
      { name: 'pull_request', payload: { pull_request: { number: 7, base: { sha: base } } } },
      { base },
      CREDENTIALS,
    );
    await validateAction(env);
    const r = step.result(scratch);
    expect(state()).toBe(before);
    expect(git(checkout, 'status', '--porcelain')).toBe('');
    expect(r.failed).toBe(true);
    expect(attacker.requests).toEqual([]);
    expect(legit.requests.length).toBeGreaterThan(0);
    expect(legit.requests.filter((q) => q.authorization !== undefined)).toEqual([]);
    const version = registration('s3')[VERSION]!;
    expect(r.log).toContain(
      `::warning title=data/no-credentials,file=${REMOTES},line=1,col=1::this change edits data/remotes.yaml`,
    );
    expect(r.log).toContain(
      `::error title=artifact/missing,file=${VERSION},line=${lineOf(version, /^\s+hash:/)},col=9::the artifact sha256:${hash} of ${MODEL} 1.1.0 is not on remote "s3"`,
    );
  });
});
